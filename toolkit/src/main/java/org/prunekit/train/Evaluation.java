package org.prunekit.train;

import org.prunekit.PruneKit;
import org.prunekit.Tabular;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.prunekit.data.ImageSet;
import org.prunekit.notebook.TableFormat;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * How well a net classifies a data set: accuracy, the confusion matrix, and per class the
 * precision (of the images predicted as the class, the fraction that are), recall (of the
 * images of the class, the fraction found) and F1 (their harmonic mean), plus macro averages.
 * A value; printing it, or ending a notebook cell with it, shows the per-class table.
 */
public final class Evaluation implements Tabular {

    private static final int BATCH = 500;

    private final String net;
    private final String data;
    private final List<String> classNames;
    private final long[][] confusion;
    private final int total;

    private Evaluation(String net, String data, List<String> classNames, long[][] confusion, int total) {
        this.net = net;
        this.data = data;
        this.classNames = classNames;
        this.confusion = confusion;
        this.total = total;
    }

    /**
     * Classifies every image of {@code data} with {@code net} (inference mode, batches of 500,
     * each in its own native memory scope).
     *
     * @param net the net
     * @param data the images
     * @return the evaluation
     */
    public static Evaluation of(Trainable net, ImageSet data) {
        PruneKit.noGrad();
        if (net.numClasses() != data.numClasses()) {
            throw new IllegalArgumentException("Net " + net.name() + " has " + net.numClasses() + " outputs but "
                    + data.name() + " has " + data.numClasses() + " classes.");
        }
        int k = data.numClasses();
        long[][] confusion = new long[k][k];
        int[] order = ImageSet.inOrder(data.size());
        for (int from = 0; from < order.length; from += BATCH) {
            int to = Math.min(order.length, from + BATCH);
            try (NDManager m = net.manager().newSubManager()) {
                NDList batch = data.batch(m, order, from, to, net.inputShape());
                NDArray logits = net.forward(batch.get(0), false);
                long[] predicted = logits.argMax(1).toLongArray();
                for (int i = 0; i < predicted.length; i++) {
                    confusion[data.label(from + i)][(int) predicted[i]]++;
                }
            }
        }
        return new Evaluation(net.name(), data.name(), data.classNames(), confusion, data.size());
    }

    /**
     * An evaluation from a confusion matrix that was counted elsewhere.
     *
     * @param net the net's name
     * @param data the data's name
     * @param classNames the class names
     * @param confusion row = true class, column = predicted class
     * @return the evaluation
     */
    public static Evaluation fromConfusion(String net, String data, List<String> classNames, long[][] confusion) {
        int k = classNames.size();
        long total = 0;
        if (confusion.length != k) {
            throw new IllegalArgumentException("A confusion matrix for " + k + " classes needs " + k + " rows, got "
                    + confusion.length + ".");
        }
        long[][] copy = new long[k][];
        for (int i = 0; i < k; i++) {
            if (confusion[i].length != k) {
                throw new IllegalArgumentException("Row " + i + " of the confusion matrix has " + confusion[i].length
                        + " entries, expected " + k + ".");
            }
            copy[i] = confusion[i].clone();
            for (long c : copy[i]) {
                if (c < 0) {
                    throw new IllegalArgumentException("Confusion counts cannot be negative, got " + c + ".");
                }
                total += c;
            }
        }
        if (total == 0) {
            throw new IllegalArgumentException("The confusion matrix is empty: nothing was classified.");
        }
        return new Evaluation(net, data, List.copyOf(classNames), copy, (int) total);
    }

    /** @return the fraction of images classified correctly */
    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < confusion.length; c++) {
            correct += confusion[c][c];
        }
        return correct / (double) total;
    }

    /** @return the confusion matrix: row = true class, column = predicted class (a copy) */
    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    /**
     * @param c a class index
     * @return precision of class {@code c}: true positives / predicted positives (0 if none predicted)
     */
    public double precision(int c) {
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : confusion[c][c] / (double) predicted;
    }

    /**
     * @param c a class index
     * @return recall of class {@code c}: true positives / actual positives (0 if the class is absent)
     */
    public double recall(int c) {
        long actual = 0;
        for (long v : confusion[c]) {
            actual += v;
        }
        return actual == 0 ? 0 : confusion[c][c] / (double) actual;
    }

    /**
     * @param c a class index
     * @return F1 of class {@code c}: 2PR/(P+R), 0 when both are 0
     */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** @return the unweighted mean of the per-class precisions */
    public double macroPrecision() {
        return macro(0);
    }

    /** @return the unweighted mean of the per-class recalls */
    public double macroRecall() {
        return macro(1);
    }

    /** @return the unweighted mean of the per-class F1 scores */
    public double macroF1() {
        return macro(2);
    }

    private double macro(int which) {
        double sum = 0;
        for (int c = 0; c < confusion.length; c++) {
            sum += which == 0 ? precision(c) : which == 1 ? recall(c) : f1(c);
        }
        return sum / confusion.length;
    }

    /** @return the number of images evaluated */
    public int size() {
        return total;
    }

    /** @return one row per class (precision, recall, F1, support) and a macro-average row */
    @Override
    public Table toTable() {
        int k = confusion.length;
        StringColumn cls = StringColumn.create("class");
        DoubleColumn p = DoubleColumn.create("precision");
        DoubleColumn r = DoubleColumn.create("recall");
        DoubleColumn f = DoubleColumn.create("F1");
        IntColumn support = IntColumn.create("support");
        for (int c = 0; c < k; c++) {
            cls.append(classNames.get(c));
            p.append(precision(c));
            r.append(recall(c));
            f.append(f1(c));
            long n = 0;
            for (long v : confusion[c]) {
                n += v;
            }
            support.append((int) n);
        }
        cls.append("macro avg");
        p.append(macroPrecision());
        r.append(macroRecall());
        f.append(macroF1());
        support.append(total);
        return Table.create(net + " on " + data + ": accuracy " + TableFormat.number(accuracy()) + " ("
                + TableFormat.number((long) total) + " images)", cls, p, r, f, support);
    }

    /** @return the evaluation as aligned text: the same table a notebook shows */
    @Override
    public String toString() {
        return toText();
    }
}
