package org.prunekit.prune;

import org.prunekit.Tabular;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import org.prunekit.sparse.SparseInference;
import org.prunekit.sparse.SparsePlan;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Sparsity of every prunable layer of a net at one moment: weights, non-zeros, sparsity, units
 * kept, and multiply-accumulates per image (dense, and counting only non-zero weights). A value:
 * print it, or end a notebook cell with it, to see its table and {@link #notes()}.
 *
 * <p>Zeros in a dense tensor save nothing by themselves: a layer whose weights are only masked
 * is labelled {@code masked (no speed-up)}; removing units physically
 * ({@link Net#removePrunedUnits()}) makes the model smaller and faster, and so does running it with
 * {@link SparseInference}, whose measured gain per layer {@link #withInference} puts in the status.
 *
 * <p>{@link #compression()} is measured against a reference: by default the net as it was built
 * ({@link Net#originalWeights()}), so units removed count as removed weights; with
 * {@link #of(Net, Net)}, another net (e.g. the dense one it came from).
 *
 * @param net the net's name
 * @param rows one row per prunable layer
 * @param reference what {@link #compression()} compares with, e.g. {@code LeNet-300-100 as built}
 * @param referenceWeights the reference's Linear/Conv2d weights (zeros included)
 * @param pruning the pruning that led to it, e.g. {@code lamp, global 98 %} for the report
 *     {@link PruningPlan#apply()} returns ({@link Pruner#label()}); empty if not known. Charts
 *     name a report's series after it where several reports belong to nets of the same name.
 */
public record SparsityReport(String net, List<Row> rows, String reference, long referenceWeights, String pruning)
        implements Tabular {

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
     * @param originalWeights its weights when the net was built, before units were removed
     *     ({@link Net#originalWeights()})
     * @param inference how {@link SparseInference} runs the layer, from its {@link SparsePlan} (e.g.
     *     {@code runs sparse, 3.1x faster at batch 1}), or the empty string if not known
     */
    public record Row(String layer, String kind, Shape shape, long weights, long nonZero, long units, long originalUnits,
            long macs, long nonZeroMacs, String pattern, long originalWeights, String inference) {

        /** Checks the text. */
        public Row {
            pattern = pattern == null ? "" : pattern;
            inference = inference == null ? "" : inference;
        }

        /** A row that does not say how sparse inference runs the layer. */
        public Row(String layer, String kind, Shape shape, long weights, long nonZero, long units, long originalUnits,
                long macs, long nonZeroMacs, String pattern, long originalWeights) {
            this(layer, kind, shape, weights, nonZero, units, originalUnits, macs, nonZeroMacs, pattern, originalWeights,
                    "");
        }

        /** A row of a layer that was never shrunk: its weights as built are its weights now. */
        public Row(String layer, String kind, Shape shape, long weights, long nonZero, long units, long originalUnits,
                long macs, long nonZeroMacs, String pattern) {
            this(layer, kind, shape, weights, nonZero, units, originalUnits, macs, nonZeroMacs, pattern, weights);
        }

        /** A row without an N:M pattern, of a layer that was never shrunk. */
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
         *     units removed + masked; for a report {@link SparsityReport#withInference with a sparse
         *     inference plan}, whether the masked layer runs sparse and the measured gain
         */
        public String status() {
            boolean removed = units < originalUnits;
            boolean masked = nonZero < weights;
            String how = !inference.isEmpty() ? inference : pattern.isEmpty() ? "masked" : pattern + " sparse";
            return removed ? (masked ? "units removed + " + how : "units removed")
                    : masked ? (!inference.isEmpty() ? inference : pattern.isEmpty() ? "masked (no speed-up)"
                            : how + " (sparse tensor cores only)")
                    : "dense";
        }

        /** @return whether {@link SparseInference} runs this layer sparse */
        public boolean runsSparse() {
            return inference.startsWith("runs sparse");
        }
    }

    /** Copies the rows. */
    public SparsityReport {
        rows = List.copyOf(rows);
        pruning = pruning == null ? "" : pruning;
    }

    /**
     * A report that does not say which pruning led to it.
     *
     * @param net the net's name
     * @param rows one row per prunable layer
     * @param reference what {@link #compression()} compares with
     * @param referenceWeights the reference's Linear/Conv2d weights (zeros included)
     */
    public SparsityReport(String net, List<Row> rows, String reference, long referenceWeights) {
        this(net, rows, reference, referenceWeights, "");
    }

    /**
     * @param label the pruning that led to this report, e.g. {@code lamp, global 98 %}
     * @return the same report, saying so
     */
    public SparsityReport withPruning(String label) {
        return new SparsityReport(net, rows, reference, referenceWeights, label);
    }

    /**
     * @param plan how a {@link SparseInference} of the net runs its layers
     * @return the same report whose status says, for every layer of the plan, whether it runs sparse
     *     and the gain measured ({@code runs sparse, 3.1x faster at batch 1}; {@code masked, runs
     *     dense: sparse kernel 0.7x at batch 64})
     */
    public SparsityReport withInference(SparsePlan plan) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            String how = plan.row(r.layer()).map(p -> describe(p, plan.batchSize())).orElse(r.inference());
            out.add(new Row(r.layer(), r.kind(), r.shape(), r.weights(), r.nonZero(), r.units(), r.originalUnits(),
                    r.macs(), r.nonZeroMacs(), r.pattern(), r.originalWeights(), how));
        }
        return new SparsityReport(net, out, reference, referenceWeights, pruning);
    }

    private static String describe(SparsePlan.Row p, int batch) {
        boolean timed = !Double.isNaN(p.gain());
        if (p.form() == SparsePlan.Form.JAVA_DENSE) {
            return String.format(Locale.ROOT, "masked, runs on PruneKit's dense kernel, %.1fx faster at batch %d (its"
                    + " sparse kernel %.2fx of that: too few zeros to pay)", p.gain(), batch, p.zerosGain());
        }
        if (p.sparse()) {
            return timed ? String.format(Locale.ROOT, "runs sparse, %.1fx faster at batch %d%s", p.gain(), batch,
                    Double.isNaN(p.zerosGain()) ? "" : String.format(Locale.ROOT, " (the zeros alone %.2fx)",
                            p.zerosGain())) : "runs sparse";
        }
        return timed ? String.format(Locale.ROOT, "masked, runs dense: sparse kernel %.2fx at batch %d", p.gain(), batch)
                : "masked, runs dense: " + p.reason();
    }

    /**
     * A report whose compression is measured against the rows' weights as built.
     *
     * @param net the net's name
     * @param rows one row per prunable layer
     */
    public SparsityReport(String net, List<Row> rows) {
        this(net, rows, net + " as built", rows.stream().mapToLong(Row::originalWeights).sum());
    }

    /**
     * @param net a net
     * @return its sparsity now; its {@link #compression()} is measured against the net as it was
     *     built, so units that {@link Net#removePrunedUnits()} removed count as removed weights
     */
    public static SparsityReport of(Net net) {
        return new SparsityReport(net.name(), rows(net));
    }

    /**
     * @param net a net
     * @param reference the net to measure compression against, e.g. the dense net that
     *     {@code net} was pruned from (or any other: the factor is a ratio of weight counts)
     * @return the sparsity of {@code net} now, with {@link #compression()} = the reference's
     *     Linear/Conv2d weights as it is now (zeros included) / {@code net}'s non-zero weights
     */
    public static SparsityReport of(Net net, Net reference) {
        long weights = reference.prunableLayers().stream().mapToLong(l -> l.weight().getArray().size()).sum();
        return new SparsityReport(net.name(), rows(net), reference.name(), weights);
    }

    private static List<Row> rows(Net net) {
        List<Row> rows = new ArrayList<>();
        List<Shape> outputs = net.outputShapes();
        java.util.Map<String, Long> asBuilt = net.originalWeights();
        for (Layer l : net.prunableLayers()) {
            NDArray w = l.weight().getArray();
            long nonZero = countNonZero(w);
            String pattern = nonZero < w.size() ? NmPattern.detect(w.toFloatArray(), w.getShape()) : "";
            // where the weight is applied: a convolution's output pixels, a sequence's positions (a weight
            // part of a recurrent layer: each step); its output's values per example over its channels
            Shape out = outputs.get(net.layer(l.runBy()).index());
            long channels = out == null ? 1 : l.isWeightPart() ? out.get(out.dimension() - 1) : w.getShape().get(0);
            long positions = out == null ? -1 : out.size() / (out.get(0) * channels);
            rows.add(new Row(l.name(), l.kind(), w.getShape(), w.size(), nonZero, w.getShape().get(0),
                    net.originalUnits(l.name()), positions < 0 ? -1 : w.size() * positions,
                    positions < 0 ? -1 : nonZero * positions, pattern, asBuilt.get(l.name())));
        }
        return rows;
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

    /** @return the weights of the prunable layers when the net was built (before units were removed) */
    public long originalWeights() {
        return rows.stream().mapToLong(Row::originalWeights).sum();
    }

    /**
     * Han et al.'s compression rate (e.g. 12x): the {@link #referenceWeights() reference's weights}
     * (zeros included) divided by this net's non-zero weights. Against the net as built (the
     * default), a net only masked gets weights / non-zero weights, and a net whose units were
     * removed also counts the removed weights: LeNet-300-100 with 75 % of its hidden units removed
     * and nothing masked is about 4x smaller, not 1x.
     *
     * @return reference weights / non-zero weights
     */
    public double compression() {
        return referenceWeights / (double) nonZero();
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
        Table t = Table.create("Sparsity of " + net + (pruning.isEmpty() ? "" : " after " + pruning));
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
        status.append(String.format(Locale.ROOT, "%.1fx fewer non-zero weights than %s (%,d)", compression(), reference,
                referenceWeights));
        t.addColumns(layer, kind, shape, weights, nonZero, sparsity, units, macs, nzMacs, status);
        return t;
    }

    /**
     * @return what the table's rows do not say by themselves: the share of zeros overall, that
     *     masked weights save no time until their units are removed (if any layer is only
     *     masked), and which layers' MACs are unknown (if any)
     */
    @Override
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "%.2f %% of the weights are zero: %,d of %,d non-zero.", 100 * sparsity(),
                nonZero(), weights()));
        if (rows.stream().anyMatch(Row::runsSparse)) {
            notes.add("Layers that run sparse are computed from their non-zero weights by SparseInference; the gain is"
                    + " its measured time against the engine's dense layer.");
        }
        if (rows.stream().anyMatch(r -> r.nonZero() < r.weights() && r.pattern().isEmpty() && !r.runsSparse())) {
            notes.add("Masked weights are zeros in dense tensors: they save no time or memory until units are removed"
                    + " (Net.removePrunedUnits()) or the layer runs sparse (SparseInference).");
        }
        List<String> unknown = rows.stream().filter(r -> r.macs() < 0).map(Row::layer).toList();
        if (!unknown.isEmpty()) {
            notes.add("MACs unknown for " + unknown + " (convolutions inside a DJL block PruneKit cannot look into);"
                    + " the totals leave them out.");
        }
        return notes;
    }

    /** @return the report as aligned text: the same table and notes a notebook shows */
    @Override
    public String toString() {
        return toText();
    }
}
