package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.prunekit.model.layers.LayerKinds;

/**
 * A net's architecture as data: the input shape and the named layers in order, where a container
 * (a {@link org.prunekit.model.layers.Residual residual block}) holds branches of named layers of
 * its own. This is
 * what {@link NetIO} stores beside the weights and checks on load, what {@link Net#copy()} and
 * structured removal rebuild from, and what {@link Models#sequential(String, Shape)} builds.
 *
 * <p>Layers inside a residual block are known by their full names, the block's name and the
 * local name joined by a dot: {@code res1.conv1}, {@code res1.bn2}, {@code res2.proj}.
 *
 * @param inputShape the shape of one input without the batch axis, e.g. {@code (1, 28, 28)}
 * @param layers the top-level layers, in order
 */
public record Architecture(Shape inputShape, List<Entry> layers) {

    /**
     * One named layer.
     *
     * @param name its name (local to its residual block, if it is in one)
     * @param spec what it is
     */
    public record Entry(String name, LayerSpec spec) {
        /** Checks the name. */
        public Entry {
            Objects.requireNonNull(spec, "spec");
            if (name == null || name.isBlank() || !name.equals(name.strip()) || name.contains(" ")) {
                throw new IllegalArgumentException("A layer name must be a non-empty word without spaces, got '" + name
                        + "'.");
            }
        }
    }

    /**
     * A layer that computes something (not a residual block), with its full name.
     *
     * @param name the full name, e.g. {@code res1.conv2}
     * @param spec what it is
     */
    public record Leaf(String name, LayerSpec spec) {}

