package io.berth.console;

import io.berth.audit.Usage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage: the account's pushes, pulls, bytes and API calls over a range of days, as a chart and per repository, and
 * the same figures as CSV. Stored bytes are as last measured (hourly): a page view does not walk the store.
 * An account's administrators read its usage, as on {@code /berth/usage}.
 */
@ApplicationScoped
public class UsagePages implements ConsoleArea {

    static final String PATH = "/usage";
    static final String CSV = "/usage.csv";
    private static final int DEFAULT_DAYS = 30;
    /** The page lists the repositories that store the most; the CSV has them all. */
    private static final int REPOSITORIES_SHOWN = 100;
    private static final String SECTION = "usage";

    @Inject
    Usage usage;

    @Override
    public boolean serves(String path) {
        return path.equals(PATH) || path.equals(CSV);
    }

    @Override
    public void get(ConsolePage page) throws IOException {
        if (!page.caller().administrator()) {
            page.refused(SECTION, "Only the account's administrators read its usage.");
            return;
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate from;
        LocalDate to;
        try {
            to = page.param("to").isEmpty() ? today : LocalDate.parse(page.param("to"));
            from = page.param("from").isEmpty() ? to.minusDays(DEFAULT_DAYS - 1) : LocalDate.parse(page.param("from"));
        } catch (DateTimeParseException e) {
            invalid(page, "Days are dates, such as 2026-12-01.");
            return;
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days < 1 || days > Usage.MAX_DAYS) {
            invalid(page, "The first day comes before the last, at most " + Usage.MAX_DAYS + " days apart.");
            return;
        }
        List<Usage.Figures> figures = usage.asMeasured(page.account(), from, to);
        if (page.path().equals(CSV)) {
            var response = page.response();
            response.setContentType("text/csv;charset=UTF-8");
            response.setHeader("Content-Disposition", "attachment; filename=\"usage-" + page.account() + "-" + from
                    + "-" + to + ".csv\"");
            response.getOutputStream().write(Usage.csv(figures).getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, Object> model = page.model(SECTION);
        model.put("from", from.toString());
        model.put("to", to.toString());
        // The account's own rows are among those read: no second query for the chart and totals.
        List<Usage.Figures> account = figures.stream().filter(f -> f.repository().isEmpty()).toList();
        model.put("chart", TransferChart.of(account, to, (int) days));
        model.put("total", Totals.of("", account));
        Map<String, List<Usage.Figures>> byRepository = new LinkedHashMap<>();
        figures.stream().filter(f -> !f.repository().isEmpty())
                .forEach(f -> byRepository.computeIfAbsent(f.repository(), r -> new ArrayList<>()).add(f));
        model.put("repositoryCount", byRepository.size());
        model.put("shownRepositories", Math.min(REPOSITORIES_SHOWN, byRepository.size()));
        model.put("repositories", byRepository.entrySet().stream()
                .map(entry -> Totals.of(entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparingLong(Totals::bytesStored).reversed().thenComparing(Totals::repository))
                .limit(REPOSITORIES_SHOWN).toList());
        page.render(200, "usage", model);
    }

    private static void invalid(ConsolePage page, String message) throws IOException {
        Map<String, Object> model = page.model(SECTION);
        model.put("from", page.param("from"));
        model.put("to", page.param("to"));
        model.put("error", message);
        page.render(400, "usage", model);
    }

    /** A repository's (or the account's) figures summed over the range; stored bytes those of its last day. */
    public record Totals(String repository, long bytesStored, String stored, long pushes, String pushed, long pulls,
                         String pulled, long apiCalls) {
        static Totals of(String repository, List<Usage.Figures> days) {
            long stored = days.stream().max(Comparator.comparing(Usage.Figures::day)).map(Usage.Figures::storedBytes)
                    .orElse(0L);
            return new Totals(repository, stored, Format.bytes(stored),
                    days.stream().mapToLong(Usage.Figures::pushes).sum(),
                    Format.bytes(days.stream().mapToLong(Usage.Figures::bytesPushed).sum()),
                    days.stream().mapToLong(Usage.Figures::pulls).sum(),
                    Format.bytes(days.stream().mapToLong(Usage.Figures::bytesPulled).sum()),
                    days.stream().mapToLong(Usage.Figures::apiCalls).sum());
        }
    }
}
