package org.prunekit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prunekit.data.Examples;
import org.prunekit.model.layers.Norm;
import org.prunekit.train.Evaluation;

/**
 * How a net runs: the order of its top-level blocks (a ReLU before a max pooling runs after it,
 * see {@link LayerSpec#commutesWith}), the memory layout of image batches (channels-last where it
 * pays), the layer-by-layer run that keeps activations, and whole-set outputs in batches.
 */
final class Inference {

    /** Examples per batch when a whole set is run. */
    private static final int BATCH = 500;

    private final Net net;
    private final Architecture architecture;
    private final List<Block> execution;
    private final List<Layer> leaves;
    private final boolean channelsLast;

    Inference(Net net, Architecture architecture, SequentialBlock block, List<Layer> layers, Graph graph) {
        this.net = net;
        this.architecture = architecture;
        this.execution = executionOrder(architecture, block);
        this.leaves = graph.nodes().stream().map(Graph.Node::layer).toList();
        this.channelsLast = channelsLastPays(layers, graph);
    }

    boolean channelsLast() {
        return channelsLast;
    }

    NDArray forward(NDArray x, boolean training) {
        ParameterStore ps = new ParameterStore(x.getManager(), false);
        if (!training && !channelsLast && Tensors.channelsLast(x) != x) {
            // inference of a net whose batch norms have channel counts ATen's channels-last kernel runs
            // slowly: channels-last anyway, those batch norms as their affine form (see affineNorm)
            return run(architecture.layers(), new int[] {0}, Tensors.channelsLast(x), ps, Set.of(),
                    new LinkedHashMap<>(), false, true);
        }
        NDList y = new NDList(layout(x));
        for (Block b : execution) {
            y = b.forward(ps, y, training);
        }
        return y.singletonOrThrow();
    }

    private NDArray layout(NDArray x) {
        return channelsLast ? Tensors.channelsLast(x) : x;
    }

