package org.prunekit.train;

import org.prunekit.Tabular;
import java.awt.image.BufferedImage;
import java.util.List;
import org.prunekit.viz.TrainingCurves;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * The per-epoch record of one training run, with how it was made (net, data, batch size,
 * settings). A value: printing it, or ending a notebook cell with it, shows its table and
 * {@link #notes()}.
 *
 * @param net the net's name
 * @param data the training data's name
 * @param batchSize the mini-batch size
 * @param config the training settings (epochs, learning rate, seed, ...)
 * @param epochs one entry per epoch, in order
 */
public record History(String net, String data, int batchSize, TrainConfig config, List<EpochStats> epochs)
        implements Tabular {

    /** Copies the epoch list. */
    public History {
        epochs = List.copyOf(epochs);
    }

    /** @return the test accuracy after the last epoch, or NaN if no epoch ran */
    public double finalTestAccuracy() {
        return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).testAccuracy();
    }

    /** @return for a language model, the test perplexity after the last epoch; NaN for a classifier or no epoch */
    public double finalTestPerplexity() {
        return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).testPerplexity();
    }

    /** @return the metric this run's test results are judged by: perplexity for a language model, else accuracy */
    public Metric metric() {
        return !epochs.isEmpty() && epochs.get(0).isLanguageModel() ? Metric.PERPLEXITY : Metric.ACCURACY;
    }

    /** @return the test value of {@link #metric()} after the last epoch (accuracy or perplexity), NaN if none ran */
    public double finalTestScore() {
        return metric() == Metric.PERPLEXITY ? finalTestPerplexity() : finalTestAccuracy();
    }

    /** @return the median seconds per epoch, or NaN if no epoch ran */
    public double medianEpochSeconds() {
        if (epochs.isEmpty()) {
            return Double.NaN;
        }
        double[] s = epochs.stream().mapToDouble(EpochStats::seconds).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** @return one row per epoch: epoch, loss, train and test accuracy, seconds */
    @Override
    public Table toTable() {
        Table t = Table.create("Training " + net);
        t.addColumns(IntColumn.create("epoch", epochs.stream().mapToInt(EpochStats::epoch).toArray()),
                DoubleColumn.create("loss", epochs.stream().mapToDouble(EpochStats::trainLoss)),
                DoubleColumn.create("train acc", epochs.stream().mapToDouble(EpochStats::trainAccuracy)),
                DoubleColumn.create("test acc", epochs.stream().mapToDouble(EpochStats::testAccuracy)),
                DoubleColumn.create("seconds", epochs.stream().mapToDouble(EpochStats::seconds)));
        if (metric() == Metric.PERPLEXITY) {
            t.column("test acc").setName("next-token acc");
            t.insertColumn(4, DoubleColumn.create("test perplexity",
                    epochs.stream().mapToDouble(EpochStats::testPerplexity)));
        }
        return t;
    }

    /** @return how the run was made: the data, the batch size and the training settings */
    @Override
    public List<String> notes() {
        return List.of("On " + data + ", batch " + batchSize + ", " + config + ".");
    }

    /** @return the history as aligned text: the same table and notes a notebook shows */
    @Override
    public String toString() {
        return toText();
    }

    /**
     * The natural chart of a training run: test accuracy (solid) and training accuracy (dashed)
     * per epoch, in percent, above the mean training loss per epoch. For several runs in one
     * chart, or a run continued by fine-tuning, use {@link TrainingCurves}.
     *
     * @return the chart as an image
     * @throws IllegalArgumentException if no epoch ran
     */
    public BufferedImage plot() {
        return TrainingCurves.of(this).image();
    }
}
