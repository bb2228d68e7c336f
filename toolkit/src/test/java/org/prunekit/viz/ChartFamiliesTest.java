package org.prunekit.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.opentest4j.AssertionFailedError;
import org.prunekit.prune.PruningHistory;
import org.prunekit.train.EpochStats;
import org.prunekit.train.History;
import org.prunekit.train.TrainConfig;

/** The chart families draw the data they are given: series names, x and y data, axes and options. */
class ChartFamiliesTest {

    /** Asserts that the chart has a series {@code name} with exactly these points. */
    static void assertSeries(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.getSeriesMap().get(name);
        assertTrue(s != null, "no series '" + name + "' in " + chart.getSeriesMap().keySet());
        assertArrayEquals(x, s.getXData(), 1e-9, "x of " + name);
        assertArrayEquals(y, s.getYData(), 1e-9, "y of " + name);
    }

    static void assertTitles(Chart<?, ?> chart, String title, String xTitle, String yTitle) {
        assertEquals(title, chart.getTitle());
        assertEquals(xTitle, chart.getXAxisTitle());
        assertEquals(yTitle, chart.getYAxisTitle());
    }

    static History history(String net, double... testAccuracies) {
        List<EpochStats> e = new ArrayList<>();
        for (int i = 0; i < testAccuracies.length; i++) {
            e.add(new EpochStats(i + 1, 1.0 / (i + 2), testAccuracies[i] + 0.01, testAccuracies[i], 2.0));
        }
        return new History(net, "MNIST", 64, TrainConfig.epochs(testAccuracies.length), e);
    }

    static PruningHistory pruningHistory() {
        return new PruningHistory(org.prunekit.RunProvenance.given("LeNet-300-100", "MNIST", "magnitude, 3 steps"), 0.98, List.of(
                new PruningHistory.Step(1, 0.5, 0.49, 1000, 0.97, 0.979),
                new PruningHistory.Step(2, 0.75, 0.74, 500, 0.95, 0.977),
                new PruningHistory.Step(3, 0.9, 0.9, 200, 0.90, 0.970)));
    }

    @Test
    void lineChartDrawsItsSeriesWithTheirNamesAndAxisTitles() {
        double[] x = {1, 2, 3};
        XYChart c = LineChart.of("Growth", "epoch", "value")
                .addSeries(Series.of("a", x, new double[] {1, 4, 9}))
                .addSeries(Series.of("b", new double[] {2, 3, 4}).dashed())
                .addReference("reference", 5)
                .chart();
        assertTitles(c, "Growth", "epoch", "value");
        assertEquals(List.of("a", "b", "reference"), List.copyOf(c.getSeriesMap().keySet()));
        assertSeries(c, "a", x, new double[] {1, 4, 9});
        assertSeries(c, "b", x, new double[] {2, 3, 4}); // Series.of(name, y): x = 1, 2, 3
        assertSeries(c, "reference", new double[] {1, 3}, new double[] {5, 5});
        assertEquals(Style.DASHED, c.getSeriesMap().get("b").getLineStyle());
        assertEquals(Style.SOLID, c.getSeriesMap().get("a").getLineStyle());
        assertThrows(IllegalArgumentException.class, () -> LineChart.of("t", "x", "y").chart());
        assertThrows(IllegalArgumentException.class,
                () -> LineChart.of("t", "x", "y").addSeries("a", x, x).addSeries("a", x, x));
        assertThrows(IllegalArgumentException.class, () -> Series.of("a", new double[] {1, 2}, new double[] {1}));
    }

    @Test
    void swappingTwoSeriesDataIsCaught() {
        double[] x = {1, 2, 3};
        double[] up = {1, 2, 3};
        double[] down = {3, 2, 1};
        XYChart right = LineChart.of("t", "x", "y").addSeries("up", x, up).addSeries("down", x, down).chart();
        XYChart swapped = LineChart.of("t", "x", "y").addSeries("up", x, down).addSeries("down", x, up).chart();
        assertSeries(right, "up", x, up);
        assertSeries(right, "down", x, down);
        assertThrows(AssertionFailedError.class, () -> assertSeries(swapped, "up", x, up));
        assertThrows(AssertionFailedError.class, () -> assertSeries(swapped, "down", x, down));
    }

