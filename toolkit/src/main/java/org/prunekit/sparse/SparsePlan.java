package org.prunekit.sparse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.prunekit.Tabular;
import org.prunekit.notebook.Rows;
import tech.tablesaw.api.Table;

/**
 * How a {@link SparseInference} runs each layer with weights, and why: the layer's density, the
 * time of its dense form (the engine, as the dense net runs it), of its sparse kernel and of the same
 * kernel on the layer without zeros at the batch size the plan was made for, and the form chosen.
 * Two gains follow: over the engine ({@link Row#gain()}), and of the zeros alone
 * ({@link Row#zerosGain()}): where the engine is slow for a layer (convolutions on a CPU where they
 * run on ATen), most of the first is the Java kernel's own. A value: print it, or end a notebook cell
 * with it.
 *
 * @param net the net's name
 * @param batchSize the batch size the layers were timed at
 * @param choice how the forms were chosen
 * @param rows one row per layer with weights, in execution order
 * @param overall the whole net's measurement, e.g. {@code sparse path 0.12 ms, dense net 0.27 ms per
 *     batch of 1}, or the empty string if not measured
 * @param denseNetMicros the whole dense net's time per batch, in microseconds, timed in turns with the path
 *     of the plan's sparse layers (NaN if not measured)
 * @param sparseNetMicros that path's time per batch (NaN if not measured)
 */
public record SparsePlan(String net, int batchSize, SparseInference.Choice choice, List<Row> rows, String overall,
        double denseNetMicros, double sparseNetMicros) implements Tabular {

    /** How a layer runs. */
    public enum Form {
        /** The engine's dense kernel, as in the dense net. */
        DENSE,
        /** PruneKit's sparse kernel over the non-zero weights. */
        SPARSE,
        /**
         * PruneKit's dense kernel, the zeros multiplied: measured faster than its sparse kernel (and the engine) for
         * this layer and batch size, where the zeros are too few or too scattered to pay.
         */
        JAVA_DENSE;

        /** @return how the plan's table names it */
        public String label() {
            return switch (this) {
                case DENSE -> "dense";
                case SPARSE -> "sparse";
                case JAVA_DENSE -> "dense (Java)";
            };
        }
    }

    /**
     * One layer with weights.
     *
     * @param layer its name
     * @param kind its kind ({@code dense}, {@code conv}, {@code depthwise}, ...)
     * @param shape its weight's shape
     * @param density the fraction of its weights that are non-zero
     * @param denseMicros the median time of its dense form per batch, in microseconds (NaN if not timed)
     * @param sparseMicros the median time of its sparse kernel per batch (NaN if not timed or no kernel)
     * @param javaDenseMicros the median time of the same Java kernel on the layer without its zeros (every weight
     *     non-zero: what the layer costs on PruneKit's kernels unpruned), timed in turns with the sparse kernel;
     *     equal to {@code sparseMicros} for a layer without zeros, NaN if not timed
     * @param form the form it runs in
     * @param reason why
     */
    public record Row(String layer, String kind, String shape, double density, double denseMicros,
            double sparseMicros, double javaDenseMicros, Form form, String reason) {

        /**
         * @return the engine's time over the time of PruneKit's kernel: its dense kernel where that runs
         *     ({@link Form#JAVA_DENSE}), else its sparse one (NaN if either was not timed); what running this layer in
         *     PruneKit's kernel gains over the engine, from its zeros and from the kernel itself
         */
        public double gain() {
            return denseMicros / (form == Form.JAVA_DENSE ? javaDenseMicros : sparseMicros);
        }

        /**
         * @return the gain of the zeros alone: the Java kernel's time without the zeros over its time with them
         *     (1 for a layer without zeros; NaN if not timed). Where the engine is slow for a layer, {@link #gain()}
         *     is mostly the kernel's; this is what pruning bought.
         */
        public double zerosGain() {
            return javaDenseMicros / sparseMicros;
        }

        /** @return whether the layer runs its sparse kernel */
        public boolean sparse() {
            return form == Form.SPARSE;
        }

        /** @return whether the layer runs on PruneKit's kernels (sparse or dense), not on the engine */
        public boolean java() {
            return form != Form.DENSE;
        }
    }

    /** Copies the rows. */
    public SparsePlan {
        rows = List.copyOf(rows);
        overall = overall == null ? "" : overall;
    }

    /**
     * @param why why the whole net runs dense after all
     * @return this plan with every layer dense, for that reason
     */
    SparsePlan allDense(String why) {
        List<Row> dense = rows.stream().map(r -> r.java() ? new Row(r.layer(), r.kind(), r.shape(), r.density(),
                r.denseMicros(), r.sparseMicros(), r.javaDenseMicros(), Form.DENSE, r.reason() + " alone; " + why)
                : r).toList();
        return new SparsePlan(net, batchSize, choice, dense, why, denseNetMicros, sparseNetMicros);
    }

    /**
     * @return how much faster the inference runs than the dense net, as measured when the plan was made: the dense
     *     net's time over the time of the form chosen for the whole net (1 if it runs dense; NaN if not measured)
     */
    public double speedUp() {
        return javaLayers().isEmpty() ? (Double.isNaN(denseNetMicros) ? Double.NaN : 1.0)
                : denseNetMicros / sparseNetMicros;
    }

    /**
     * @param layer a layer name
     * @return its row, if it has weights
     */
    public Optional<Row> row(String layer) {
        return rows.stream().filter(r -> r.layer().equals(layer)).findFirst();
    }

    /** @return the layers that run sparse */
    public List<String> sparseLayers() {
        return rows.stream().filter(Row::sparse).map(Row::layer).toList();
    }

    /** @return the layers that run on PruneKit's kernels, sparse or dense (the others run on the engine) */
    public List<String> javaLayers() {
        return rows.stream().filter(Row::java).map(Row::layer).toList();
    }

    @Override
    public Table toTable() {
        Rows t = Rows.of("Sparse inference plan of " + net + " at batch " + batchSize, "layer", "kind", "shape",
                "density", "dense µs", "sparse µs", "Java µs without zeros", "runs", "gain", "gain of the zeros", "why");
        for (Row r : rows) {
            t.add(r.layer(), r.kind(), r.shape(), r.density(), orNull(r.denseMicros()), orNull(r.sparseMicros()),
                    orNull(r.javaDenseMicros()), r.form().label(), ratio(r.gain()),
                    ratio(r.zerosGain()), r.reason());
        }
        return t.toTable();
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2fx", v);
    }

    /** @return the value, or null (an empty cell) for NaN: not timed */
    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    @Override
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        int javaDense = javaLayers().size() - sparseLayers().size();
        notes.add(sparseLayers().size() + " of " + rows.size() + " layers with weights run sparse"
                + (javaDense > 0 ? ", " + javaDense + " on PruneKit's dense kernel" : "") + " ("
                + switch (choice) {
                    case MEASURED -> "each layer in the form measured faster at batch " + batchSize;
                    case SPARSE -> "sparse wherever a kernel exists, as asked";
                    case DENSE -> "all dense, as asked";
                } + "). Dense times are the engine's and include copying the layer's input and output between Java and"
                + " the engine; the gain of the zeros compares the sparse kernel with the same kernel on the layer"
                + " without zeros.");
        if (!overall.isEmpty()) {
            notes.add("Whole net: " + overall + ".");
        }
        notes.add("Sparse kernels: " + Simd.describe() + ".");
        return notes;
    }

    @Override
    public String toString() {
        return toText();
    }
}
