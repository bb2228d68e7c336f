package org.prunekit.train;

import org.prunekit.PruneKit;
import org.prunekit.Tabular;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.prunekit.data.Examples;
import org.prunekit.notebook.TableFormat;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * How well a net predicts the targets of a set of {@link Examples}. For a classification (images,
 * rows, texts): accuracy, the confusion matrix, and per class the precision (of the examples
 * predicted as the class, the fraction that are), recall (of the examples of the class, the
 * fraction found) and F1 (their harmonic mean), plus macro averages. For a language model (token
 * windows, a next token at every position): next-token accuracy, the mean cross-entropy per
 * token ({@link #loss()}) and the {@link #perplexity()}, {@code exp} of it. A value; printing it,
 * or ending a notebook cell with it, shows its table.
 */
public final class Evaluation implements Tabular {

    private static final int BATCH = 500;

    private final String net;
    private final String data;
    private final List<String> classNames;
    /** Row = true class, column = predicted; null for a language model (a vocabulary squared is too many counts). */
    private final long[][] confusion;
    private final long correct;
    private final int total;
    private final double loss;
    private final Examples.Task task;
    private final String noun;

    private Evaluation(String net, String data, List<String> classNames, long[][] confusion, long correct, int total,
            double loss, Examples.Task task, String noun) {
        this.noun = noun;
        this.net = net;
        this.data = data;
        this.classNames = classNames;
        this.confusion = confusion;
        this.correct = correct;
        this.total = total;
        this.loss = loss;
        this.task = task;
    }

    /**
     * Predicts every target of {@code data} with {@code net} (inference mode, batches of 500
     * examples, each in its own native memory scope): one class per example, or the next token at
     * every position of a window.
     *
     * @param net the net
     * @param data the examples
     * @return the evaluation
     * @throws IllegalArgumentException if the net's outputs are not the data's classes (or vocabulary)
     */
    public static Evaluation of(Trainable net, Examples data) {
        PruneKit.noGrad();
        requireClasses(net, data);
        int k = data.numClasses();
        boolean classify = data.task() == Examples.Task.CLASSIFICATION;
        long[][] confusion = classify ? new long[k][k] : null;
        int[] targets = data.targets();
        int per = data.targetsPerExample();
        long correct = 0;
        double lossSum = 0;
        int[] order = Examples.inOrder(data.size());
        for (int from = 0; from < order.length; from += BATCH) {
            int to = Math.min(order.length, from + BATCH);
            try (NDManager m = net.manager().newSubManager()) {
                NDList batch = data.batch(m, order, from, to, net.inputShape());
                NDArray logits = net.forward(batch.get(0), false);
                NDArray flat = logits.getShape().dimension() == 2 ? logits : logits.reshape(-1, k);
                long[] predicted = flat.argMax(1).toLongArray();
                int offset = from * per;
                for (int i = 0; i < predicted.length; i++) {
                    int t = targets[offset + i];
                    if (classify) {
                        confusion[t][(int) predicted[i]]++;
                    }
                    if (predicted[i] == t) {
                        correct++;
                    }
                }
                lossSum += Training.crossEntropy(flat, batch.get(1)).getFloat() * (double) predicted.length;
            }
        }
        return new Evaluation(net.name(), data.name(), data.classNames(), confusion, correct, targets.length,
                lossSum / targets.length, data.task(), data.noun());
    }

    /**
     * @param net a net
     * @param data examples for it
     * @throws IllegalArgumentException if the net does not give one score per class of the data
     *     (per token of the vocabulary, for a language model)
     */
    public static void requireClasses(Trainable net, Examples data) {
        if (net.numClasses() != data.numClasses()) {
            String what = data.task() == Examples.Task.NEXT_TOKEN ? "a vocabulary of " + data.numClasses()
                    + " tokens (one output per token)" : data.numClasses() + " classes";
            throw new IllegalArgumentException("Net " + net.name() + " has " + net.numClasses() + " outputs but "
                    + data.name() + " has " + what + ".");
        }
    }

    /**
     * An evaluation from a confusion matrix that was counted elsewhere.
     *
     * @param net the net's name
     * @param data the data's name
     * @param classNames the class names
     * @param confusion row = true class, column = predicted class
     * @return the evaluation (its {@link #loss()} is not known: NaN)
     */
    public static Evaluation fromConfusion(String net, String data, List<String> classNames, long[][] confusion) {
        int k = classNames.size();
        long total = 0;
        if (confusion.length != k) {
            throw new IllegalArgumentException("A confusion matrix for " + k + " classes needs " + k + " rows, got "
                    + confusion.length + ".");
        }
        long[][] copy = new long[k][];
        long diagonal = 0;
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
            diagonal += copy[i][i];
        }
        if (total == 0) {
            throw new IllegalArgumentException("The confusion matrix is empty: nothing was classified.");
        }
        return new Evaluation(net, data, List.copyOf(classNames), copy, diagonal, (int) total, Double.NaN,
                Examples.Task.CLASSIFICATION, "images");
    }

    /** @return the fraction of targets predicted correctly (for a language model: next tokens) */
    public double accuracy() {
        return correct / (double) total;
    }

    /** @return the mean softmax cross-entropy per target (nats), NaN if built from a confusion matrix */
    public double loss() {
        return loss;
    }

    /**
     * @return {@code exp(loss())}: for a language model the perplexity per token (the vocabulary
     *     size for a uniform guess, 1 for a perfect one)
     */
    public double perplexity() {
        return Math.exp(loss);
    }

    /** @return what was predicted: classes, or next tokens */
    public Examples.Task task() {
        return task;
    }

    /** @return the metric results report for these data: accuracy, or perplexity for a language model */
    public Metric metric() {
        return task == Examples.Task.NEXT_TOKEN ? Metric.PERPLEXITY : Metric.ACCURACY;
    }

    private long[][] confusion() {
        if (confusion == null) {
            throw new IllegalStateException("The evaluation of " + net + " on " + data + " predicts next tokens: it"
                    + " has accuracy(), loss() and perplexity(), but no per-class table (" + classNames.size()
                    + " tokens).");
        }
        return confusion;
    }

    /** @return the confusion matrix: row = true class, column = predicted class (a copy) */
    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion().length][];
        for (int i = 0; i < confusion().length; i++) {
            copy[i] = confusion()[i].clone();
        }
        return copy;
    }

    /**
     * @param c a class index
     * @return precision of class {@code c}: true positives / predicted positives (0 if none predicted)
     */
    public double precision(int c) {
        long predicted = 0;
        for (long[] row : confusion()) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : confusion()[c][c] / (double) predicted;
    }

    /**
     * @param c a class index
     * @return recall of class {@code c}: true positives / actual positives (0 if the class is absent)
     */
    public double recall(int c) {
        long actual = 0;
        for (long v : confusion()[c]) {
            actual += v;
        }
        return actual == 0 ? 0 : confusion()[c][c] / (double) actual;
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
        for (int c = 0; c < confusion().length; c++) {
            sum += which == 0 ? precision(c) : which == 1 ? recall(c) : f1(c);
        }
        return sum / confusion().length;
    }

    /** @return the number of targets evaluated (examples; for a language model, tokens) */
    public int size() {
        return total;
    }

    /**
     * @return one row per class (precision, recall, F1, support) and a macro-average row; for a
     *     language model one row: next-token accuracy, loss and perplexity
     */
    @Override
    public Table toTable() {
        if (confusion == null) {
            return Table.create(net + " on " + data + ": perplexity " + TableFormat.number(perplexity()) + " ("
                    + TableFormat.number((long) total) + " tokens)",
                    DoubleColumn.create("next-token accuracy", accuracy()), DoubleColumn.create("loss", loss),
                    DoubleColumn.create("perplexity", perplexity()), IntColumn.create("tokens", new int[] {total}));
        }
        int k = confusion().length;
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
            for (long v : confusion()[c]) {
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
                + TableFormat.number((long) total) + " " + noun + ")", cls, p, r, f, support);
    }

    /** @return the evaluation as aligned text: the same table a notebook shows */
    @Override
    public String toString() {
        return toText();
    }
}