    /**
     * Whether the channels-last layout pays for this net: unless a batch-normalisation layer over
     * images has a channel count that is not a multiple of 8. ATen's channels-last batch norm
     * vectorises across the channels of a pixel, and with, say, 13 channels (a pruned ResNet-8) it
     * ran ~6x slower than in the default layout, more than the convolutions and pooling gain; with
     * 16, 32 or 64 it is as fast. Nets without batch norm (LeNet-5, pruned or not) always gain.
     * This decides training; in inference such a net still runs channels-last, with those batch
     * norms in their affine form ({@link #affineNorm}).
     */
    private static boolean channelsLastPays(List<Layer> layers, Graph graph) {
        for (Layer l : layers) {
            Graph.Node n = l.isBatchNorm() ? graph.node(l.name()) : null;
            // (1, c, h, w): a batch norm over images, not after a dense layer
            if (n != null && n.out().dimension() == 4 && n.out().get(1) % 8 != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The top-level blocks in the order to run them: the architecture's, except that a layer
     * that commutes with the next one (a ReLU before a max pooling: max(relu(a), relu(b)) =
     * relu(max(a, b)), and the gradients agree too) runs after it, touching a quarter of the
     * values (2x2 pooling). {@link #forwardWithActivations} keeps the architecture's order, so
     * that a ReLU layer's output is what its name says.
     */
    private static List<Block> executionOrder(Architecture arch, SequentialBlock block) {
        List<Block> order = new ArrayList<>(block.getChildren().values());
        List<Architecture.Entry> entries = arch.layers();
        for (int i = 0; i + 1 < entries.size(); i++) {
            if (entries.get(i).spec().commutesWith(entries.get(i + 1).spec())) {
                Collections.swap(order, i, i + 1);
                i++;
            }
        }
        return List.copyOf(order);
    }

    Map<String, NDArray> forwardWithActivations(NDArray x, Collection<String> layerNames) {
        return recorded(x, layerNames, false);
    }

    /**
     * The same layer-by-layer run, keeping what the named layers read instead of what they give:
     * the input each leaf receives (inside a residual block, the branch's running value).
     */
    Map<String, NDArray> forwardWithInputs(NDArray x, Collection<String> layerNames) {
        return recorded(x, layerNames, true);
    }

    private Map<String, NDArray> recorded(NDArray x, Collection<String> layerNames, boolean inputs) {
        for (String n : layerNames) {
            if (net.graph().node(net.layer(n).name()) == null) {
                throw new IllegalArgumentException("Layer " + n + " is inside a foreign block; its " + (inputs
                        ? "input" : "output") + " cannot be observed.");
            }
        }
        Set<String> wanted = Set.copyOf(layerNames);
        Map<String, NDArray> out = new LinkedHashMap<>();
        ParameterStore ps = new ParameterStore(x.getManager(), false);
        int[] next = {0};
        NDArray y = run(architecture.layers(), next, layout(x), ps, wanted, out, inputs, false);
        out.put("output", y);
        return out;
    }

    private NDArray run(List<Architecture.Entry> entries, int[] next, NDArray x, ParameterStore ps,
            Set<String> wanted, Map<String, NDArray> out, boolean inputs, boolean affineNorms) {
        for (Architecture.Entry e : entries) {
            if (e.spec().role().isContainer()) {
                List<List<Architecture.Entry>> branches = e.spec().branches();
                int parallel = e.spec().parallelBranches();
                List<NDArray> ends = new ArrayList<>();
                for (List<Architecture.Entry> branch : branches.subList(0, parallel)) {
                    ends.add(branch.isEmpty() ? x : run(branch, next, x, ps, wanted, out, inputs, affineNorms));
                }
                x = e.spec().combine(ends);
                for (List<Architecture.Entry> branch : branches.subList(parallel, branches.size())) {
                    x = run(branch, next, x, ps, wanted, out, inputs, affineNorms);
                }
                continue;
            }
            Layer l = leaves.get(next[0]++);
            NDArray in = x;
            x = affineNorms && l.spec() instanceof Norm n && x.getShape().dimension() == 4 ? affineNorm(n, l, x)
                    : l.block().forward(ps, new NDList(x), false).singletonOrThrow();
            if (wanted.contains(l.name())) {
                out.put(l.name(), inputs ? in : x);
            }
        }
        return x;
    }

    /**
     * A batch norm over images in inference mode as what it computes, {@code x·α + β} per channel
     * with {@code α = γ/√(σ² + ε)} and {@code β = b − μ·α} (ATen's own inference formula): two
     * element-wise operations that keep a channels-last input channels-last and are vectorised over
     * the whole array whatever the channel count, where ATen's channels-last batch-norm kernel runs
     * counts that are no multiple of 8 (a pruned ResNet's 11, 22, 45) several times slower.
     */
    private static NDArray affineNorm(Norm n, Layer l, NDArray x) {
        long c = x.getShape().get(1);
        NDArray alpha;
        NDArray beta;
        // every intermediate is closed or moved to the pass's manager: none stays with the parameters
        try (NDArray v = l.parameter("runningVar").getArray().add(n.epsilon()); NDArray sd = v.sqrt()) {
            alpha = l.parameter("gamma").getArray().div(sd);
        }
        alpha.attach(x.getManager());
        try (NDArray shift = l.parameter("runningMean").getArray().mul(alpha)) {
            beta = l.parameter("beta").getArray().sub(shift);
        }
        beta.attach(x.getManager());
        return x.mul(alpha.reshape(1, c, 1, 1)).add(beta.reshape(1, c, 1, 1));
    }

    /** @return the mean cross-entropy per target on {@code data}, after checking it has the net's classes */
    double loss(Examples data) {
        Evaluation.requireClasses(net, data);
        return crossEntropy(logits(data), data.targets());
    }

    /** @return one row of class scores per target: per example, or per position of each window */
    float[][] logits(Examples data) {
        int k = net.numClasses();
        int per = data.targetsPerExample();
        float[][] out = new float[Math.multiplyExact(data.size(), per)][];
        int[] order = Examples.inOrder(data.size());
        for (int from = 0; from < order.length; from += BATCH) {
            int to = Math.min(order.length, from + BATCH);
            try (NDManager m = net.manager().newSubManager()) {
                float[] flat = forward(data.batch(m, order, from, to, net.inputShape()).get(0), false).toFloatArray();
                for (int i = 0; i < (to - from) * per; i++) {
                    out[from * per + i] = java.util.Arrays.copyOfRange(flat, i * k, (i + 1) * k);
                }
            }
        }
        return out;
    }

    /** @return the mean softmax cross-entropy of these logits (a row per target) against the targets */
    static double crossEntropy(float[][] z, int[] targets) {
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z[i]) {
                max = Math.max(max, v);
            }
            double norm = 0;
            for (float v : z[i]) {
                norm += Math.exp(v - max);
            }
            sum += Math.log(norm) + max - z[i][targets[i]];
        }
        return sum / z.length;
    }

    /** @return the logits turned into softmax probabilities, in place */
    static float[][] softmax(float[][] z) {
        for (float[] row : z) {
            double max = Double.NEGATIVE_INFINITY;
            for (float v : row) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) Math.exp(row[j] - max);
                sum += row[j];
            }
            for (int j = 0; j < row.length; j++) {
                row[j] /= (float) sum;
            }
        }
        return z;
    }
}
