package org.prunekit.prune;

/** The built-in {@link Importance} criteria. */
final class Criteria {

    private Criteria() {}

    /** Activation criteria cannot score layers whose outputs cannot be observed. */
    static void requireActivations(Importance criterion, LayerStats s, Object activations) {
        if (activations == null) {
            throw new IllegalArgumentException("Criterion '" + criterion.name() + "' needs the activations of layer "
                    + s.layer() + ", which were not measured: its outputs cannot be observed (a layer inside a DJL"
                    + " block PruneKit cannot look into, or one weight matrix of a recurrent layer, whose rows are gates)."
                    + " Use a weight or gradient criterion (magnitude, taylor) for it, or leave it out with optLayers.");
        }
    }

    /** A named criterion: its name, whether it needs data, and its text form. */
    abstract static class Named implements Importance {
        private final String name;
        private final boolean data;

        Named(String name, boolean data) {
            this.name = name;
            this.data = data;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean needsData() {
            return data;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A criterion defined per weight; per unit it sums over the unit's weights. */
    private abstract static class PerWeight extends Named {
        PerWeight(String name, boolean data) {
            super(name, data);
        }

        @Override
        public float[] unitScores(LayerStats s) {
            return s.sumPerUnit(weightScores(s));
        }
    }

    /** A criterion defined per unit from activations; each weight gets its unit's score. */
    private abstract static class PerUnit extends Named {
        PerUnit(String name) {
            super(name, true);
        }

        @Override
        public float[] weightScores(LayerStats s) {
            return s.broadcast(unitScores(s));
        }
    }

    static final Importance L1 = new PerWeight("magnitude-L1", false) {
        @Override
        public float[] weightScores(LayerStats s) {
            float[] out = new float[s.weight().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.abs(s.weight()[i]);
            }
            return out;
        }
    };

    static final Importance L2 = new PerWeight("magnitude-L2", false) {
        @Override
        public float[] weightScores(LayerStats s) {
            float[] out = new float[s.weight().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = s.weight()[i] * s.weight()[i];
            }
            return out;
        }
    };

    static final Importance GRADIENT = new PerWeight("gradient", true) {
        @Override
        public float[] weightScores(LayerStats s) {
            float[] out = new float[s.weight().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.abs(s.gradMean()[i]);
            }
            return out;
        }
    };

    static final Importance GRADIENT_SQUARED = new PerWeight("gradient-squared", true) {
        @Override
        public float[] weightScores(LayerStats s) {
            return s.gradSquaredMean().clone();
        }
    };

    static final Importance TAYLOR = new PerWeight("taylor", true) {
        @Override
        public float[] weightScores(LayerStats s) {
            float[] out = new float[s.weight().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.abs(s.weight()[i] * s.gradMean()[i]);
            }
            return out;
        }

        @Override
        public float[] unitScores(LayerStats s) {
            return s.unitTaylor().clone();
        }
    };

    static final Importance OBD = new PerWeight("obd-hessian", true) {
        @Override
        public float[] weightScores(LayerStats s) {
            float[] out = new float[s.weight().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = 0.5f * s.gradSquaredMean()[i] * s.weight()[i] * s.weight()[i];
            }
            return out;
        }
    };

    /** Wanda: |w|·‖X_j‖₂, compared per output row. */
    static final Importance WANDA = new PerWeight("wanda", true) {
        @Override
        public float[] weightScores(LayerStats s) {
            float[] out = new float[s.weight().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.abs(s.weight()[i]) * s.inputNorm(i);
            }
            return out;
        }

        @Override
        public boolean needsInputs() {
            return true;
        }

        @Override
        public Scope preferredScope() {
            return Scope.ROW;
        }
    };

    static final Importance APOZ = new PerUnit("apoz") {
        @Override
        public float[] unitScores(LayerStats s) {
            requireActivations(this, s, s.zeroFraction());
            float[] out = new float[s.units()];
            for (int u = 0; u < out.length; u++) {
                out[u] = 1f - s.zeroFraction()[u];
            }
            return out;
        }
    };

    /**
     * FPGM (He et al. 2019): a filter near the geometric median of its layer's filters is
     * replaceable by the others. A unit's score is the mean Euclidean distance from its weight
     * vector to every other unit's of its layer; the lowest go first. Each weight gets its unit's
     * score. Within a layer this ranks exactly as the paper's sum of distances; the mean keeps the
     * score independent of the layer's width (with the sum, a 10-unit output layer
     * scores ~30x lower than a 300-unit hidden layer and a global ranking empties it first). Like
     * every unit criterion it is meant for structured, layer-wise pruning (the paper prunes the
     * same share of every layer); used per weight in one global ranking it removes whole units.
     */
    static final Importance FPGM = new Named("fpgm", false) {
        @Override
        public float[] unitScores(LayerStats s) {
            int units = s.units();
            int per = s.perUnit();
            float[] w = s.weight();
            double[] total = new double[units];
            for (int a = 0; a < units; a++) {
                for (int b = a + 1; b < units; b++) {
                    double d = 0;
                    for (int j = 0; j < per; j++) {
                        double diff = w[a * per + j] - w[b * per + j];
                        d += diff * diff;
                    }
                    d = Math.sqrt(d);
                    total[a] += d;
                    total[b] += d;
                }
            }
            float[] out = new float[units];
            for (int u = 0; u < units; u++) {
                out[u] = units > 1 ? (float) (total[u] / (units - 1)) : 0f;
            }
            return out;
        }

        @Override
        public float[] weightScores(LayerStats s) {
            return s.broadcast(unitScores(s));
        }
    };

    /**
     * LAMP (Lee et al. 2021): layer-adaptive magnitude scores for one global ranking. Within a
     * layer, with the squared magnitudes sorted ascending, a weight's score is its squared
     * magnitude divided by the sum of the squared magnitudes of itself and every larger weight.
     * The largest weight of every layer scores 1, so no layer is emptied, and the scores of
     * different layers compare directly. Per unit the same is done with the units' Σw².
     */
    static final Importance LAMP = new Named("lamp", false) {
        @Override
        public float[] weightScores(LayerStats s) {
            return lamp(weightSquares(s));
        }

        @Override
        public float[] unitScores(LayerStats s) {
            return lamp(s.sumPerUnit(weightSquares(s)));
        }

        @Override
        public boolean comparableAcrossLayers() {
            return true;
        }
    };

    private static float[] weightSquares(LayerStats s) {
        float[] sq = new float[s.weight().length];
        for (int i = 0; i < sq.length; i++) {
            sq[i] = s.weight()[i] * s.weight()[i];
        }
        return sq;
    }

    /** score(i) = v(i) / Σ of v over i and every value ranked above it (ascending order, ties by position). */
    static float[] lamp(float[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> values[a] != values[b] ? Float.compare(values[a], values[b])
                : Integer.compare(a, b));
        float[] out = new float[values.length];
        double suffix = 0;
        for (int r = order.length - 1; r >= 0; r--) {
            int i = order[r];
            suffix += values[i];
            out[i] = suffix > 0 ? (float) (values[i] / suffix) : 0f;
        }
        return out;
    }

    /** Uniform random scores, seeded per layer name so that layers differ but runs repeat. */
    static final class Random implements Importance {
        private final long seed;

        Random(long seed) {
            this.seed = seed;
        }

        @Override
        public String name() {
            return "random";
        }

        @Override
        public float[] weightScores(LayerStats s) {
            return draw(s.weight().length, s.layer());
        }

        @Override
        public float[] unitScores(LayerStats s) {
            return draw(s.units(), s.layer() + "/units");
        }

        private float[] draw(int n, String salt) {
            java.util.Random r = new java.util.Random(seed * 31 + salt.hashCode());
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = r.nextFloat();
            }
            return out;
        }

        /** Equal to random scores with the same seed: {@code random(1)} and {@code random(2)} differ. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Random r && r.seed == seed;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(seed) * 31 + 7;
        }

        @Override
        public String toString() {
            return "random (seed " + seed + ")";
        }
    }

    /**
     * Entropy of each unit's activation histogram (Luo and Wu 2017). The values of a unit over
     * all samples are binned into {@code bins} equal-width bins between their minimum and
     * maximum; H = −Σ p·ln p. A unit whose output never changes has H = 0.
     */
    static final class Entropy extends PerUnit {
        private final int bins;

        Entropy(int bins) {
            super("entropy");
            if (bins < 2) {
                throw new IllegalArgumentException("Entropy needs at least 2 histogram bins, got " + bins + ".");
            }
            this.bins = bins;
        }

        @Override
        public float[] unitScores(LayerStats s) {
            float[][] a = s.activations();
            requireActivations(this, s, a);
            int units = s.units();
            float[] out = new float[units];
            int[] hist = new int[bins];
            for (int u = 0; u < units; u++) {
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (float[] sample : a) {
                    min = Math.min(min, sample[u]);
                    max = Math.max(max, sample[u]);
                }
                if (!(max > min)) {
                    out[u] = 0f;
                    continue;
                }
                java.util.Arrays.fill(hist, 0);
                double width = (max - min) / (double) bins;
                for (float[] sample : a) {
                    int b = (int) ((sample[u] - min) / width);
                    hist[Math.min(bins - 1, b)]++;
                }
                out[u] = (float) entropy(hist, a.length);
            }
            return out;
        }

        /**
         * @param hist counts per bin
         * @param total the sum of the counts
         * @return −Σ p ln p in nats
         */
        static double entropy(int[] hist, int total) {
            double h = 0;
            for (int c : hist) {
                if (c > 0) {
                    double p = c / (double) total;
                    h -= p * Math.log(p);
                }
            }
            return h;
        }

        /** Equal to entropy with the same bin count: {@code entropy(8)} and {@code entropy(32)} differ. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Entropy e && e.bins == bins;
        }

        @Override
        public int hashCode() {
            return bins * 31 + 11;
        }

        @Override
        public String toString() {
            return "entropy (" + bins + " bins)";
        }
    }
}
