package org.prunekit.sparse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A layer (or a block of layers) that a {@link SparseInference} leaves to the engine, as the dense
 * path runs it: the batch-last input is copied into an engine array of shape {@code (batch, in...)},
 * the DJL block runs in inference mode in a manager of this call alone, and its output is copied
 * back batch-last.
 */
final class EngineStep extends Step {

    private final Block block;
    private final Shape in;
    private final int inSize;
    private final NDManager parent;
    private float[] rowMajor = new float[0];

    /**
     * @param block the DJL block (initialised, owned by the net)
     * @param in the shape of one input, without the batch axis
     * @param out the shape of one output, without the batch axis
     * @param parent the manager under which each call's arrays live
     */
    EngineStep(Block block, Shape in, Shape out, NDManager parent) {
        super(Math.toIntExact(out.size()));
        this.block = block;
        this.in = in;
        this.inSize = Math.toIntExact(in.size());
        this.parent = parent;
    }

    @Override
    float[] run(float[] x, int batch) {
        float[] y = out(outSize() * batch);
        try (NDManager m = parent.newSubManager()) {
            float[] rows = batch == 1 ? x : transpose(x, inSize, batch);
            NDArray a = m.create(rows.length == inSize * batch ? rows : java.util.Arrays.copyOf(rows, inSize * batch),
                    new Shape(batch).addAll(in));
            float[] r = block.forward(new ParameterStore(m, false), new NDList(a), false).singletonOrThrow()
                    .toFloatArray();
            if (batch == 1) {
                System.arraycopy(r, 0, y, 0, outSize());
            } else {
                Layouts.toBatchLast(r, outSize(), batch, y);
            }
        }
        return y;
    }

    private float[] transpose(float[] x, int size, int batch) {
        if (rowMajor.length != size * batch) {
            rowMajor = new float[size * batch];
        }
        Layouts.toRowMajor(x, size, batch, rowMajor);
        return rowMajor;
    }

}
