package org.prunekit.prune;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.prunekit.train.Metric;
import org.prunekit.RunProvenance;
import org.prunekit.RunResult;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;
import org.prunekit.train.Latency;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Several versions of a net side by side, on every axis the pruning literature reports: size
 * (parameters, non-zero weights, compression against the first net, sparse file bytes), computation (multiply-
 * accumulates computed and those with a non-zero weight), speed (inference time: every net warmed
 * up until steady, then the nets timed in turns, five rounds of seven passes, the best round median
 * kept; see {@link Latency#compare}) and accuracy (overall, macro F1, the worst class's F1). Made by
 * {@link NetComparison}. A value, with how it was made ({@link #provenance()}, shown in the notes).
 *
 * <pre>{@code
 * Map<String, Net> nets = new LinkedHashMap<>();     // in order: the first is the reference
 * nets.put("dense", dense);
 * nets.put("90 % masked", masked);
 * nets.put("50 % units removed", slim);
 * Comparison c = NetComparison.builder().build().run(nets, data);
 * }</pre>
 *
 * @param provenance how the comparison was made: the nets, the test data, the batch size and timing rounds
 * @param batchSize images per timed pass
 * @param rows one per net, in the order given
 * @param metric what the nets are judged by: accuracy, or perplexity (lower is better) for language models
 */
public record Comparison(RunProvenance provenance, int batchSize, List<Row> rows, Metric metric)
        implements RunResult {

    /**
     * One version.
     *
     * @param name its label
     * @param parameters all parameter values stored
     * @param weights Linear/Conv2d weights
     * @param nonZero non-zero weights
     * @param macs multiply-accumulates per image computed (dense shapes)
     * @param nonZeroMacs multiply-accumulates per image with a non-zero weight
     * @param fileBytes size of its {@link NetIO.Format#SPARSE} file
     * @param medianMillis time to classify a batch: the best of the round medians
     * @param accuracy test accuracy (next-token accuracy for a language model)
     * @param macroF1 mean F1 over the classes (NaN for a language model)
     * @param worstF1 the lowest class F1 (NaN for a language model)
     * @param perplexity test perplexity of a language model (NaN for a classifier)
     * @param referenceWeights the first net's Linear/Conv2d weights, zeros included (the reference
     *     of {@link #compression()})
     */
    public record Row(String name, long parameters, long weights, long nonZero, long macs, long nonZeroMacs,
            long fileBytes, double medianMillis, double accuracy, double macroF1, double worstF1, double perplexity,
            long referenceWeights) {

        /**
         * @return the first net's weights (zeros included) / this net's non-zero weights, as
         *     {@link SparsityReport#of(Net, Net)} computes it: 1 for the dense first net, ~10 for a
         *     copy with 90 % of its weights masked, ~4 for one with 75 % of its units removed
         */
        public double compression() {
            return referenceWeights / (double) nonZero;
        }
    }

    /** Copies the rows. */
    public Comparison {
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(metric, "metric");
        rows = List.copyOf(rows);
    }

    /**
     * @param name a label given to {@link NetComparison#run}
     * @return its value of the {@link #metric()}: accuracy, or perplexity for a language model
     */
    public double score(String name) {
        Row r = row(name);
        return metric == Metric.PERPLEXITY ? r.perplexity() : r.accuracy();
    }

    /**
     * @param name a label given to {@link NetComparison#run}
     * @return its row
     */
    public Row row(String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("No net '" + name + "' in this comparison; it has "
                        + rows.stream().map(Row::name).toList() + "."));
    }

    @Override
    public Table toTable() {
        Row first = rows.get(0);
        if (metric == Metric.PERPLEXITY) {
            return sizeAndSpeed(Table.create("Compared on " + data()), first).addColumns(
                    DoubleColumn.create("perplexity", rows.stream().mapToDouble(Row::perplexity)),
                    DoubleColumn.create("next-token accuracy", rows.stream().mapToDouble(Row::accuracy)));
        }
        return sizeAndSpeed(Table.create("Compared on " + data()), first).addColumns(
                DoubleColumn.create("accuracy", rows.stream().mapToDouble(Row::accuracy)),
                DoubleColumn.create("macro F1", rows.stream().mapToDouble(Row::macroF1)),
                DoubleColumn.create("worst class F1", rows.stream().mapToDouble(Row::worstF1)));
    }

    /** The columns every comparison has: size, computation, speed. */
    private Table sizeAndSpeed(Table t, Row first) {
        return t.addColumns(
                StringColumn.create("net", rows.stream().map(Row::name)),
                LongColumn.create("parameters", rows.stream().mapToLong(Row::parameters).toArray()),
                LongColumn.create("non-zero weights", rows.stream().mapToLong(Row::nonZero).toArray()),
                DoubleColumn.create("compression vs " + first.name() + " (x)", rows.stream().mapToDouble(Row::compression)),
                LongColumn.create("MACs", rows.stream().mapToLong(Row::macs).toArray()),
                LongColumn.create("non-zero MACs", rows.stream().mapToLong(Row::nonZeroMacs).toArray()),
                LongColumn.create("sparse file bytes", rows.stream().mapToLong(Row::fileBytes).toArray()),
                DoubleColumn.create("ms per " + batchSize + " images", rows.stream().mapToDouble(Row::medianMillis)),
                DoubleColumn.create("speed-up vs " + first.name(), rows.stream().mapToDouble(r -> first.medianMillis()
                        / r.medianMillis())));
    }

    @Override
    public String toString() {
        return toText();
    }
}
