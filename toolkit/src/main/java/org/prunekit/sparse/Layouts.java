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
        for (int b = 0; b < batch; b++) {
            for (int i = 0, o = b * size; i < size; i++) {
                out[i * batch + b] = rowMajor[o + i];
            }
        }
    }

    /**
     * @param batchLast {@code (size, batch)}
     * @param size values per example
     * @param batch examples
     * @param out {@code (batch, size)}
     */
    static void toRowMajor(float[] batchLast, int size, int batch, float[] out) {
        for (int i = 0; i < size; i++) {
            for (int b = 0, o = i * batch; b < batch; b++) {
                out[b * size + i] = batchLast[o + b];
            }
        }
    }
}
