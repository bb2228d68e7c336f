package org.prunekit.prune;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.prunekit.Tabular;
import org.prunekit.data.ImageSet;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;
import org.prunekit.train.Evaluation;
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
 * kept; see {@link Latency#compare}) and accuracy (overall, macro F1, the worst class's F1). A value.
 *
 * <pre>{@code
 * Map<String, Net> nets = new LinkedHashMap<>();     // in order: the first is the reference
 * nets.put("dense", dense);
 * nets.put("90 % masked", masked);
 * nets.put("50 % units removed", slim);
 * Comparison.of(data.test(), nets)
 * }</pre>
 *
 * @param data the test data's name
 * @param batchSize images per timed pass
 * @param rows one per net, in the order given
 */
public record Comparison(String data, int batchSize, List<Row> rows) implements Tabular {

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
     * @param accuracy test accuracy
     * @param macroF1 mean F1 over the classes
     * @param worstF1 the lowest class F1
     * @param referenceWeights the first net's Linear/Conv2d weights, zeros included (the reference
     *     of {@link #compression()})
     */
    public record Row(String name, long parameters, long weights, long nonZero, long macs, long nonZeroMacs,
            long fileBytes, double medianMillis, double accuracy, double macroF1, double worstF1,
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
        rows = List.copyOf(rows);
    }

    /**
     * @param test the images to classify and to time (the first {@code 1,000})
     * @param nets label → net, in the order to show (use a {@code LinkedHashMap}); the first is the
     *     reference of the speed-up and of the compression (put the dense net first)
     * @return the comparison
     */
    public static Comparison of(ImageSet test, Map<String, Net> nets) {
        return of(test, nets, 1000);
    }

    /**
     * @param test the images to classify and to time
     * @param nets label → net, in order; the first is the reference of speed-up and compression
     * @param batchSize images per timed pass
     * @return the comparison
     */
    public static Comparison of(ImageSet test, Map<String, Net> nets, int batchSize) {
        if (nets.isEmpty()) {
            throw new IllegalArgumentException("Give at least one net to compare.");
        }
        List<Row> rows = new ArrayList<>();
        double[] millis = Latency.compare(List.copyOf(nets.values()), test, batchSize, 5, 7);
        int k = 0;
        Net first = nets.values().iterator().next();
        try {
            Path dir = Files.createTempDirectory("prunekit-compare");
            try {
                for (Map.Entry<String, Net> e : nets.entrySet()) {
                    Net n = e.getValue();
                    Evaluation ev = n.evaluate(test);
                    SparsityReport r = SparsityReport.of(n, first);
                    long bytes = NetIO.save(n, dir.resolve("net.pk"), NetIO.Format.SPARSE);
                    long nonZeroMacs = r.rows().stream().mapToLong(SparsityReport.Row::nonZeroMacs).filter(m -> m >= 0)
                            .sum();
                    rows.add(new Row(e.getKey(), n.parameterCount(), r.weights(), r.nonZero(), r.macs(), nonZeroMacs,
                            bytes, millis[k++], ev.accuracy(), ev.macroF1(),
                            IntStream.range(0, n.numClasses()).mapToDouble(ev::f1).min().orElse(0),
                            r.referenceWeights()));
                }
            } finally {
                Files.deleteIfExists(dir.resolve("net.pk"));
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write a temporary file: " + e.getMessage(), e);
        }
        return new Comparison(test.name(), batchSize, rows);
    }

    /**
     * @param name a label given to {@link #of}
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
        return Table.create("Compared on " + data,
                StringColumn.create("net", rows.stream().map(Row::name)),
                LongColumn.create("parameters", rows.stream().mapToLong(Row::parameters).toArray()),
                LongColumn.create("non-zero weights", rows.stream().mapToLong(Row::nonZero).toArray()),
                DoubleColumn.create("compression vs " + first.name() + " (x)", rows.stream().mapToDouble(Row::compression)),
                LongColumn.create("MACs", rows.stream().mapToLong(Row::macs).toArray()),
                LongColumn.create("non-zero MACs", rows.stream().mapToLong(Row::nonZeroMacs).toArray()),
                LongColumn.create("sparse file bytes", rows.stream().mapToLong(Row::fileBytes).toArray()),
                DoubleColumn.create("ms per " + batchSize + " images", rows.stream().mapToDouble(Row::medianMillis)),
                DoubleColumn.create("speed-up vs " + first.name(), rows.stream().mapToDouble(r -> first.medianMillis()
                        / r.medianMillis())),
                DoubleColumn.create("accuracy", rows.stream().mapToDouble(Row::accuracy)),
                DoubleColumn.create("macro F1", rows.stream().mapToDouble(Row::macroF1)),
                DoubleColumn.create("worst class F1", rows.stream().mapToDouble(Row::worstF1)));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Compared on " + data + ":\n");
        for (Row r : rows) {
            sb.append(String.format("  %-28s %,10d params %,10d non-zero (%.1fx) %,12d MACs %,9d B %8.3f ms"
                    + " acc %.4f F1 %.4f (worst %.4f)%n", r.name(), r.parameters(), r.nonZero(), r.compression(),
                    r.macs(), r.fileBytes(), r.medianMillis(), r.accuracy(), r.macroF1(), r.worstF1()));
        }
        return sb.toString();
    }
}
