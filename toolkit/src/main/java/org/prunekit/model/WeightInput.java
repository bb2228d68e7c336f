package org.prunekit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * What one weight of a layer multiplies: the input columns that calibration methods (Wanda,
 * SparseGPT) measure. The weight is seen as a matrix {@code W} of {@code out} rows and
 * {@code cols} columns (a dense layer's {@code (out, in)}; a convolution's {@code (out, in, kh, kw)}
 * flattened to {@code (out, in·kh·kw)}), and every output is {@code W_row · x} for one column
 * vector {@code x} of the input. The rows of {@code W} fall into {@code groups} equal blocks, block
 * {@code g} reading its own inputs: one group for a dense layer or a convolution, one per channel
 * for a depthwise convolution (row {@code c} reads only channel {@code c}'s patches).
 *
 * <p>{@code columns} holds those vectors as rows of a matrix per group: shape
 * {@code (groups, positions, cols)}, where positions are every example and every place the
 * weight is applied (a dense layer's leading axes flattened; a convolution's output pixels, its
 * im2col patches, zero padding included). Column {@code j} of {@code columns} multiplies column
 * {@code j} of {@code W}, so {@code ‖X_j‖₂} and {@code H = XᵀX} are defined per group.
 *
 * <p>A layer kind says what its weights read through {@link LayerSpec#weightInputs}: a new kind
 * (attention: the query, key and value projections read the block input, the output projection
 * the per-head context; a recurrent layer: its input weights read {@code x_t}, its recurrent
 * weights {@code h_(t-1)}) implements only that hook for the calibration methods to cover it. A
 * kind with several weights returns one entry per weight parameter; the calibration methods match
 * an entry to a prunable layer by its parameter ({@link Layer#weight()}), so a weight shown as a
 * layer of its own (one of several matrices of a layer) is measured on its owner's input.
 *
 * @param weight the weight parameter
 * @param columns the input columns, shape {@code (groups, positions, cols)}, in the input's manager
 */
public record WeightInput(Parameter weight, NDArray columns) {

    /** Checks that the columns fit the weight. */
    public WeightInput {
        Shape w = weight.getArray().getShape();
        Shape c = columns.getShape();
        if (c.dimension() != 3) {
            throw new IllegalArgumentException("Input columns of " + weight.getName() + " must have shape (groups,"
                    + " positions, cols), got " + c + ".");
        }
        long out = w.get(0);
        if (out % c.get(0) != 0 || w.size() / out != c.get(2)) {
            throw new IllegalArgumentException("Input columns " + c + " do not fit weight " + weight.getName() + " of"
                    + " shape " + w + ": its " + out + " rows must split into " + c.get(0) + " groups and each row"
                    + " must have " + c.get(2) + " columns.");
        }
    }

    /** @return how many row groups read inputs of their own (1 unless a grouped convolution) */
    public int groups() {
        return (int) columns.getShape().get(0);
    }

    /** @return the number of columns of the weight seen as a matrix */
    public int cols() {
        return (int) columns.getShape().get(2);
    }
}
