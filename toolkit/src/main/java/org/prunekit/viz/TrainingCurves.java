package org.prunekit.viz;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.prunekit.train.EpochStats;
import org.prunekit.train.History;

/**
 * Training runs epoch by epoch: accuracy (test solid, training dashed, one colour per run, in
 * percent) and the mean training loss. Runs are named after the net that trained (give copies
 * their own names with {@code net.copy("...")}); repeated names get {@code #1}, {@code #2}, ...
 * A run can be continued by another one, e.g. fine-tuning after pruning, drawn after its last
 * epoch and starting from the accuracy right after pruning.
 *
 * <pre>{@code
 * Show.image(history.plot());                                   // one run: accuracy above, loss below
 * Show.image(TrainingCurves.of(dense, pruned).image());         // two runs side by side
 * Show.image(TrainingCurves.of(history)
 *         .then("pruned to 32, then fine-tuned", prunedAccuracy, retrain).image());
 * }</pre>
 */
public final class TrainingCurves extends ChartFamily<XYChart, TrainingCurves> {

    /** One line of the chart per quantity; {@code test} may start one point earlier (a continuation). */
    private record Run(String name, Series test, Series train, Series loss, Color color) {}

    private final List<Run> runs = new ArrayList<>();
    private final String net;

    private TrainingCurves(String net) {
        super(null, "epoch", null);
        this.net = net;
    }

    /**
     * @param histories one or more training histories, each with at least one epoch
     * @return the curves, one run per history
     */
    public static TrainingCurves of(History... histories) {
        if (histories == null || histories.length == 0) {
            throw new IllegalArgumentException("Training curves need at least one History.");
        }
        List<String> names = new ArrayList<>();
        for (History h : histories) {
            checkEpochs(h);
            names.add(h.net());
        }
        names = Style.disambiguate(names);
        TrainingCurves c = new TrainingCurves(histories.length == 1 ? histories[0].net() : null);
        for (int i = 0; i < histories.length; i++) {
            c.add(names.get(i), histories[i], 0, Double.NaN);
        }
        return c;
    }

    private static void checkEpochs(History h) {
        if (h == null || h.epochs().isEmpty()) {
            throw new IllegalArgumentException("The history of " + (h == null ? "null" : h.net()) + " has no epochs"
                    + " to draw.");
        }
    }

    /**
     * Continues the last run with another history, e.g. the fine-tuning that followed pruning:
     * its epochs are drawn after the last run's last epoch, and its test accuracy starts there at
     * {@code startAccuracy}, the accuracy it began with.
     *
     * @param name the continuation's name in the legend
     * @param startAccuracy the test accuracy before its first epoch (e.g. right after pruning), a fraction
     * @param next the history that continues the run
     * @return these curves
     */
    public TrainingCurves then(String name, double startAccuracy, History next) {
        checkEpochs(next);
        if (!(startAccuracy >= 0 && startAccuracy <= 1)) {
            throw new IllegalArgumentException("The start accuracy is a fraction in [0, 1] (0.9 for 90 %), got "
                    + startAccuracy + ".");
        }
        Run last = runs.get(runs.size() - 1);
        double[] x = last.train().x();
        add(name, next, x[x.length - 1], startAccuracy);
        return this;
    }

    private void add(String name, History h, double offset, double startAccuracy) {
        List<EpochStats> e = h.epochs();
        double[] x = e.stream().mapToDouble(s -> offset + s.epoch()).toArray();
        double[] test = e.stream().mapToDouble(s -> 100 * s.testAccuracy()).toArray();
        Color color = Style.color(runs.size());
        Series testSeries = Series.of(name + " test", x, test);
        if (!Double.isNaN(startAccuracy)) {
            double[] tx = new double[x.length + 1];
            double[] ty = new double[x.length + 1];
            tx[0] = offset;
            ty[0] = 100 * startAccuracy;
            System.arraycopy(x, 0, tx, 1, x.length);
            System.arraycopy(test, 0, ty, 1, x.length);
            testSeries = Series.of(name + " test", tx, ty);
        }
        runs.add(new Run(name, testSeries.color(color),
                Series.of(name + " train", x, e.stream().mapToDouble(s -> 100 * s.trainAccuracy()).toArray())
                        .color(color).dashed(),
                Series.of(name, x, e.stream().mapToDouble(EpochStats::trainLoss).toArray()).color(color), color));
    }

    /** @return test (solid) and training (dashed) accuracy per epoch, in percent */
    public XYChart accuracyChart() {
        LineChart c = LineChart.of(net != null && runs.size() == 1 ? "Accuracy while training " + net
                : "Accuracy while training", "epoch", "accuracy (%)").integerXTicks().options(options());
        for (Run r : runs) {
            c.addSeries(r.test()).addSeries(r.train());
        }
        return c.chart();
    }

    /** @return the mean training loss per epoch, one line per run (the options' title and y axis are the accuracy's) */
    public XYChart lossChart() {
        return lossChart(options().forOtherYAxis());
    }

    private XYChart lossChart(ChartOptions o) {
        LineChart c = LineChart.of(net != null && runs.size() == 1 ? "Training loss of " + net : "Training loss",
                "epoch", "mean cross-entropy loss").integerXTicks().options(o);
        for (Run r : runs) {
            c.addSeries(r.loss());
        }
        return c.chart();
    }

    /** @return the accuracy chart ({@link #accuracyChart()}) */
    @Override
    public XYChart chart() {
        return accuracyChart();
    }

    /** @return the accuracy chart above the loss chart (two thirds of its height, no legend), in one image */
    @Override
    public BufferedImage image() {
        ChartOptions o = options();
        BufferedImage top = BitmapEncoder.getBufferedImage(accuracyChart());
        BufferedImage bottom = BitmapEncoder.getBufferedImage(lossChart(o.forOtherYAxis()
                .size(o.width(), Math.max(150, o.height() * 2 / 3)).legend(ChartOptions.Legend.HIDDEN)));
        BufferedImage img = new BufferedImage(top.getWidth(), top.getHeight() + bottom.getHeight(),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.drawImage(top, 0, 0, null);
        g.drawImage(bottom, 0, top.getHeight(), null);
        g.dispose();
        return img;
    }
}
