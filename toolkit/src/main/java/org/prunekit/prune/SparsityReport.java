package org.prunekit.prune;

import org.prunekit.Tabular;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Sparsity of every prunable layer of a net at one moment: weights, non-zeros, sparsity, units
 * kept, and multiply-accumulates per image (dense, and counting only non-zero weights). A value:
 * print it or show {@link #toTable()}.
 *
 * <p>Zeros in a dense tensor save nothing by themselves: a layer whose weights are only masked
 * is labelled {@code masked (no speed-up)}; only removing units physically
 * ({@link Net#removePrunedUnits()}) makes the model smaller and faster.
 *
 * @param net the net's name
 * @param rows one row per prunable layer
 */
public record SparsityReport(String net, List<Row> rows) implements Tabular {

    /**
     * One layer.
     *
     * @param layer name
     * @param kind Linear or Conv2d
     * @param shape the weight's shape
     * @param weights the number of weights
     * @param nonZero the number of non-zero weights
     * @param units output units now
     * @param originalUnits output units when the net was built
     * @param macs multiply-accumulates per image with the current (dense) shapes (-1 if unknown: a
     *     convolution inside a DJL block PruneKit cannot look into)
     * @param nonZeroMacs multiply-accumulates per image that involve a non-zero weight (-1 if unknown)
     * @param pattern the strictest N:M pattern the weights satisfy ({@code 1:4}, {@code 2:4},
     *     {@code 4:8}), or the empty string
     */
    public record Row(String layer, String kind, Shape shape, long weights, long nonZero, long units, long originalUnits,
            long macs, long nonZeroMacs, String pattern) {

        /** A row without an N:M pattern. */
        public Row(String layer, String kind, Shape shape, long weights, long nonZero, long units, long originalUnits,
                long macs, long nonZeroMacs) {
            this(layer, kind, shape, weights, nonZero, units, originalUnits, macs, nonZeroMacs, "");
        }

        /** @return the fraction of zero weights */
        public double sparsity() {
            return 1 - nonZero / (double) weights;
        }

        /**
         * @return dense, masked (no speed-up), N:M sparse (sparse tensor cores), units removed, or
         *     units removed + masked
         */
        public String status() {
            boolean removed = units < originalUnits;
            boolean masked = nonZero < weights;
            String how = pattern.isEmpty() ? "masked" : pattern + " sparse";
            return removed ? (masked ? "units removed + " + how : "units removed")
                    : masked ? (pattern.isEmpty() ? "masked (no speed-up)" : how + " (sparse tensor cores only)")
                    : "dense";
        }
    }

    /** Copies the rows. */
    public SparsityReport {
        rows = List.copyOf(rows);
    }

    /**
     * @param net a net
     * @return its sparsity now
     */
    public static SparsityReport of(Net net) {
        List<Row> rows = new ArrayList<>();
        List<Shape> outputs = net.outputShapes();
        for (Layer l : net.prunableLayers()) {
            NDArray w = l.weight().getArray();
            long nonZero = countNonZero(w);
            String pattern = nonZero < w.size() ? NmPattern.detect(w.toFloatArray(), w.getShape()) : "";
            Shape out = outputs.get(l.index());
            long positions = out == null ? -1 : out.dimension() > 2 ? out.size() / (out.get(0) * out.get(1)) : 1;
            rows.add(new Row(l.name(), l.kind(), w.getShape(), w.size(), nonZero, w.getShape().get(0),
                    net.originalUnits(l.name()), positions < 0 ? -1 : w.size() * positions,
                    positions < 0 ? -1 : nonZero * positions, pattern));
        }
        return new SparsityReport(net.name(), rows);
    }

    /**
     * The count runs in a scope of its own: its boolean copy of the weights and the count would
     * otherwise belong to the weights' manager (an operation's result goes to its first operand's)
     * and live as long as the net, one more pair with every report.
     */
    private static long countNonZero(NDArray w) {
        try (NDScope scope = new NDScope()) {
            return w.countNonzero().getLong();
        }
    }

    /** @return all weights of the prunable layers */
    public long weights() {
        return rows.stream().mapToLong(Row::weights).sum();
    }

    /** @return all non-zero weights */
    public long nonZero() {
        return rows.stream().mapToLong(Row::nonZero).sum();
    }

    /** @return the fraction of zero weights over all prunable layers */
    public double sparsity() {
        return 1 - nonZero() / (double) weights();
    }

    /** @return weights / non-zero weights, Han et al.'s compression rate (e.g. 12x) */
    public double compression() {
        return weights() / (double) nonZero();
    }

    /** @return dense multiply-accumulates per image over the prunable layers */
    public long macs() {
        return rows.stream().mapToLong(Row::macs).filter(m -> m >= 0).sum();
    }

    /**
     * @param layer a layer name
     * @return its row
     */
    public Row row(String layer) {
        return rows.stream().filter(r -> r.layer().equals(layer)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("No prunable layer '" + layer + "' in this report; layers are "
                        + rows.stream().map(Row::layer).toList() + "."));
    }

    /** @return one row per layer plus a total row */
    @Override
    public Table toTable() {
        Table t = Table.create("Sparsity of " + net);
        StringColumn layer = StringColumn.create("layer");
        StringColumn kind = StringColumn.create("kind");
        StringColumn shape = StringColumn.create("shape");
        LongColumn weights = LongColumn.create("weights");
        LongColumn nonZero = LongColumn.create("non-zero");
        DoubleColumn sparsity = DoubleColumn.create("sparsity");
        StringColumn units = StringColumn.create("units kept");
        LongColumn macs = LongColumn.create("MACs");
        LongColumn nzMacs = LongColumn.create("non-zero MACs");
        StringColumn status = StringColumn.create("status");
        for (Row r : rows) {
            layer.append(r.layer());
            kind.append(r.kind());
            shape.append(r.shape().toString());
            weights.append(r.weights());
            nonZero.append(r.nonZero());
            sparsity.append(r.sparsity());
            units.append(r.units() + "/" + r.originalUnits());
            if (r.macs() < 0) {
                macs.appendMissing();
                nzMacs.appendMissing();
            } else {
                macs.append(r.macs());
                nzMacs.append(r.nonZeroMacs());
            }
            status.append(r.status());
        }
        layer.append("total");
        kind.append("");
        shape.append("");
        weights.append(weights());
        nonZero.append(nonZero());
        sparsity.append(sparsity());
        units.append("");
        macs.append(macs());
        nzMacs.append(rows.stream().mapToLong(Row::nonZeroMacs).filter(m -> m >= 0).sum());
        status.append(String.format("%.1fx fewer non-zeros", compression()));
        t.addColumns(layer, kind, shape, weights, nonZero, sparsity, units, macs, nzMacs, status);
        return t;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format("Sparsity of %s: %.2f%% zeros, %,d of %,d weights non-zero"
                + " (%.1fx)%n", net, 100 * sparsity(), nonZero(), weights(), compression()));
        int w = Math.max(7, rows.stream().mapToInt(r -> r.layer().length()).max().orElse(7));
        sb.append(String.format("%-" + w + "s %-7s %-16s %9s %9s %8s %9s %11s  %s%n", "layer", "kind", "shape",
                "weights", "non-zero", "sparsity", "units", "MACs", "status"));
        for (Row r : rows) {
            sb.append(String.format("%-" + w + "s %-7s %-16s %9d %9d %8.4f %9s %11s  %s%n", r.layer(), r.kind(),
                    r.shape(), r.weights(), r.nonZero(), r.sparsity(), r.units() + "/" + r.originalUnits(),
                    r.macs() < 0 ? "?" : String.valueOf(r.macs()), r.status()));
        }
        return sb.toString();
    }
}
