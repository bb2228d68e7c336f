package org.prunekit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradients of embedding tables added up by PruneKit instead of libtorch's autograd, for
 * the duration of one training step.
 *
 * <p>The gradient of a table row is the sum of the output gradients at the positions that read
 * that row. libtorch 2.7.1 computes it by zero-filling a gradient for the whole table, adding each
 * position's row through an element-wise kernel call of its own, and then adding that table into
 * the weight's gradient, which the optimizer copies out and zeroes again. For a text classifier's
 * batch (32 mails of 128 words, an 8,000 x 64 table) that was ~410 us, the largest single gap to
 * torch 1.13 in the classifier's training (issue 22). Inside a scope opened here, an
 * {@code Embedding} layer looks its rows up without recording the table and makes its output a
 * leaf of the graph; after the backward pass the optimizer asks {@link #addTo} to add the
 * output gradient's rows into its heap copy of the table's gradient (one pass, positions in
 * order, ~170 us), and {@link #flush()} adds whatever no optimizer took into the tables'
 * libtorch gradients. Either way each row's gradient is the same sum, in the same order, as
 * libtorch's: equal bit for bit (EmbeddingGradientsTest).
 *
 * <p>Training opens one scope per batch on its own thread; everything else (criteria that read
 * gradients, user code with its own gradient collector) runs outside any scope and gets
 * libtorch's gradients as before.
 *
 * <pre>{@code
 * try (EmbeddingGradients rows = EmbeddingGradients.open();
 *         GradientCollector collector = Engine.getInstance().newGradientCollector()) {
 *     collector.backward(lossOf(net.forward(x, true)));
 *     rows.flush(); // the tables' gradients now hold their rows' sums
 * }
 * }</pre>
 */
public final class EmbeddingGradients implements AutoCloseable {

    private static final ThreadLocal<EmbeddingGradients> CURRENT = new ThreadLocal<>();

    /** One lookup of the step: the ids read, the output (a leaf of the graph), the table. */
    private record Lookup(int[] ids, NDArray output, NDArray table) {}

    private final EmbeddingGradients outer;
    private final List<Lookup> lookups = new ArrayList<>();
    /** The output gradient's values, reused between lookups. */
    private float[] values = new float[0];

    private EmbeddingGradients(EmbeddingGradients outer) {
        this.outer = outer;
    }

    /**
     * Starts a scope on this thread: embedding lookups of training passes made until
     * {@link #close()} leave their tables' gradients to this scope.
     *
     * @return the scope
     */
    public static EmbeddingGradients open() {
        EmbeddingGradients scope = new EmbeddingGradients(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** @return the scope open on this thread, or null */
    public static EmbeddingGradients current() {
        return CURRENT.get();
    }

    /**
     * Records a lookup whose table gradient this scope adds up, and makes its output a leaf of the
     * graph that receives a gradient. Called by the embedding layer with the rows it looked up from
     * the table without recording it.
     *
     * @param ids the token ids looked up, in the output's order
     * @param output the looked-up rows, {@code (…, dims)}
     * @param table the table, {@code (vocabulary, dims)}
     */
    public void record(int[] ids, NDArray output, NDArray table) {
        if (table.getShape().dimension() != 2 || ids.length * table.getShape().get(1) != output.size()) {
            throw new IllegalArgumentException("A lookup of " + ids.length + " ids into a table of shape "
                    + table.getShape() + " cannot give an output of shape " + output.getShape() + ".");
        }
        output.setRequiresGradient(true);
        lookups.add(new Lookup(ids, output, table));
    }

    /**
     * Adds the rows' gradients of every lookup of {@code table} since the last flush into
     * {@code gradient}, the table's gradient in row-major order, and forgets those lookups.
     *
     * @param table a table, compared by identity
     * @param gradient its gradient, {@code vocabulary·dims} values, changed in place
     * @return whether {@code table} had lookups
     */
    public boolean addTo(NDArray table, float[] gradient) {
        boolean any = false;
        for (int l = 0; l < lookups.size(); l++) {
            Lookup lookup = lookups.get(l);
            if (lookup.table() == table) {
                if (gradient.length != table.size()) {
                    throw new IllegalArgumentException("A gradient of " + gradient.length + " values for a table of "
                            + "shape " + table.getShape() + ".");
                }
                addRows(lookup, gradient);
                lookups.remove(l--);
                any = true;
            }
        }
        return any;
    }

    /**
     * Adds the rows' gradients of every lookup not yet taken by {@link #addTo} into their tables'
     * libtorch gradients. Call after the backward pass, before anything reads those gradients.
     */
    public void flush() {
        try {
            for (Lookup lookup : lookups) {
                NDArray table = lookup.table();
                float[] sums = new float[Math.toIntExact(table.size())];
                addRows(lookup, sums);
                // into the gradient as libtorch's own accumulation does it (it also defines a gradient
                // the table does not have yet): the sums back-propagated through a view of the table
                boolean recording = JniUtils.isGradMode();
                try (NDArray s = table.getManager().create(sums, table.getShape())) {
                    JniUtils.setGradMode(true);
                    try (NDArray view = table.reshape(table.getShape())) {
                        JniUtils.backward((PtNDArray) view, (PtNDArray) s, false, false);
                    }
                } finally {
                    JniUtils.setGradMode(recording);
                }
            }
        } finally {
            lookups.clear();
        }
    }

    /** {@code gradient[id] += output gradient at i}, for every position {@code i} in order. */
    private void addRows(Lookup lookup, float[] gradient) {
        int[] ids = lookup.ids();
        int n = Math.toIntExact(lookup.output().size());
        int dims = n / Math.max(1, ids.length);
        if (values.length < n) {
            values = new float[n];
        }
        try (NDArray g = lookup.output().getGradient()) {
            FloatBuffer memory = Tensors.floats(g);
            if (memory != null) {
                memory.get(0, values, 0, n);
            } else {
                System.arraycopy(g.toFloatArray(), 0, values, 0, n);
            }
        }
        float[] v = values;
        for (int i = 0; i < ids.length; i++) {
            int to = ids[i] * dims;
            int from = i * dims;
            for (int j = 0; j < dims; j++) {
                gradient[to + j] += v[from + j];
            }
        }
    }

    /** Ends the scope (lookups not flushed are dropped) and restores the one open before it. */
    @Override
    public void close() {
        lookups.clear();
        CURRENT.set(outer);
    }
}