    @Test
    void logAxesAreReallySet() {
        Series s = Series.of("a", new double[] {1e-6, 1e-4, 1e-2, 1}, new double[] {1, 10, 50, 90});
        XYChart linear = LineChart.of("t", "x", "y").addSeries(s).chart();
        assertFalse(linear.getStyler().isXAxisLogarithmic());
        assertFalse(linear.getStyler().isYAxisLogarithmic());
        XYChart logX = LineChart.of("t", "x", "y").addSeries(s).options(ChartOptions.defaults().logX()).chart();
        assertTrue(logX.getStyler().isXAxisLogarithmic());
        assertFalse(logX.getStyler().isYAxisLogarithmic());
        assertEquals("0E0", logX.getStyler().getXAxisDecimalPattern());
        XYChart logY = LineChart.of("t", "x", "y").addSeries(s).options(ChartOptions.defaults().logY()).chart();
        assertFalse(logY.getStyler().isXAxisLogarithmic());
        assertTrue(logY.getStyler().isYAxisLogarithmic());
        // the facade's map of {xs, ys} goes through the same family
        XYChart facade = ResultCharts.lines("t", "x", "y", Map.of("a", new double[][] {s.x(), s.y()}))
                .options(Charts.options().logX()).chart();
        assertTrue(facade.getStyler().isXAxisLogarithmic());
        assertSeries(facade, "a", s.x(), s.y());
        assertThrows(IllegalArgumentException.class,
                () -> Histogram.of("h").addSeries("w", new float[] {1, 2}).options(ChartOptions.defaults().logY())
                        .chart());
    }

    @Test
    void everyFamilyTakesTheOptions() {
        ChartOptions o = ChartOptions.defaults().title("T").xTitle("X").yTitle("Y").size(640, 360)
                .legend(ChartOptions.Legend.RIGHT).yRange(0, 50);
        List<Chart<?, ?>> charts = List.of(
                LineChart.of("t", "x", "y").addSeries(Series.of("a", new double[] {1, 2})).options(o).chart(),
                BarChart.of("t", "x", "y").addSeries("a", Map.of("p", 1.0)).options(o).chart(),
                Histogram.of("t").addSeries("w", new float[] {1, 2, 3}).options(o).chart(),
                SparsityCurves.of("t", "x", "y").addSeries("m", new double[] {0.5}, new double[] {0.9}).options(o)
                        .chart(),
                TrainingCurves.of(history("net", 0.9, 0.95)).options(o).chart(),
                PruningCurves.of(pruningHistory()).options(o).chart());
        for (Chart<?, ?> c : charts) {
            String what = c.getClass().getSimpleName() + " " + c.getSeriesMap().keySet();
            assertTitles(c, "T", "X", "Y");
            assertEquals(640, c.getWidth(), what);
            assertEquals(360, c.getHeight(), what);
            assertEquals(Styler.LegendPosition.OutsideE, c.getStyler().getLegendPosition(), what);
            var st = (org.knowm.xchart.style.AxesChartStyler) c.getStyler();
            assertEquals(0.0, st.getYAxisMin(), what);
            assertEquals(50.0, st.getYAxisMax(), what);
        }
        BufferedImage mask = MaskImage.of(new float[] {1, 0, 0, 1}, 2, 2, "m").options(o.size(1000, 400)).image();
        assertEquals(1000, mask.getWidth());
        BufferedImage tiles = Tiles.of("t", new float[][] {{1, 0, 0, 1}}, 2, 2).options(o.size(1000, 400)).image();
        assertEquals(1000, tiles.getWidth());
        // options are values: deriving new ones leaves the old unchanged
        ChartOptions base = ChartOptions.defaults().title("base");
        ChartOptions log = base.logX();
        assertFalse(base.xLog());
        assertTrue(log.xLog());
        assertEquals("base", log.title());
        assertEquals(null, ChartOptions.defaults().title());
        assertThrows(IllegalArgumentException.class, () -> ChartOptions.defaults().size(10, 10));
    }

