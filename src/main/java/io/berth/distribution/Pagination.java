package io.berth.distribution;

import io.berth.registry.Page;
import io.berth.registry.Problem;
import io.berth.registry.RegistryException;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The {@code n}/{@code last} parameters of tags/list and _catalog, and the Link header to the next page. */
final class Pagination {

    /** The most entries one page returns; larger {@code n} are served in pages of this size, with a Link. */
    static final int MAX_PAGE = 10_000;

    private Pagination() {
    }

    static int limit(String n) {
        if (n == null) {
            return MAX_PAGE;
        }
        try {
            int value = Integer.parseInt(n);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return Math.min(value, MAX_PAGE);
        } catch (NumberFormatException e) {
            throw new RegistryException(Problem.PAGINATION_NUMBER_INVALID, "n must be a non-negative integer", n);
        }
    }

    static Response.ResponseBuilder link(Response.ResponseBuilder response, String path, Page page, int limit) {
        if (page.more() && !page.items().isEmpty()) {
            String last = page.items().get(page.items().size() - 1);
            response.header("Link", "<" + path + "?n=" + limit + "&last="
                    + URLEncoder.encode(last, StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        return response;
    }
}
