package org.prunekit.model.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.prunekit.model.Architecture;
import org.prunekit.model.LayerSpec;

/**
 * Every layer kind, by the keyword its encoding starts with: how a line written by
 * {@link LayerSpec#encode()} is read back ({@link org.prunekit.model.NetIO} files and
 * {@link Architecture#parse(String)}). A new kind registers here, one line.
 */
public final class LayerKinds {

    private static final Map<String, Function<String[], LayerSpec>> LEAVES = new LinkedHashMap<>();
    private static final Map<String, Function<String[], int[]>> CONTAINER_SIZES = new LinkedHashMap<>();
    private static final Map<String, BiFunction<String[], List<List<Architecture.Entry>>, LayerSpec>> CONTAINERS =
            new LinkedHashMap<>();

    static {
        LEAVES.put("dense", Dense::decode);
        LEAVES.put("conv", Conv::decodeSquare);
        LEAVES.put("conv2d", Conv::decodeFull);
        LEAVES.put("depthwise", DepthwiseConv::decode);
        LEAVES.put("batchnorm", Norm::decode);
        LEAVES.put("relu", p -> new Relu());
        LEAVES.put("tanh", p -> new Tanh());
        LEAVES.put("sigmoid", p -> new Sigmoid());
        LEAVES.put("gelu", p -> new Gelu());
        LEAVES.put("leakyrelu", LeakyRelu::decode);
        LEAVES.put("maxpool", MaxPool::decode);
        LEAVES.put("avgpool", AvgPool::decode);
        LEAVES.put("globalavgpool", p -> new GlobalAvgPool());
        LEAVES.put("dropout", Dropout::decode);
        LEAVES.put("flatten", p -> new Flatten());
        LEAVES.put("embedding", Embedding::decode);
        LEAVES.put("timepool", TimePool::decode);
        LEAVES.put("layernorm", LayerNorm::decode);
        LEAVES.put("position", PositionEmbedding::decode);
        LEAVES.put("lstm", Lstm::decode);
        LEAVES.put("gru", Gru::decode);
        CONTAINER_SIZES.put("residual", Residual::branchSizes);
        CONTAINERS.put("residual", Residual::decode);
        CONTAINER_SIZES.put("attention", SelfAttention::branchSizes);
        CONTAINERS.put("attention", SelfAttention::decode);
    }

    private LayerKinds() {}

    /** @return every keyword, leaves and containers */
    public static Set<String> keywords() {
        Set<String> all = new java.util.LinkedHashSet<>(LEAVES.keySet());
        all.addAll(CONTAINERS.keySet());
        return all;
    }

    /**
     * @param line an encoding of a container, e.g. {@code residual 5 2}
     * @return the sizes of its branches (the entries that follow it), or null if the line is not a container
     */
    public static int[] branchSizes(String line) {
        String[] p = tokens(line);
        Function<String[], int[]> f = CONTAINER_SIZES.get(p[0]);
        if (f == null) {
            return null;
        }
        try {
            return f.apply(p);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Not a " + p[0] + " block: '" + line + "'.", e);
        }
    }

    /**
     * @param line an encoding of a container
     * @param branches its branches, already read
     * @return the container
     */
    public static LayerSpec decodeContainer(String line, List<List<Architecture.Entry>> branches) {
        String[] p = tokens(line);
        return CONTAINERS.get(p[0]).apply(p, branches);
    }

    /**
     * @param line a line written by {@link LayerSpec#encode()} for a layer that is not a container
     * @return the spec
     * @throws IllegalArgumentException if the line is not a spec (the message says why)
     */
    public static LayerSpec decode(String line) {
        String[] p = tokens(line);
        if (p[0].equals("foreign")) {
            throw new IllegalArgumentException("the net held a DJL block PruneKit cannot rebuild (" + (p.length > 1
                    ? p[1] : "?") + "); build it again and use NetIO.loadInto(net, file)");
        }
        if (CONTAINERS.containsKey(p[0])) {
            throw new IllegalArgumentException("a " + p[0] + " block is read with its branches by Architecture.parse");
        }
        Function<String[], LayerSpec> f = LEAVES.get(p[0]);
        if (f == null) {
            throw new IllegalArgumentException("unknown layer kind '" + p[0] + "'; known kinds are " + keywords());
        }
        try {
            return f.apply(p);
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("Not a layer spec: '" + line + "' (" + e.getMessage() + ")", e);
        }
    }

    private static String[] tokens(String line) {
        String[] p = line.strip().split("\\s+");
        p[0] = p[0].toLowerCase(Locale.ROOT);
        return p;
    }
}
