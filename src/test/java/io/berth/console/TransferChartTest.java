package io.berth.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.berth.audit.Usage;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferChartTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 3);

    private static Usage.Figures day(LocalDate day, long pushes, long pulls) {
        return new Usage.Figures(day, "", 0, pushes, 0, pulls, 0, 0);
    }

    @Test
    void twoBarsADayScaledToTheBusiestDay() {
        TransferChart chart = TransferChart.of(List.of(day(TODAY, 4, 40), day(TODAY.minusDays(29), 1, 0)), TODAY, 30);
        assertEquals(60, chart.bars().size());
        assertEquals(40, chart.max());
        assertEquals(5, chart.pushes());
        assertEquals(40, chart.pulls());
        assertEquals("2026-11-04", chart.firstDay());
        TransferChart.Bar busiest = chart.bars().get(59);
        assertEquals(TransferChart.HEIGHT, busiest.height());
        assertEquals(0, busiest.y());
        assertEquals("2026-12-03: 40 pulls", busiest.title());
        assertEquals(TransferChart.HEIGHT / 10, chart.bars().get(58).height(), "4 pushes of 40");
        // One push of 40 still shows; a day without any shows nothing.
        assertEquals(4, chart.bars().get(0).height());
        assertEquals(0, chart.bars().get(2).height());
    }

    @Test
    void daysOutsideThePeriodAreNotDrawn() {
        TransferChart chart = TransferChart.of(List.of(day(TODAY.minusDays(30), 9, 9)), TODAY, 30);
        assertEquals(0, chart.bars().stream().mapToInt(TransferChart.Bar::height).sum());
        assertEquals(0, chart.pushes() + chart.pulls());
    }
}
