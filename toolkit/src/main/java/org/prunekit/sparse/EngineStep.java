package org.prunekit.sparse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.prunekit.model.Tensors;

/**
 * A layer (or a block of layers) that a {@link SparseInference} leaves to the engine, as the dense
 * path runs it: the batch-last input is copied into an engine array of shape {@code (batch, in...)}
 * kept from call to call ({@link EngineInput}), the DJL block runs in inference mode with its outputs
 * in a manager of this call alone, and its output is copied back batch-last.
 */
final class EngineStep extends Step {

    private final Block block;
    private final int inSize;
    private final NDManager parent;
    private float[] rowMajor = new float[0];
    /** The engine's output of the last call, row-major (reused: a batch's activations are megabytes). */
    private float[] result = new float[0];
    private final EngineInput input;

    /**
     * @param block the DJL block (initialised, owned by the net)
     * @param in the shape of one input, without the batch axis
     * @param out the shape of one output, without the batch axis
     * @param parent the manager under which each call's arrays live
     */
    EngineStep(Block block, Shape in, Shape out, NDManager parent) {
        super(Math.toIntExact(out.size()));
        this.block = block;
        this.inSize = Math.toIntExact(in.size());
        this.parent = parent;
        this.input = new EngineInput(parent, in);
    }

    @Override
    float[] run(float[] x, int batch) {
        float[] y = out(outSize() * batch);
        float[] rows = batch == 1 ? x : transpose(x, inSize, batch);
        NDArray a = input.write(rows, batch);
        try (NDManager m = parent.newSubManager()) {
            a.tempAttach(m);   // the block's outputs land in m, freed below; a goes back to parent
            NDArray o = block.forward(new ParameterStore(m, false), new NDList(a), false).singletonOrThrow();
            if (result.length != o.size()) {
                result = new float[Math.toIntExact(o.size())];
            }
            float[] r = result;
            Tensors.read(o, r);
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
