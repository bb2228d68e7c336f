package org.prunekit.sparse;

/** Copies between the engine's row-major batches {@code (batch, size)} and the batch-last layout {@code (size, batch)}. */
final class Layouts {

    private Layouts() {}

    /**
     * @param rowMajor {@code (batch, size)}
     * @param size values per example
     * @param batch examples
     * @param out {@code (size, batch)}
     */
    static void toBatchLast(float[] rowMajor, int size, int batch, float[] out) {
        transpose(rowMajor, batch, size, out);
    }

    /**
     * @param batchLast {@code (size, batch)}
     * @param size values per example
     * @param batch examples
     * @param out {@code (batch, size)}
     */
    static void toRowMajor(float[] batchLast, int size, int batch, float[] out) {
        transpose(batchLast, size, batch, out);
    }

    /** Tiles of this side are read and written while they are in the cache. */
    private static final int TILE = 16;

    /**
     * @param a a {@code rows x cols} matrix, row-major
     * @param out its transpose, {@code cols x rows}, row-major
     */
    private static void transpose(float[] a, int rows, int cols, float[] out) {
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(rows, r0 + TILE);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        out[c * rows + r] = a[r * cols + c];
                    }
                }
            }
        }
    }
}
