package org.prunekit.sparse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import org.prunekit.model.Tensors;

/**
 * A batch input on the engine that is kept from pass to pass and written in place. An engine array
 * made from Java values on every pass ({@code manager.create(float[])}) holds a direct buffer that
 * only a garbage collection frees: while {@link SparseInference} timed a LeNet-5 at a batch of 250,
 * hundreds of MB of them piled up in a notebook's kernel. This array lives in the inference's own
 * manager and is written through its own memory (probed once, when it is made).
 *
 * <p>A pass attaches it to the pass's manager with {@link NDArray#tempAttach}, so that the outputs
 * computed from it land there and are freed with it, while the array itself goes back to its owner.
 */
final class EngineInput {

    private final NDManager owner;
    private final Shape one;
    private NDArray array;
    /** The array's own memory, or null where writes must go through {@link NDArray#set}. */
    private FloatBuffer memory;

    /**
     * @param owner the manager that keeps the array (closed with the inference)
     * @param one the shape of one input, without the batch axis
     */
    EngineInput(NDManager owner, Shape one) {
        this.owner = owner;
        this.one = one;
    }

    /**
     * @param values the batch, row-major, at least {@code batch} inputs
     * @param batch inputs in the batch
     * @return the engine array holding them, shape {@code (batch, one...)}
     */
    NDArray write(float[] values, int batch) {
        if (array == null || array.getShape().get(0) != batch) {
            if (array != null) {
                array.close();
            }
            array = owner.zeros(new Shape(batch).addAll(one));
            FloatBuffer m = Tensors.floats(array);
            memory = Tensors.writesThrough(array, m) ? m : null;
        }
        int n = Math.toIntExact(array.size());
        if (memory != null) {
            memory.put(0, values, 0, n);
        } else {
            array.set(values.length == n ? values : java.util.Arrays.copyOf(values, n));
        }
        return array;
    }
}
