package org.prunekit.prune;

import java.util.List;

/**
 * What one pruning decision removes: single weights, whole units, or weights in an N:M pattern.
 *
 * <ul>
 *   <li>{@link #UNSTRUCTURED}: single weights, a 0/1 mask per weight. The tensor keeps its shape,
 *       so no speed-up by itself.</li>
 *   <li>{@link #STRUCTURED}: whole output units — a neuron of a Linear layer or a channel (filter)
 *       of a Conv2d layer — planned per channel group, with their biases, batch-norm entries and
 *       the inputs that read them. Removing them physically makes the model smaller and faster.</li>
 *   <li>{@link #nm(int, int)}: semi-structured N:M sparsity (Mishra et al. 2021, NVIDIA's 2:4):
 *       of every M consecutive inputs of a unit (input features of a Linear layer, input channels
 *       at each kernel position of a Conv2d layer) the N most important are kept. The sparsity is
 *       fixed at 1 − N/M; hardware with sparse tensor cores runs 2:4 layers about twice as fast.</li>
 * </ul>
 */
public final class Granularity {

    /** Single weights. */
    public static final Granularity UNSTRUCTURED = new Granularity("UNSTRUCTURED", 0, 0);

    /** Whole output units (neurons, channels), by channel group. */
    public static final Granularity STRUCTURED = new Granularity("STRUCTURED", 0, 0);

    private final String name;
    private final int n;
    private final int m;

    private Granularity(String name, int n, int m) {
        this.name = name;
        this.n = n;
        this.m = m;
    }

    /**
     * N:M semi-structured sparsity, e.g. {@code nm(2, 4)}.
     *
     * @param n how many weights of every group are kept, at least 1
     * @param m the group size (consecutive inputs), more than {@code n}
     * @return the granularity
     * @throws IllegalArgumentException if not {@code 1 <= n < m}
     */
    public static Granularity nm(int n, int m) {
        if (n < 1 || n >= m) {
            throw new IllegalArgumentException("N:M sparsity keeps N of every M consecutive weights and needs"
                    + " 1 <= N < M, got " + n + ":" + m + " (e.g. 2:4, 1:4, 4:8).");
        }
        return new Granularity(n + ":" + m, n, m);
    }

    /** @return the two classic granularities, unstructured and structured */
    public static List<Granularity> values() {
        return List.of(UNSTRUCTURED, STRUCTURED);
    }

    /** @return whether this is an N:M pattern */
    public boolean isNm() {
        return m > 0;
    }

    /** @return N, the weights kept per group (0 unless N:M) */
    public int n() {
        return n;
    }

    /** @return M, the group size (0 unless N:M) */
    public int m() {
        return m;
    }

    /** @return the sparsity an N:M pattern fixes, 1 − N/M (NaN for the others) */
    public double nmSparsity() {
        return isNm() ? 1 - n / (double) m : Double.NaN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Granularity g && g.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /** @return {@code UNSTRUCTURED}, {@code STRUCTURED} or {@code N:M}, e.g. {@code 2:4} */
    @Override
    public String toString() {
        return name;
    }
}
