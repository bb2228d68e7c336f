package org.prunekit.prune;

/** The built-in {@link Importance} criteria. */
final class Criteria {

    private Criteria() {}

    /** Activation criteria cannot score layers whose outputs cannot be observed. */
    static void requireActivations(Importance criterion, LayerStats s, Object activations) {
        if (activations == null) {
            throw new IllegalArgumentException("Criterion '" + criterion.name() + "' needs the activations of layer "
                    + s.layer() + ", which were not measured: it is inside a DJL block PruneKit cannot look into."
                    + " Use a weight or gradient criterion (magnitude, taylor) for it, or leave it out with optLayers.");
        }
    }

    /** A named criterion: its name, whether it needs data, and its text form. */
    private abstract static class Named implements Importance {
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

        @Override
        public String toString() {
            return "random(seed " + seed + ")";
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

        @Override
        public String toString() {
            return "entropy(" + bins + " bins)";
        }
    }
}
