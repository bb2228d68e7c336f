package org.prunekit.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.prunekit.model.WeightInput;

/**
 * What calibration measured of one weight's inputs (see {@link WeightInput}), accumulated over
 * batches in doubles: per group and column the sum of squares {@code Σ X_j²} (Wanda's
 * {@code ‖X_j‖₂²}) and, if asked for, the Gram matrix {@code H = XᵀX} (SparseGPT's Hessian, before
 * its factor 2 and dampening).
 */
final class InputStats {

    private final String layer;
    private final Shape shape;
    private final int groups;
    private final int cols;
    private final double[][] squares;
    private final double[][] gram;
    private long positions;

    /**
     * @param layer the layer's name
     * @param shape the weight's shape
     * @param groups row groups with inputs of their own
     * @param cols columns of the weight seen as a matrix
     * @param gram whether to accumulate {@code XᵀX}
     */
    InputStats(String layer, Shape shape, int groups, int cols, boolean gram) {
        this.layer = layer;
        this.shape = shape;
        this.groups = groups;
        this.cols = cols;
        this.squares = new double[groups][cols];
        this.gram = gram ? new double[groups][cols * cols] : null;
    }

    /** Adds one batch's input columns (computed in float64 on the engine). */
    void add(WeightInput in) {
        if (in.groups() != groups || in.cols() != cols) {
            throw new IllegalStateException("Layer " + layer + " gave input columns " + in.columns().getShape()
                    + " after (" + groups + ", ?, " + cols + ") in an earlier batch.");
        }
        NDArray x = in.columns().toType(DataType.FLOAT64, false);
        positions += x.getShape().get(1);
        double[] sq = x.square().sum(new int[] {1}).toDoubleArray();
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < cols; j++) {
                squares[g][j] += sq[g * cols + j];
            }
        }
        if (gram != null) {
            double[] h = x.transpose(0, 2, 1).matMul(x).toDoubleArray();
            for (int g = 0; g < groups; g++) {
                double[] dst = gram[g];
                int off = g * cols * cols;
                for (int k = 0; k < dst.length; k++) {
                    dst[k] += h[off + k];
                }
            }
        }
    }

    String layer() {
        return layer;
    }

    Shape shape() {
        return shape;
    }

    int groups() {
        return groups;
    }

    int cols() {
        return cols;
    }

    /** @return the rows of the weight each group holds */
    int rowsPerGroup() {
        return (int) (shape.get(0) / groups);
    }

    /** @return how many input vectors (examples × positions) were measured */
    long positions() {
        return positions;
    }

    /** @return {@code ‖X_j‖₂} per group and column, flattened {@code [g·cols + j]} */
    float[] norms() {
        float[] out = new float[groups * cols];
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < cols; j++) {
                out[g * cols + j] = (float) Math.sqrt(squares[g][j]);
            }
        }
        return out;
    }

    /**
     * @param g a group
     * @return its {@code XᵀX}, row-major {@code cols x cols} (shared: do not change)
     * @throws IllegalStateException if it was not accumulated
     */
    double[] gram(int g) {
        if (gram == null) {
            throw new IllegalStateException("The Gram matrix of " + layer + " was not measured.");
        }
        return gram[g];
    }
}
