package org.prunekit.prune;

/**
 * Criteria made from something given rather than computed from the net: scores given from
 * outside ({@link Importance#fixed}), a criterion known only by name ({@link Importance#reported}),
 * and a criterion renamed or negated. Each is a value: equal when it scores alike.
 */
final class GivenCriteria {

    private GivenCriteria() {}

    /** Scores given from outside, per weight or per unit of each layer. */
    static final class Fixed extends Criteria.Named {
        private final java.util.Map<String, float[]> scores;

        Fixed(String name, java.util.Map<String, float[]> scores) {
            super(checkName(name), false);
            java.util.Map<String, float[]> copy = new java.util.LinkedHashMap<>();
            scores.forEach((k, v) -> copy.put(k, v.clone()));
            this.scores = java.util.Collections.unmodifiableMap(copy);
        }

        private float[] of(LayerStats s) {
            float[] v = scores.get(s.layer());
            if (v == null) {
                throw new IllegalArgumentException("Criterion '" + name() + "' has no scores for layer " + s.layer()
                        + "; it has scores for " + scores.keySet() + ". Give them all, or restrict the pruner with"
                        + " optLayers(...).");
            }
            if (v.length != s.weight().length && v.length != s.units()) {
                throw new IllegalArgumentException("Criterion '" + name() + "' has " + v.length + " scores for layer "
                        + s.layer() + ", which has " + s.weight().length + " weights and " + s.units() + " units.");
            }
            return v;
        }

        @Override
        public float[] weightScores(LayerStats s) {
            float[] v = of(s);
            return v.length == s.weight().length ? v.clone() : s.broadcast(v);
        }

        @Override
        public float[] unitScores(LayerStats s) {
            float[] v = of(s);
            return v.length == s.units() && v.length != s.weight().length ? v.clone() : s.sumPerUnit(v);
        }

        /** Equal to fixed scores with the same name and the same scores per layer. */
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Fixed f) || !f.name().equals(name()) || !f.scores.keySet().equals(scores.keySet())) {
                return false;
            }
            return scores.entrySet().stream().allMatch(e -> java.util.Arrays.equals(e.getValue(), f.scores.get(e.getKey())));
        }

        @Override
        public int hashCode() {
            return name().hashCode() * 31 + scores.keySet().hashCode();
        }
    }

    /**
     * A criterion known only by its name: the criterion of a result measured elsewhere (another
     * tool, a paper). Equal to any other of the same name; it cannot score layers.
     */
    static final class Reported extends Criteria.Named {
        Reported(String name) {
            super(checkName(name), false);
        }

        private IllegalStateException cannot() {
            return new IllegalStateException("Criterion '" + name() + "' is only the name of a result measured"
                    + " elsewhere; it cannot score layers. Use a criterion of Importance (e.g. magnitudeL1()) to prune.");
        }

        @Override
        public float[] weightScores(LayerStats s) {
            throw cannot();
        }

        @Override
        public float[] unitScores(LayerStats s) {
            throw cannot();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reported r && r.name().equals(name());
        }

        @Override
        public int hashCode() {
            return name().hashCode();
        }
    }

    private static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A criterion needs a name, e.g. \"my scores\".");
        }
        return name;
    }

    /** The same criterion under another name. */
    static Importance rename(Importance of, String newName) {
        return new Wrapped(of, checkName(newName), false);
    }

    /** The same criterion with every score negated. */
    static Importance negate(Importance of) {
        return new Wrapped(of, "negated " + of.name(), true);
    }

    private static final class Wrapped implements Importance {
        private final Importance inner;
        private final String name;
        private final boolean negate;

        Wrapped(Importance inner, String name, boolean negate) {
            this.inner = java.util.Objects.requireNonNull(inner, "criterion");
            this.name = name;
            this.negate = negate;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean needsData() {
            return inner.needsData();
        }

        @Override
        public boolean comparableAcrossLayers() {
            return inner.comparableAcrossLayers();
        }

        @Override
        public boolean needsInputs() {
            return inner.needsInputs();
        }

        @Override
        public Scope preferredScope() {
            return inner.preferredScope();
        }

        @Override
        public float[] weightScores(LayerStats s) {
            return sign(inner.weightScores(s));
        }

        @Override
        public float[] unitScores(LayerStats s) {
            return sign(inner.unitScores(s));
        }

        /** Equal to the same criterion under the same name, negated or not alike. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Wrapped w && w.inner.equals(inner) && w.name.equals(name) && w.negate == negate;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(inner, name, negate);
        }

        private float[] sign(float[] v) {
            if (!negate) {
                return v;
            }
            float[] out = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = -v[i];
            }
            return out;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
