package org.prunekit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.prunekit.data.ExampleSplit;
import org.prunekit.data.Examples;
import org.prunekit.notebook.TableFormat;

/**
 * How a result was made, as a value (as Tribuo's provenance objects record how a model was
 * trained): which runner made it, on which net and data, and its settings as typed values — the
 * criteria as {@link org.prunekit.prune.Importance} objects, the granularity, the sparsities as
 * numbers, the fine-tuning as a {@link org.prunekit.train.TrainConfig}, the seed. A result shows it
 * in its notes; code reads a setting back with {@link #get(String, Class)}.
 *
 * <pre>{@code
 * Sweep sweep = SparsitySweep.builder()...build().run(net, data);
 * sweep.provenance().get("granularity", Granularity.class)      // UNSTRUCTURED
 * sweep.provenance()   // Made by SparsitySweep on LeNet-300-100, data MNIST ...: criteria magnitude-L1, ...
 * }</pre>
 *
 * <p>Two results put together (e.g. {@code Sweep.merge}) keep both records: see {@link #merge}.
 *
 * @param runner the runner's name, e.g. {@code "SparsitySweep"}
 * @param net the net's name
 * @param data the data: its name and sizes
 * @param settings the settings by name, in the order given (values are typed: numbers, lists,
 *     criteria, enums, training configurations)
 */
public record RunProvenance(String runner, String net, String data, Map<String, Object> settings) {

    /** Key under which {@link #merge} keeps the records of the merged parts. */
    public static final String PARTS = "parts";

    /** Checks the fields and keeps the settings in their order, unmodifiable. */
    public RunProvenance {
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(data, "data");
        Map<String, Object> copy = new LinkedHashMap<>();
        settings.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "setting name"), Objects.requireNonNull(v,
                () -> "setting " + k + " is null; record 'none' as a value (e.g. 0 epochs)")));
        settings = Collections.unmodifiableMap(copy);
    }

    /**
     * Starts a record.
     *
     * @param runner the runner's name
     * @param net the net's name
     * @param data the data it ran on
     * @return a builder of the settings
     */
    public static Builder builder(String runner, String net, ExampleSplit data) {
        return new Builder(runner, net, describe(data));
    }

    /**
     * Starts a record of work on a test set alone.
     *
     * @param runner the runner's name
     * @param net the net's name (or how many nets)
     * @param test the test set
     * @return a builder of the settings
     */
    public static Builder builder(String runner, String net, Examples test) {
        return new Builder(runner, net, test.name() + ", " + TableFormat.number((long) test.size()) + " examples");
    }

    /**
     * A record of a result made elsewhere or by hand, known only by its description.
     *
     * @param net the net's name
     * @param data the data's name
     * @param description how it was made, in words
     * @return the record (runner {@code "given"})
     */
    public static RunProvenance given(String net, String data, String description) {
        return new RunProvenance("given", net, data, Map.of("description", description));
    }

    /** @return e.g. {@code MNIST (train 8,000, test 2,000, batch 64, seed 42)} */
    private static String describe(ExampleSplit data) {
        return data.dataName() + " (train " + TableFormat.number((long) data.train().size()) + ", test "
                + TableFormat.number((long) data.test().size()) + ", batch " + data.batchSize() + ", seed "
                + data.seed() + ")";
    }

    /**
     * @param key a setting's name
     * @return its value
     * @throws IllegalArgumentException if there is no such setting (the message lists them)
     */
    public Object get(String key) {
        Object v = settings.get(key);
        if (v == null) {
            throw new IllegalArgumentException("No setting '" + key + "' in the provenance of this " + runner
                    + " result; it has " + settings.keySet() + ".");
        }
        return v;
    }

    /**
     * @param key a setting's name
     * @param type its type
     * @param <T> the type
     * @return its value
     * @throws IllegalArgumentException if there is no such setting or it has another type
     */
    public <T> T get(String key, Class<T> type) {
        Object v = get(key);
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("Setting '" + key + "' is a " + v.getClass().getSimpleName() + ", not a "
                    + type.getSimpleName() + ".");
        }
        return type.cast(v);
    }

    /** @return the records of the parts of a merged result; just this one if it was not merged */
    @SuppressWarnings("unchecked")
    public List<RunProvenance> parts() {
        return settings.containsKey(PARTS) ? (List<RunProvenance>) settings.get(PARTS) : List.of(this);
    }

    /**
     * The record of two results put together: this one if both are equal, else a record whose
     * {@link #parts()} are both (flattened).
     *
     * @param other the other result's record
     * @return the record of the union
     */
    public RunProvenance merge(RunProvenance other) {
        if (equals(other)) {
            return this;
        }
        List<RunProvenance> parts = new ArrayList<>(parts());
        parts.addAll(other.parts());
        String d = data.equals(other.data) ? data : data + "; " + other.data;
        String n = net.equals(other.net) ? net : net + "; " + other.net;
        return new RunProvenance("merged", n, d, Map.of(PARTS, List.copyOf(parts)));
    }

    /** @return one note per part: the runner, net and data, then each setting as "name value" */
    public List<String> notes() {
        return parts().stream().map(RunProvenance::line).toList();
    }

    private String line() {
        String s = settings.entrySet().stream().map(e -> e.getKey() + " " + format(e.getValue()))
                .collect(Collectors.joining("; "));
        return "Made by " + runner + " on " + net + ", data " + data + (s.isEmpty() ? "." : ": " + s + ".");
    }

    private static String format(Object v) {
        if (v instanceof Collection<?> c) {
            return c.stream().map(RunProvenance::format).collect(Collectors.joining(", "));
        }
        if (v instanceof double[] d) {
            return format(java.util.Arrays.stream(d).boxed().toList());
        }
        if (v instanceof int[] d) {
            return format(java.util.Arrays.stream(d).boxed().toList());
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d)
                    : stripZeros(TableFormat.number(d));
        }
        String text = TableFormat.value(v);
        // constants (Scope.GLOBAL, Granularity.STRUCTURED) read as words
        return text.matches("[A-Z][A-Z_]+") ? text.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') : text;
    }

    private static String stripZeros(String s) {
        return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "") : s;
    }

    @Override
    public String toString() {
        return String.join("\n", notes());
    }

    /** Collects the settings of a record, in order. */
    public static final class Builder {
        private final String runner;
        private final String net;
        private final String data;
        private final Map<String, Object> settings = new LinkedHashMap<>();

        Builder(String runner, String net, String data) {
            this.runner = runner;
            this.net = net;
            this.data = data;
        }

        /**
         * @param key the setting's name, e.g. {@code "sparsities"}
         * @param value its value (arrays of numbers are kept as lists)
         * @return this builder
         */
        public Builder add(String key, Object value) {
            Object v = value;
            if (value instanceof double[] d) {
                v = java.util.Arrays.stream(d).boxed().toList();
            } else if (value instanceof int[] d) {
                v = java.util.Arrays.stream(d).boxed().toList();
            } else if (value instanceof Object[] a) {
                v = List.of(a);
            } else if (value instanceof Collection<?> c) {
                v = List.copyOf(c);
            }
            settings.put(key, v);
            return this;
        }

        /** @return the record */
        public RunProvenance build() {
            return new RunProvenance(runner, net, data, settings);
        }
    }
}
