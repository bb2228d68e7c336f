package org.prunekit.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The readable names {@link NetBuilder} gives layers: the kind's prefix and a running number per
 * prefix ({@code conv1}, {@code conv2}, {@code bn1}; a single {@code flatten}), with the prefix of
 * the branch inside a residual block ({@code sc_conv1}), skipping names already taken.
 */
final class LayerNames {

    private final String branchPrefix;
    private final Map<String, Integer> counters = new HashMap<>();

    /** @param branchPrefix put before every generated name ("" in the net itself, e.g. "sc_" in a shortcut) */
    LayerNames(String branchPrefix) {
        this.branchPrefix = branchPrefix;
    }

    /**
     * @param key what is counted, e.g. "transformer"
     * @return the next number for it, from 1
     */
    int count(String key) {
        return counters.merge(key, 1, Integer::sum);
    }

    /**
     * @param spec the layer being added
     * @param taken the layers so far
     * @return a generated name for it, unique among them
     */
    String next(LayerSpec spec, List<Architecture.Entry> taken) {
        String prefix = spec.namePrefix();
        int n = count(prefix);
        boolean single = !spec.numberedNames();
        String name = branchPrefix + prefix + (single && n == 1 ? "" : String.valueOf(n));
        while (used(name, taken)) {
            n = count(prefix);
            name = branchPrefix + prefix + n;
        }
        return name;
    }

    /** @throws IllegalArgumentException if a layer so far has the name */
    static void requireUnused(String name, List<Architecture.Entry> taken) {
        if (used(name, taken)) {
            throw new IllegalArgumentException("Layer name '" + name + "' is already used; names must be unique.");
        }
    }

    private static boolean used(String name, List<Architecture.Entry> taken) {
        return taken.stream().anyMatch(e -> e.name().equals(name));
    }
}
