package org.prunekit.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.prunekit.PruneKit;
import org.prunekit.engine.NativeHeap;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;

/**
 * SparseGPT (Frantar and Alistarh 2023, "SparseGPT: Massive Language Models Can Be Accurately
 * Pruned in One-Shot"): a pruning <em>method</em>, not only a criterion. Layer by layer it solves
 * the reconstruction problem {@code min ‖WX − ŴX‖²} over the calibration inputs {@code X} of the
 * layer's weight: optimal brain surgery with the Hessian {@code H = 2XXᵀ + λ·mean(diag)·I},
 * columns processed in blocks with the mask of each block chosen adaptively by
 * {@code w²/[H⁻¹]_jj²} (unstructured) or per group of M columns (N:M), and every remaining
 * weight updated to make up for the pruned ones (see {@code Obs} for the steps).
 *
 * <pre>{@code
 * SparseGptResult r = SparseGpt.builder().setSparsity(0.5)          // or .optPattern(2, 4)
 *         .optBlockSize(128).optDampening(0.01)
 *         .optCalibration(Calibration.builder().setData(data).optExamples(128).build())
 *         .build().prune(net);
 * r;   // per layer: sparsity, reconstruction error vs magnitude and Wanda on the same budget
 * }</pre>
 *
 * <ul>
 *   <li>Sequential by default: each layer is calibrated on the inputs that the already pruned
 *       earlier layers produce, as in the paper ({@code optSequential(false)}: all on the dense net's).</li>
 *   <li>Masks are registered with {@link Net#addMask}: they stay during fine-tuning and combine
 *       with earlier ones (weights pruned before are pruned first and count towards the target);
 *       the updated weights are written into the net. Biases are left as they are.</li>
 *   <li>Columns are a weight's inputs ({@link org.prunekit.model.WeightInput}); for a convolution
 *       they are processed kernel position by kernel position, input channels fastest, so that
 *       an N:M group is M consecutive input channels at one kernel position, as in
 *       {@link Granularity#nm(int, int)}. A layer whose inputs M does not divide is skipped with a
 *       note (named in {@code optLayers}, it is an error).</li>
 *   <li>The work is done in plain Java doubles (a layer of a few thousand columns takes well
 *       under a second).</li>
 * </ul>
 */
public final class SparseGpt {

    private final double sparsity;
    private final int keepN;
    private final int m;
    private final int blockSize;
    private final double dampening;
    private final Calibration calibration;
    private final boolean sequential;
    private final Targets targets;

    private SparseGpt(Builder b) {
        this.sparsity = b.sparsity;
        this.keepN = b.keepN;
        this.m = b.m;
        this.blockSize = b.blockSize;
        this.dampening = b.dampening;
        this.calibration = b.calibration;
        this.sequential = b.sequential;
        this.targets = new Targets(b.layers);
    }

    /** @return a builder: setSparsity (or optPattern) is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the share of each layer's weights pruned (1 − N/M for a pattern) */
    public double sparsity() {
        return sparsity;
    }

    /** @return the N:M pattern, e.g. {@code "2:4"}, or {@code "unstructured"} */
    public String pattern() {
        return keepN == 0 ? "unstructured" : keepN + ":" + m;
    }

    /**
     * Prunes a net on the builder's calibration set.
     *
     * @param net the net, changed: masks added, weights updated
     * @return per layer what was done, with the reconstruction errors
     * @throws IllegalStateException if no calibration was given ({@code optCalibration})
     */
    public SparseGptResult prune(Net net) {
        if (calibration == null) {
            throw new IllegalStateException("SparseGPT needs calibration data: give it with optCalibration("
                    + "Calibration.of(data.train())) or call prune(net, calibration).");
        }
        return prune(net, calibration);
    }