    /** Copies the layers and checks that every full name is unique. */
    public Architecture {
        Objects.requireNonNull(inputShape, "inputShape");
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("An architecture needs at least one layer.");
        }
        requireUniqueNames(layers, "the net");
        Set<String> seen = new HashSet<>();
        for (Leaf l : leaves(layers, "")) {
            if (!seen.add(l.name())) {
                throw new IllegalArgumentException("Layer name '" + l.name() + "' is used twice; layer names must be"
                        + " unique.");
            }
        }
    }

    /** @return every computing layer in execution order (a residual block's main branch, then its shortcut) */
    public List<Leaf> leaves() {
        return leaves(layers, "");
    }

    private static List<Leaf> leaves(List<Entry> entries, String prefix) {
        List<Leaf> out = new ArrayList<>();
        for (Entry e : entries) {
            String full = prefix + e.name();
            if (e.spec().role().isContainer()) {
                for (List<Entry> branch : e.spec().branches()) {
                    out.addAll(leaves(branch, full + "."));
                }
            } else {
                out.add(new Leaf(full, e.spec()));
            }
        }
        return out;
    }

    /**
     * @param inputShape the shape of one input of a net, without the batch axis
     * @throws IllegalArgumentException if it has an empty axis, or is not a vector, a sequence or an image
     */
    static void requireInputShape(Shape inputShape) {
        for (long d : inputShape.getShape()) {
            if (d < 1) {
                throw new IllegalArgumentException("Input shape " + inputShape + " has an empty axis; give the shape of"
                        + " one input, e.g. new Shape(1, 28, 28) for grey 28x28 images or new Shape(30) for 30 features.");
            }
        }
        if (inputShape.dimension() < 1 || inputShape.dimension() > 3) {
            throw new IllegalArgumentException("Input shape " + inputShape + ": PruneKit nets take vectors (features),"
                    + " sequences (positions, channels) or images (channels, height, width), without the batch axis.");
        }
    }

    /**
     * @param entries layers of one level (the net, or one branch of a container)
     * @param where what they are, for the message
     * @throws IllegalArgumentException if a name is used twice
     */
    public static void requireUniqueNames(List<Entry> entries, String where) {
        Set<String> names = new HashSet<>();
        for (Entry e : entries) {
            if (!names.add(e.name())) {
                throw new IllegalArgumentException("Layer name '" + e.name() + "' is used twice in " + where
                        + "; layer names must be unique.");
            }
        }
    }

    /**
     * @param specs new specs of the leaves, in {@link #leaves()} order
     * @return this architecture's tree with each leaf's spec replaced (names kept)
     */
    Architecture withLeafSpecs(List<LayerSpec> specs) {
        int[] next = {0};
        List<Entry> out = replace(layers, specs, next);
        if (next[0] != specs.size()) {
            throw new IllegalArgumentException(specs.size() + " specs for " + next[0] + " layers.");
        }
        return new Architecture(inputShape, out);
    }

    private static List<Entry> replace(List<Entry> entries, List<LayerSpec> specs, int[] next) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.spec().role().isContainer()) {
                List<List<Entry>> branches = new ArrayList<>();
                for (List<Entry> branch : e.spec().branches()) {
                    branches.add(replace(branch, specs, next));
                }
                out.add(new Entry(e.name(), e.spec().withBranches(branches)));
            } else {
                out.add(new Entry(e.name(), specs.get(next[0]++)));
            }
        }
        return out;
    }

    /** @return whether some layer is a DJL block PruneKit does not know and cannot rebuild */
    public boolean hasForeignBlocks() {
        return leaves().stream().anyMatch(l -> !l.spec().isRebuildable());
    }

    /**
     * @return the architecture as text, one layer per line ({@code name spec}); a residual
     *     block's branches follow it, indented by two spaces. {@link #parse(String)} reads it back.
     */
    public String encode() {
        StringBuilder sb = new StringBuilder("input");
        for (long d : inputShape.getShape()) {
            sb.append(' ').append(d);
        }
        sb.append('\n');
        encode(layers, "", sb);
        return sb.toString();
    }

    private static void encode(List<Entry> entries, String indent, StringBuilder sb) {
        for (Entry e : entries) {
            sb.append(indent).append(e.name()).append(' ').append(e.spec().encode()).append('\n');
            for (List<Entry> branch : e.spec().branches()) {
                encode(branch, indent + "  ", sb);
            }
        }
    }

    /**
     * @param text what {@link #encode()} wrote
     * @return the architecture
     * @throws IllegalArgumentException if the text is not an architecture
     */
    public static Architecture parse(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        if (lines.isEmpty() || !lines.get(0).startsWith("input")) {
            throw new IllegalArgumentException("Not an architecture: it should start with 'input <dims>'.");
        }
        String[] dims = lines.get(0).strip().split("\\s+");
        long[] shape = new long[dims.length - 1];
        try {
            for (int i = 1; i < dims.length; i++) {
                shape[i - 1] = Long.parseLong(dims[i]);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not an input shape: '" + lines.get(0) + "'.", e);
        }
        int[] pos = {1};
        List<Entry> entries = parseEntries(lines, pos, -1);
        if (pos[0] != lines.size()) {
            throw new IllegalArgumentException("Unexpected line in architecture: '" + lines.get(pos[0]) + "'.");
        }
        return new Architecture(new Shape(shape), entries);
    }

    private static List<Entry> parseEntries(List<String> lines, int[] pos, int count) {
        List<Entry> out = new ArrayList<>();
        int indent = pos[0] < lines.size() ? indent(lines.get(pos[0])) : 0;
        while (pos[0] < lines.size() && (count < 0 || out.size() < count)) {
            String line = lines.get(pos[0]);
            if (count < 0 && indent(line) != indent) {
                throw new IllegalArgumentException("Unexpected indentation in architecture: '" + line + "'.");
            }
            String[] p = line.strip().split("\\s+", 2);
            if (p.length < 2) {
                throw new IllegalArgumentException("Not a layer: '" + line + "' (expected 'name spec').");
            }
            pos[0]++;
            int[] sizes = LayerKinds.branchSizes(p[1]);
            if (sizes != null) {
                List<List<Entry>> branches = new ArrayList<>();
                for (int size : sizes) {
                    List<Entry> branch = parseEntries(lines, pos, size);
                    if (branch.size() != size) {
                        throw new IllegalArgumentException("Block '" + p[0] + "' (" + p[1] + ") is cut short.");
                    }
                    branches.add(branch);
                }
                out.add(new Entry(p[0], LayerKinds.decodeContainer(p[1], branches)));
            } else {
                try {
                    out.add(new Entry(p[0], LayerKinds.decode(p[1])));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Layer '" + p[0] + "': " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    @Override
    public String toString() {
        return encode();
    }
}
