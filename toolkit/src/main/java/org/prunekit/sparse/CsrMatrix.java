package org.prunekit.sparse;

import java.util.Arrays;

/**
 * A sparse matrix in compressed sparse row form (CSR): for each row, the columns and values of its
 * non-zero entries, in column order. Only non-zero values are held: 4 bytes per value, 2 per
 * column index (columns are numbered in 16 bits, so a matrix has at most {@value #MAX_COLUMNS}
 * columns) and 4 per row, so a matrix with a tenth of its entries non-zero takes about 16 % of
 * the memory of its dense form.
 *
 * <p>Its product with a batch of column vectors reads and writes them <em>batch-last</em>: value
 * {@code (i, b)} of a batch of {@code B} vectors is at {@code i * B + b}, so every non-zero weight
 * updates {@code B} outputs from {@code B} contiguous inputs, a loop the JIT compiles to vector
 * instructions. With one vector ({@code B = 1}) each row is one dot product that gathers the
 * inputs of its non-zero columns. Where the JVM has the Vector API ({@code --add-modules
 * jdk.incubator.vector}), batches of a vector register or more run a kernel that keeps the batch's
 * partial sums in registers (about twice as fast at batch 64); results agree within float rounding.
 * Not thread-safe: a product keeps scratch rows between calls.
 */
public final class CsrMatrix {

    /** The most columns a matrix can have (column indices are 16-bit). */
    public static final int MAX_COLUMNS = 65_536;

    private final int rows;
    private final int columns;
    private final int[] rowStart;
    private final char[] column;
    private final float[] value;
    private float[][] rowsOfX;

    private CsrMatrix(int rows, int columns, int[] rowStart, char[] column, float[] value) {
        this.rows = rows;
        this.columns = columns;
        this.rowStart = rowStart;
        this.column = column;
        this.value = value;
    }

