package io.berth.console;

import io.berth.audit.Usage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * Pushes and pulls a day as a bar chart drawn on the server (SVG, no script): for each day two bars, scaled to the
 * largest figure of the period.
 */
record TransferChart(List<Bar> bars, long max, String firstDay, String lastDay, long pushes, long pulls) {

    static final int WIDTH = 600;
    static final int HEIGHT = 160;

    /** One bar: where it is drawn, and what its tooltip says. */
    record Bar(int x, int y, int width, int height, String kind, String title) {
    }

    static TransferChart of(List<Usage.Figures> accountDays, LocalDate today, int days) {
        Map<LocalDate, Usage.Figures> byDay = accountDays.stream()
                .collect(Collectors.toMap(Usage.Figures::day, Function.identity(), (a, b) -> a));
        LocalDate first = today.minusDays(days - 1L);
        long[] pushes = new long[days];
        long[] pulls = new long[days];
        long max = 1;
        for (int i = 0; i < days; i++) {
            Usage.Figures figures = byDay.get(first.plusDays(i));
            pushes[i] = figures == null ? 0 : figures.pushes();
            pulls[i] = figures == null ? 0 : figures.pulls();
            max = Math.max(max, Math.max(pushes[i], pulls[i]));
        }
        int slot = WIDTH / days;
        int barWidth = Math.max(1, (slot - 2) / 2);
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            LocalDate day = first.plusDays(i);
            bars.add(bar(i * slot, barWidth, pushes[i], max, "push", day + ": " + pushes[i] + " pushes"));
            bars.add(bar(i * slot + barWidth, barWidth, pulls[i], max, "pull", day + ": " + pulls[i] + " pulls"));
        }
        return new TransferChart(bars, max, first.toString(), today.toString(), LongStream.of(pushes).sum(),
                LongStream.of(pulls).sum());
    }

    private static Bar bar(int x, int width, long value, long max, String kind, String title) {
        // A day with any transfer shows at least a sliver.
        int height = value == 0 ? 0 : (int) Math.max(1, value * HEIGHT / max);
        return new Bar(x, HEIGHT - height, width, height, kind, title);
    }
}