    /**
     * Prunes a net.
     *
     * @param net the net, changed: masks added, weights updated
     * @param cal the calibration examples
     * @return per layer what was done, with the reconstruction errors
     * @throws IllegalArgumentException if the calibration does not fit the net, or nothing can be pruned
     */
    public SparseGptResult prune(Net net, Calibration cal) {
        PruneKit.noGrad();
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(cal, "calibration").check(net);
        Map<String, String> skipped = new LinkedHashMap<>();
        List<Layer> layers = layers(net, skipped);
        Map<String, InputStats> dense = sequential ? Map.of() : InputCollector.collect(net, layers, cal, true);
        List<SparseGptResult.LayerResult> rows = new ArrayList<>();
        for (Layer l : layers) {
            long start = System.nanoTime();
            InputStats s = sequential ? InputCollector.collect(net, List.of(l), cal, true).get(l.name())
                    : dense.get(l.name());
            rows.add(pruneLayer(net, l, s, start));
        }
        NativeHeap.trim();   // the calibration passes' freed activations go back to the system (see NativeHeap)
        return new SparseGptResult(net.name(), toString(), cal.toString(), rows, skipped);
    }

    /** The target layers that can be pruned: inside the net's known blocks, with inputs M divides. */
    private List<Layer> layers(Net net, Map<String, String> skipped) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : targets.layers(net)) {
            String why = null;
            Shape w = l.weight().getArray().getShape();
            if (InputCollector.runner(net, l) == null) {
                why = "it is inside a DJL block PruneKit cannot look into, so its inputs cannot be measured";
            } else if (keepN != 0 && w.get(1) % m != 0) {
                why = "its " + w.get(1) + " input " + (w.dimension() == 4 ? "channels" : "features")
                        + " are not a multiple of M = " + m;
            }
            if (why == null) {
                out.add(l);
            } else if (targets.named()) {
                throw new IllegalArgumentException("Layer " + l.name() + " cannot be pruned by SparseGPT " + pattern()
                        + ": " + why + ". Leave it out of optLayers.");
            } else {
                skipped.put(l.name(), why);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("Nothing to prune: no layer of net " + net.name() + " can be pruned by"
                    + " SparseGPT " + pattern() + (skipped.isEmpty() ? "." : ": " + skipped + "."));
        }
        return out;
    }

    private SparseGptResult.LayerResult pruneLayer(Net net, Layer l, InputStats s, long start) {
        NDArray wArr = l.weight().getArray();
        Shape shape = wArr.getShape();
        float[] w = wArr.toFloatArray();
        NDArray old = net.masks().get(l.weight());
        float[] alive = old == null ? ones(w.length) : old.toFloatArray();
        int n = s.cols();
        int rpg = s.rowsPerGroup();
        int[] perm = columnOrder(shape, s.groups(), n);
        float[] newW = new float[w.length];
        float[] mask = new float[w.length];
        double[] num = new double[3];
        double den = 0;
        float[] magMask = keepN == 0 ? null : NmPattern.mask(magnitudes(w), alive, shape, keepN, m);
        float[] wandaMask = new float[w.length];
        for (int g = 0; g < s.groups(); g++) {
            double[] gram = s.gram(g);
            double[] wg = new double[rpg * n];
            double[] w0 = new double[rpg * n];
            float[] ag = new float[rpg * n];
            double[] gp = new double[n * n];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    gp[a * n + b] = gram[perm[a] * n + perm[b]];
                }
            }
            for (int r = 0; r < rpg; r++) {
                int row = g * rpg + r;
                for (int q = 0; q < n; q++) {
                    wg[r * n + q] = w[row * n + perm[q]];
                    ag[r * n + q] = alive[row * n + perm[q]];
                }
            }
            System.arraycopy(wg, 0, w0, 0, w0.length);
            float[] mg = Obs.prune(wg, ag, gp, s.positions(), rpg, n, sparsity, keepN, m, blockSize, dampening);
            for (int r = 0; r < rpg; r++) {
                int row = g * rpg + r;
                for (int q = 0; q < n; q++) {
                    newW[row * n + perm[q]] = (float) wg[r * n + q];
                    mask[row * n + perm[q]] = mg[r * n + q];
                }
            }
            double[] diff = new double[w0.length];
            for (int i = 0; i < diff.length; i++) {
                diff[i] = w0[i] - wg[i];
            }
            num[0] += Obs.quadraticSum(diff, gp, rpg, n);
            den += Obs.quadraticSum(w0, gp, rpg, n);
            wandaRows(w, alive, gram, g, rpg, n, wandaMask);
        }
        if (keepN != 0) {
            wandaMask = NmPattern.mask(wandaScores(w, s), alive, shape, keepN, m);
        } else {
            magMask = lowestMagnitudes(w, alive, Granularity.zeros(mask));
        }
        num[1] = maskedError(w, magMask, s);
        num[2] = maskedError(w, wandaMask, s);
        wArr.set(newW);
        try (NDArray mk = net.manager().create(mask, shape)) {
            net.addMask(l.weight(), mk);
        }
        return new SparseGptResult.LayerResult(l.name(), w.length, Granularity.zeros(mask), num[0] / den, num[1] / den,
                num[2] / den, (System.nanoTime() - start) / 1e6);
    }

    /**
     * The order columns are processed in: for a convolution kernel position by kernel position,
     * input channels fastest (so N:M groups are consecutive channels); else as they are.
     */
    static int[] columnOrder(Shape shape, int groups, int n) {
        int[] perm = new int[n];
        if (shape.dimension() == 4 && groups == 1) {
            int channels = (int) shape.get(1);
            int k = n / channels;
            for (int q = 0; q < n; q++) {
                perm[q] = (q % channels) * k + q / channels;
            }
        } else {
            for (int q = 0; q < n; q++) {
                perm[q] = q;
            }
        }
        return perm;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    private static float[] magnitudes(float[] w) {
        float[] a = new float[w.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.abs(w[i]);
        }
        return a;
    }

    /** Magnitude at the same budget: the {@code k} lowest |w| of the layer, weights pruned before first. */
    private static float[] lowestMagnitudes(float[] w, float[] alive, int k) {
        float[] score = magnitudes(w);
        for (int i = 0; i < score.length; i++) {
            if (alive[i] == 0) {
                score[i] = Float.NEGATIVE_INFINITY;
            }
        }
        boolean[] drop = Selection.lowest(score, k);
        float[] mask = new float[w.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = drop[i] ? 0f : 1f;
        }
        return mask;
    }

    private static float[] wandaScores(float[] w, InputStats s) {
        float[] norms = s.norms();
        int n = s.cols();
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = Math.abs(w[i]) * norms[i / n / s.rowsPerGroup() * n + i % n];
        }
        return out;
    }

    /** Wanda per row (mask only, no update) at round(s·n) per row, into {@code out}. */
    private void wandaRows(float[] w, float[] alive, double[] gram, int g, int rpg, int n, float[] out) {
        if (keepN != 0) {
            return;
        }
        int k = (int) Selection.count(sparsity, n);
        double[] score = new double[n];
        for (int r = 0; r < rpg; r++) {
            int row = g * rpg + r;
            int before = 0;
            for (int j = 0; j < n; j++) {
                boolean dead = alive[row * n + j] == 0;
                before += dead ? 1 : 0;
                score[j] = dead ? Double.NEGATIVE_INFINITY : Math.abs(w[row * n + j]) * Math.sqrt(gram[j * n + j]);
            }
            boolean[] drop = Selection.lowest(score, Math.max(before, k));
            for (int j = 0; j < n; j++) {
                out[row * n + j] = drop[j] ? 0f : 1f;
            }
        }
    }

    /** ‖WX − (W∘mask)X‖², summed over the groups. */
    private static double maskedError(float[] w, float[] mask, InputStats s) {
        int n = s.cols();
        int rpg = s.rowsPerGroup();
        double sum = 0;
        for (int g = 0; g < s.groups(); g++) {
            double[] diff = new double[rpg * n];
            for (int i = 0; i < diff.length; i++) {
                int at = g * rpg * n + i;
                diff[i] = mask[at] == 0 ? w[at] : 0;
            }
            sum += Obs.quadraticSum(diff, s.gram(g), rpg, n);
        }
        return sum;
    }

    /** @return e.g. {@code SparseGPT{2:4, block 128, dampening 0.01, sequential}} */
    @Override
    public String toString() {
        return "SparseGPT{" + (keepN == 0 ? String.format("sparsity %.3f", sparsity) : pattern()) + ", block "
                + blockSize + ", dampening " + dampening + (sequential ? ", sequential" : ", all layers on dense inputs")
                + (targets.named() ? ", layers " + targets.names() : "") + "}";
    }

    /** Builder of {@link SparseGpt}: {@code set*} required, {@code opt*} optional. */
    public static final class Builder {
        private double sparsity = Double.NaN;
        private int keepN;
        private int m;
        private int blockSize = 128;
        private double dampening = 0.01;
        private Calibration calibration;
        private boolean sequential = true;
        private List<String> layers;

        Builder() {}

        /**
         * @param sparsity the share of each layer's weights to prune, in [0, 1) (required unless a pattern is given)
         * @return this builder
         */
        public Builder setSparsity(double sparsity) {
            this.sparsity = Pruner.checkSparsity(sparsity);
            return this;
        }

        /**
         * @param n weights kept in every group of {@code m} consecutive inputs (1 ≤ n < m)
         * @param m the group size
         * @return this builder, pruning N:M (the sparsity is then 1 − n/m)
         */
        public Builder optPattern(int n, int m) {
            Granularity.nm(n, m); // checks 1 <= n < m
            this.keepN = n;
            this.m = m;
            return this;
        }

        /**
         * @param blockSize columns per block (default 128, as the paper; a multiple of M for N:M)
         * @return this builder
         */
        public Builder optBlockSize(int blockSize) {
            if (blockSize < 1) {
                throw new IllegalArgumentException("Block size must be at least 1, got " + blockSize + ".");
            }
            this.blockSize = blockSize;
            return this;
        }

        /**
         * @param dampening λ: {@code λ·mean(diag H)} is added to the Hessian's diagonal (default 0.01)
         * @return this builder
         */
        public Builder optDampening(double dampening) {
            if (!(dampening > 0) || dampening > 10) {
                throw new IllegalArgumentException("Dampening must be in (0, 10], got " + dampening + "; the paper uses"
                        + " 0.01.");
            }
            this.dampening = dampening;
            return this;
        }

        /**
         * @param calibration the calibration examples ({@link #build()}'s {@code prune(net)} needs it)
         * @return this builder
         */
        public Builder optCalibration(Calibration calibration) {
            this.calibration = Objects.requireNonNull(calibration, "calibration");
            return this;
        }

        /**
         * @param sequential whether each layer is calibrated on the inputs of the already pruned
         *     earlier layers (default true, as the paper) or all on the dense net's
         * @return this builder
         */
        public Builder optSequential(boolean sequential) {
            this.sequential = sequential;
            return this;
        }

        /**
         * @param names the layers to prune (default every Linear and Conv2d layer)
         * @return this builder
         */
        public Builder optLayers(String... names) {
            if (names != null && names.length == 0) {
                throw new IllegalArgumentException("optLayers() was given no layer names; name at least one, or pass"
                        + " null for every layer.");
            }
            this.layers = names == null ? null : List.of(names);
            return this;
        }

        /** @return the method */
        public SparseGpt build() {
            if (keepN != 0) {
                double fixed = 1 - keepN / (double) m;
                if (!Double.isNaN(sparsity) && Math.abs(sparsity - fixed) > 1e-9) {
                    throw new IllegalStateException("A " + keepN + ":" + m + " pattern fixes the sparsity at " + fixed
                            + ", but setSparsity(" + sparsity + ") asks for another; leave setSparsity out.");
                }
                if (blockSize % m != 0) {
                    throw new IllegalStateException("The block size (" + blockSize + ") must be a multiple of M = " + m
                            + " so that no N:M group spans two blocks.");
                }
                sparsity = fixed;
            }
            if (Double.isNaN(sparsity)) {
                throw new IllegalStateException("setSparsity(...) or optPattern(n, m) is required, e.g. 0.5 or 2:4.");
            }
            return new SparseGpt(this);
        }
    }
}