    @Test
    void sparsityCurvesDrawFractionsInPercentSortedWithTheBaseline() {
        XYChart c = SparsityCurves.of("Accuracy", "sparsity (%)", "accuracy (%)")
                .addSeries("random(1)", new double[] {0.9, 0.5}, new double[] {0.6, 0.97})
                .addSeries("random(2)", new double[] {0.5, 0.9}, new double[] {0.96, 0.55})
                .baseline(0.981)
                .chart();
        assertTitles(c, "Accuracy", "sparsity (%)", "accuracy (%)");
        assertEquals(List.of("random(1)", "random(2)", "dense baseline (98.10%)"),
                List.copyOf(c.getSeriesMap().keySet()));
        assertSeries(c, "random(1)", new double[] {50, 90}, new double[] {97, 60});
        assertSeries(c, "random(2)", new double[] {50, 90}, new double[] {96, 55});
        assertSeries(c, "dense baseline (98.10%)", new double[] {50, 90}, new double[] {98.1, 98.1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparsityCurves.of("t", "x", "y").addSeries("m", new double[] {50}, new double[] {0.9}));
        assertTrue(e.getMessage().contains("fractions"), e.getMessage());
    }

    @Test
    void trainingCurvesDrawEachHistorysEpochs() {
        History h = history("LeNet-300-100", 0.90, 0.95, 0.97);
        TrainingCurves curves = TrainingCurves.of(h);
        XYChart acc = curves.accuracyChart();
        assertTitles(acc, "Accuracy while training LeNet-300-100", "epoch", "accuracy (%)");
        double[] epochs = {1, 2, 3};
        assertSeries(acc, "LeNet-300-100 test", epochs, new double[] {90, 95, 97});
        assertSeries(acc, "LeNet-300-100 train", epochs, new double[] {91, 96, 98});
        assertEquals(Style.DASHED, acc.getSeriesMap().get("LeNet-300-100 train").getLineStyle());
        XYChart loss = curves.lossChart();
        assertTitles(loss, "Training loss of LeNet-300-100", "epoch", "mean cross-entropy loss");
        assertSeries(loss, "LeNet-300-100", epochs, new double[] {1.0 / 2, 1.0 / 3, 1.0 / 4});
        // the image is the accuracy above the loss, and History.plot() is that image
        BufferedImage img = h.plot();
        assertEquals(Charts.WIDTH, img.getWidth());
        assertEquals(Charts.HEIGHT + Charts.HEIGHT * 2 / 3, img.getHeight());
        assertTrue(samePixels(img, curves.image()));
        assertFalse(samePixels(img, TrainingCurves.of(history("LeNet-300-100", 0.90, 0.96, 0.97)).image()));
        assertThrows(IllegalArgumentException.class,
                () -> new History("x", "MNIST", 64, TrainConfig.epochs(1), List.of()).plot());
    }

    @Test
    void aContinuedRunStartsWhereThePreviousEnded() {
        History train = history("96 neurons", 0.90, 0.95, 0.97);
        History tune = history("32 neurons", 0.93, 0.96);
        XYChart c = TrainingCurves.of(train).then("pruned to 32, fine-tuned", 0.60, tune).accuracyChart();
        assertEquals(List.of("96 neurons test", "96 neurons train", "pruned to 32, fine-tuned test",
                "pruned to 32, fine-tuned train"), List.copyOf(c.getSeriesMap().keySet()));
        assertSeries(c, "pruned to 32, fine-tuned test", new double[] {3, 4, 5}, new double[] {60, 93, 96});
        assertSeries(c, "pruned to 32, fine-tuned train", new double[] {4, 5}, new double[] {94, 97});
        assertNotEquals(c.getSeriesMap().get("96 neurons test").getLineColor(),
                c.getSeriesMap().get("pruned to 32, fine-tuned test").getLineColor());
        assertThrows(IllegalArgumentException.class, () -> TrainingCurves.of(train).then("x", 60, tune));
    }

    @Test
    void pruningCurvesDrawEachStepWithSparsityOnTheSecondAxis() {
        PruningHistory h = pruningHistory();
        XYChart c = PruningCurves.of(h).chart();
        assertTitles(c, "Iterative pruning of LeNet-300-100", "step", "test accuracy (%)");
        double[] steps = {1, 2, 3};
        assertSeries(c, "accuracy after fine-tuning", steps, new double[] {97.9, 97.7, 97.0});
        assertSeries(c, "accuracy right after pruning", steps, new double[] {97, 95, 90});
        assertSeries(c, "sparsity reached (right axis)", steps, new double[] {49, 74, 90});
        assertSeries(c, "target sparsity (right axis)", steps, new double[] {50, 75, 90});
        assertSeries(c, "dense accuracy (98.00%)", new double[] {1, 3}, new double[] {98, 98});
        assertEquals(1, c.getSeriesMap().get("sparsity reached (right axis)").getYAxisGroup());
        assertEquals(0, c.getSeriesMap().get("accuracy after fine-tuning").getYAxisGroup());
        assertEquals("sparsity (%)", c.getYAxisGroupTitle(1));
        assertTrue(samePixels(h.plot(), PruningCurves.of(h).image()));
        assertThrows(IllegalArgumentException.class,
                () -> new PruningHistory(org.prunekit.RunProvenance.given("n", "d", "none"), 0.9, List.of()).plot());
    }

    @Test
    void barChartGroupsSeriesByCategory() {
        Map<String, Double> pruned = new LinkedHashMap<>();
        pruned.put("l1", 80.0);
        pruned.put("taylor", 85.0);
        CategoryChart c = BarChart.of("Accuracy", "criterion", "%").addSeries("pruned", pruned)
                .addSeries("fine-tuned", List.of("l1", "taylor"), new double[] {95, 96}).chart();
        assertTitles(c, "Accuracy", "criterion", "%");
        assertEquals(List.of("pruned", "fine-tuned"), List.copyOf(c.getSeriesMap().keySet()));
        CategorySeries tuned = c.getSeriesMap().get("fine-tuned");
        assertEquals(List.of("l1", "taylor"), List.copyOf(tuned.getXData()));
        assertEquals(List.of(95.0, 96.0), List.copyOf(tuned.getYData()));
        assertThrows(IllegalArgumentException.class,
                () -> BarChart.of("t", "x", "y").addSeries("a", Map.of("p", Double.NaN)));
    }

    static boolean samePixels(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return false;
        }
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }
}
