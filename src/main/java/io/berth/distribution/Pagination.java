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

    /**
     * A JSON array of names. Repository names and tags are restricted by the spec's grammar to characters that need
     * no escaping in JSON, so the array is written directly: for 10,000 tags this is several times faster than
     * building a JSON-P structure.
     */
    static String jsonArray(java.util.List<String> names) {
        StringBuilder json = new StringBuilder(names.size() * 24 + 2).append('[');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('"').append(names.get(i)).append('"');
        }
        return json.append(']').toString();
    }

    static Response.ResponseBuilder link(Response.ResponseBuilder response, String path, Page page, int limit) {
        return link(response, path, page.more() && !page.items().isEmpty()
                ? page.items().get(page.items().size() - 1) : null, limit);
    }

    /** The Link to the page after {@code last}; none when {@code last} is null (this was the last page). */
    static Response.ResponseBuilder link(Response.ResponseBuilder response, String path, String last, int limit) {
        if (last != null) {
            response.header("Link", "<" + path + "?n=" + limit + "&last="
                    + URLEncoder.encode(last, StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        return response;
    }
}