    /**
     * @param dense the matrix in row-major order ({@code rows * columns} values)
     * @param rows its rows
     * @param columns its columns, at most {@value #MAX_COLUMNS}
     * @return its non-zero entries as CSR
     * @throws IllegalArgumentException if the sizes do not match or there are too many columns
     */
    public static CsrMatrix of(float[] dense, int rows, int columns) {
        if (rows < 1 || columns < 1 || (long) rows * columns != dense.length) {
            throw new IllegalArgumentException("A " + rows + " x " + columns + " matrix needs " + (long) rows * columns
                    + " values, got " + dense.length + ".");
        }
        if (columns > MAX_COLUMNS) {
            throw new IllegalArgumentException("A CSR matrix has at most " + MAX_COLUMNS + " columns (16-bit column"
                    + " indices), got " + columns + ".");
        }
        int nnz = 0;
        for (float v : dense) {
            if (v != 0) {
                nnz++;
            }
        }
        int[] start = new int[rows + 1];
        char[] col = new char[nnz];
        float[] val = new float[nnz];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            start[r] = k;
            for (int c = 0, o = r * columns; c < columns; c++) {
                float v = dense[o + c];
                if (v != 0) {
                    col[k] = (char) c;
                    val[k++] = v;
                }
            }
        }
        start[rows] = k;
        return new CsrMatrix(rows, columns, start, col, val);
    }

    /** @return the number of non-zero entries */
    public int nonZeros() {
        return value.length;
    }

    /** @return the rows (the columns: {@link #toDense()} length / rows) */
    public int rows() {
        return rows;
    }

    /** @return the fraction of entries that are non-zero */
    public double density() {
        return value.length / ((double) rows * columns);
    }

    /**
     * @return the bytes of the arrays that hold the matrix (values, column indices, row starts), and of those
     *     made from them once used: the matrix by columns (one vector with many zeros) and where each entry's column
     *     starts in a batch (the vector kernels, 4 bytes per entry)
     */
    public long bytes() {
        ByColumns t = byColumns;
        Offsets o = offsets;
        return 4L * value.length + 2L * column.length + 4L * rowStart.length + (t == null ? 0
                : 4L * t.start().length + 6L * value.length) + (o == null ? 0 : 4L * o.at().length);
    }

    /**
     * @param r a row
     * @return where its entries start in {@link #column(int)} / {@link #value(int)} order; row
     *     {@code r}'s entries are {@code [rowStart(r), rowStart(r + 1))}
     */
    int rowStart(int r) {
        return rowStart[r];
    }

    /** @return the row starts, {@code rows + 1} of them (not a copy: do not change) */
    int[] rowStarts() {
        return rowStart;
    }

    /** @return the non-zero values in row order (not a copy: do not change) */
    float[] values() {
        return value;
    }

    /** @return the column of entry {@code k} */
    int column(int k) {
        return column[k];
    }

    /** @return the value of entry {@code k} */
    float value(int k) {
        return value[k];
    }

    /** @return the matrix as dense row-major values */
    public float[] toDense() {
        float[] d = new float[rows * columns];
        for (int r = 0; r < rows; r++) {
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                d[r * columns + column[k]] = value[k];
            }
        }
        return d;
    }

    /**
     * {@code y = A x + bias} for a batch of {@code batch} column vectors, batch-last: {@code x[c * batch + b]},
     * {@code y[r * batch + b]}.
     *
     * @param x the inputs, {@code columns * batch} values
     * @param batch the vectors in the batch
     * @param bias one value per row, or null
     * @param y the outputs, {@code rows * batch} values (overwritten)
     */
    public void multiply(float[] x, int batch, float[] bias, float[] y) {
        if (x.length < columns * batch || y.length < rows * batch) {
            throw new IllegalArgumentException("A " + rows + " x " + columns + " matrix times " + batch
                    + " vectors needs " + columns * batch + " inputs and " + rows * batch + " outputs, got "
                    + x.length + " and " + y.length + ".");
        }
        if (batch == 1) {
            multiplyVector(x, bias, y);
            return;
        }
        if (Simd.VECTOR && batch >= Simd.LANES) {
            VectorProducts.multiply(0, rows, rowStart, offsets(batch), value, x, 0, batch, bias, y, 0, batch);
            return;
        }
        multiplyLoops(x, batch, bias, y);
    }

    /**
     * Rows {@code [from, to)} of {@code y = A x + bias} on the vector kernel (only where {@link Simd#VECTOR}), with
     * the columns read from {@code firstColumn} on: column {@code c} reads {@code x[(firstColumn + c) * batch + b]},
     * row {@code r} writes {@code y[yOffset + r * yStride + b]}. For a grouped convolution, whose filters each read
     * their group's inputs, a block of its output rows at a time.
     */
    void multiplyRowsVector(int from, int to, float[] x, int firstColumn, int batch, float[] bias, float[] y,
            int yOffset, int yStride) {
        VectorProducts.multiply(from, to, rowStart, offsets(batch), value, x, firstColumn * batch, batch, bias, y,
                yOffset, yStride);
    }

    /** Where each non-zero entry's column starts in a batch-last input of {@code batch} columns' values. */
    private record Offsets(int batch, int[] at) {}

    /** The offsets of the last batch size asked for: one immutable value, so another thread never sees half of it. */
    private volatile Offsets offsets;

    /** @return {@code column(k) * batch} for every non-zero entry {@code k} (made once per batch size) */
    private int[] offsets(int batch) {
        Offsets o = offsets;
        if (o == null || o.batch() != batch) {
            int[] at = new int[column.length];
            for (int k = 0; k < at.length; k++) {
                at[k] = column[k] * batch;
            }
            o = new Offsets(batch, at);
            offsets = o;
        }
        return o.at();
    }

    /** {@link #multiply} in plain loops (without the Vector API; the JIT vectorises the loops over the batch). */
    void multiplyLoops(float[] x, int batch, float[] bias, float[] y) {
        // x's rows as arrays of their own, summed into an accumulator, all indexed from 0: C2 (JDK 17)
        // vectorises a loop over several arrays only when their offsets are the same
        if (rowsOfX == null || rowsOfX.length != columns || rowsOfX[0].length != batch) {
            rowsOfX = new float[columns][batch];
        }
        for (int c = 0; c < columns; c++) {
            System.arraycopy(x, c * batch, rowsOfX[c], 0, batch);
        }
        float[] acc = new float[batch];
        for (int r = 0; r < rows; r++) {
            Arrays.fill(acc, bias == null ? 0f : bias[r]);
            int k = rowStart[r];
            int end = rowStart[r + 1];
            for (; k + 3 < end; k += 4) {
                axpy4(value, k, rowsOfX[column[k]], rowsOfX[column[k + 1]], rowsOfX[column[k + 2]],
                        rowsOfX[column[k + 3]], acc, batch);
            }
            for (; k < end; k++) {
                axpy(value[k], rowsOfX[column[k]], acc, batch);
            }
            System.arraycopy(acc, 0, y, r * batch, batch);
        }
    }

    /**
     * One vector. An input with many zeros (an image's background, the half of a ReLU's outputs that are 0) goes
     * column by column: only the non-zero inputs' columns are read (the matrix by columns is built on first use);
     * otherwise row by row, a dot product per row that gathers the inputs of its non-zero columns.
     */
    private void multiplyVector(float[] x, float[] bias, float[] y) {
        int zeros = 0;
        for (int c = 0; c < columns; c++) {
            if (x[c] == 0f) {
                zeros++;
            }
        }
        if (zeros >= ZERO_INPUTS * columns && rows <= MAX_COLUMNS) {   // row indices by column are 16-bit too
            multiplyByColumns(x, bias, y);
            return;
        }
        multiplyByRows(x, bias, y);
    }

    /** The share of zero inputs from which one vector is multiplied column by column. */
    static final double ZERO_INPUTS = 0.3;

    /**
     * The matrix by columns: where each column's entries start, their rows and values.
     *
     * @param start column c's entries are {@code [start[c], start[c + 1])}
     * @param row their row indices
     * @param value their values
     */
    private record ByColumns(int[] start, char[] row, float[] value) {}

    /** The matrix by columns, built on first use (null before); published whole, so threads never see a part. */
    private volatile ByColumns byColumns;

    private void multiplyByColumns(float[] x, float[] bias, float[] y) {
        ByColumns t = byColumns;
        if (t == null) {
            t = buildByColumns();
        }
        int[] columnStart = t.start();
        char[] rowOf = t.row();
        float[] valueByColumn = t.value();
        if (bias == null) {
            Arrays.fill(y, 0, rows, 0f);
        } else {
            System.arraycopy(bias, 0, y, 0, rows);
        }
        for (int c = 0; c < columns; c++) {
            float xc = x[c];
            if (xc != 0f) {
                for (int k = columnStart[c], end = columnStart[c + 1]; k < end; k++) {
                    y[rowOf[k]] += xc * valueByColumn[k];
                }
            }
        }
    }

    private synchronized ByColumns buildByColumns() {
        if (byColumns != null) {
            return byColumns;   // another thread built it meanwhile
        }
        int[] start = new int[columns + 1];
        for (char c : column) {
            start[c + 1]++;
        }
        for (int c = 0; c < columns; c++) {
            start[c + 1] += start[c];
        }
        int[] next = Arrays.copyOf(start, columns);
        char[] row = new char[value.length];
        float[] val = new float[value.length];
        for (int r = 0; r < rows; r++) {
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                int at = next[column[k]]++;
                row[at] = (char) r;
                val[at] = value[k];
            }
        }
        byColumns = new ByColumns(start, row, val);
        return byColumns;
    }

    /** One vector, row by row (also for tests). */
    void multiplyByRows(float[] x, float[] bias, float[] y) {
        for (int r = 0; r < rows; r++) {
            // four partial sums: four independent chains of multiply-adds instead of one
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            int k = rowStart[r];
            int end = rowStart[r + 1];
            for (; k + 3 < end; k += 4) {
                s0 += value[k] * x[column[k]];
                s1 += value[k + 1] * x[column[k + 1]];
                s2 += value[k + 2] * x[column[k + 2]];
                s3 += value[k + 3] * x[column[k + 3]];
            }
            for (; k < end; k++) {
                s0 += value[k] * x[column[k]];
            }
            y[r] = (bias == null ? 0f : bias[r]) + ((s0 + s1) + (s2 + s3));
        }
    }

    /**
     * {@code y[i] += a[k] x0[i] + a[k+1] x1[i] + a[k+2] x2[i] + a[k+3] x3[i]}: four non-zero weights in
     * one pass over {@code y}, which halves the time per weight against four {@link #axpy} at batch 64.
     */
    static void axpy4(float[] a, int k, float[] x0, float[] x1, float[] x2, float[] x3, float[] y, int n) {
        axpy4(a[k], a[k + 1], a[k + 2], a[k + 3], x0, x1, x2, x3, y, n);
    }

    /** {@link #axpy4(float[], int, float[], float[], float[], float[], float[], int)} for entries {@code k..k+3} of a matrix. */
    static void axpy4(CsrMatrix m, int k, float[] x0, float[] x1, float[] x2, float[] x3, float[] y, int n) {
        axpy4(m.value[k], m.value[k + 1], m.value[k + 2], m.value[k + 3], x0, x1, x2, x3, y, n);
    }

    private static void axpy4(float a0, float a1, float a2, float a3, float[] x0, float[] x1, float[] x2, float[] x3,
            float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
        }
    }

    /** {@code y[i] += a * x[i]} for {@code i < n}: the loop the JIT vectorises (same index in both arrays). */
    static void axpy(float a, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += a * x[i];
        }
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "CsrMatrix %d x %d, %,d non-zero (%.1f %%), %,d bytes", rows,
                columns, nonZeros(), 100 * density(), bytes());
    }
}
