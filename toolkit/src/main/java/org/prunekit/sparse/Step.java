package org.prunekit.sparse;

/**
 * One step of a {@link SparseInference}: a layer (or a residual block, or a stretch the engine
 * runs) computed on Java arrays in the batch-last layout, {@code (per-example axes..., batch)}.
 * A step keeps its output array between calls of the same batch size (a pass runs each step
 * once, so nothing it still needs is overwritten), which keeps allocation out of the pass.
 */
abstract class Step {

    private final int outSize;
    private float[] buffer = new float[0];

    /** @param outSize the values per example of the output */
    Step(int outSize) {
        this.outSize = outSize;
    }

    /**
     * @param x the input, batch-last
     * @param batch examples in the batch
     * @return the output, batch-last (an array of this step's, valid until it runs again)
     */
    abstract float[] run(float[] x, int batch);

    /**
     * Runs the step and applies {@code e} to its output: by default to the whole output after the step; a kernel
     * that can apply it while it writes overrides this.
     *
     * @param channels the output's channels (its first per-example axis)
     */
    float[] run(float[] x, int batch, Epilogue e, int channels) {
        float[] y = run(x, batch);
        e.applyAll(y, channels, outSize / channels * batch);
        return y;
    }

    /**
     * Runs the step, applies {@code e} (or nothing: null) and then {@code pool} to its output: by default one after
     * the other; a convolution that can hand the pooling its output a band of rows at a time overrides this
     * ({@link Steps.Pooled}).
     *
     * @param channels the output's channels (its first per-example axis)
     * @return the pooled output (an array of {@code pool}'s)
     */
    float[] runPooled(float[] x, int batch, Epilogue e, int channels, Steps.MaxPool pool) {
        return pool.run(e == null ? run(x, batch) : run(x, batch, e, channels), batch);
    }

    /** @return the values per example of the output */
    final int outSize() {
        return outSize;
    }

    /** @return whether it is one of PruneKit's kernels holding its weights dense (zeros multiplied) */
    boolean holdsDense() {
        return false;
    }

    /** @return the bytes this step holds for its weights (0 for a step without weights) */
    long bytes() {
        return 0;
    }

    /** @return this step's output array for {@code n} values (reused while the size stays the same) */
    final float[] out(int n) {
        if (buffer.length != n) {
            buffer = new float[n];
        }
        return buffer;
    }
}
