package org.prunekit.prune;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a plan ranks, as a {@link Granularity} scored it: per layer (per weight) or per channel
 * group (per unit), the scores, the current mask and the layers a decision touches.
 *
 * @param ranked what is ranked, in layer order
 * @param skipped layers left out, with the reason (N:M: layers whose inputs M does not divide)
 */
record Ranking(List<Ranked> ranked, Map<String, String> skipped) {

    /** Copies the lists. */
    Ranking {
        ranked = List.copyOf(ranked);
        skipped = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
    }

    /**
     * One layer or channel group, scored.
     *
     * @param name the layer's name, or the group's (its first producer)
     * @param shape the weight's shape (per weight), or {@code (channels)} (per unit)
     * @param scores one score per weight or unit, higher = keep
     * @param alive the current mask per weight or unit, 0 = pruned already
     * @param members the layers a decision touches
     */
    record Ranked(String name, Shape shape, float[] scores, float[] alive, List<String> members) {
        /** Copies the members. */
        Ranked {
            members = List.copyOf(members);
        }
    }

    /** @return the scores by layer or group name, in layer order */
    Map<String, float[]> scores() {
        Map<String, float[]> out = new LinkedHashMap<>();
        ranked.forEach(r -> out.put(r.name(), r.scores()));
        return out;
    }

    /**
     * Checks the scores a criterion gave for a layer.
     *
     * @param importance the criterion
     * @param s the layer's statistics
     * @param scores the scores
     * @param expected how many there should be
     * @param unit what they score ({@code weights} or {@code units}), for the message
     * @return the scores
     * @throws IllegalStateException if there are none, too few or too many, or one is not finite
     */
    static float[] checked(Importance importance, LayerStats s, float[] scores, int expected, String unit) {
        if (scores == null || scores.length != expected) {
            throw new IllegalStateException("Criterion '" + importance.name() + "' gave " + (scores == null ? "no"
                    : scores.length) + " scores for layer " + s.layer() + ", which has " + expected + " " + unit + ".");
        }
        checkFinite(s.layer(), "'" + importance.name() + "' scores", scores);
        return scores;
    }

    /**
     * @param layer the layer, for the message
     * @param what what the values are, for the message
     * @param values the values
     * @throws IllegalStateException at the first value that is NaN or infinite
     */
    static void checkFinite(String layer, String what, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalStateException("Layer " + layer + " has a non-finite value (" + values[i] + ") in its "
                        + what + " at position " + i + "; nothing was pruned. Check the training (learning rate too"
                        + " high?) before pruning.");
            }
        }
    }
}
