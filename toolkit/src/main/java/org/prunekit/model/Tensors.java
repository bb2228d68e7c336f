package org.prunekit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Small NDArray helpers shared by the toolkit. */
public final class Tensors {

    private static final NDIndex ALL = new NDIndex("...");

    private Tensors() {}

    /**
     * Copies every value of {@code from} into {@code into} (same shape), in place. Unlike
     * {@link NDArray#copyTo(NDArray)}, this does not make libtorch print a deprecation warning
     * into the notebook.
     *
     * @param from the source
     * @param into the destination, changed in place
     */
    public static void copy(NDArray from, NDArray into) {
        if (!from.getShape().equals(into.getShape())) {
            throw new IllegalArgumentException("Cannot copy an array of shape " + from.getShape() + " into one of shape "
                    + into.getShape() + ".");
        }
        into.set(ALL, from);
    }
}
