package org.prunekit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import org.prunekit.model.Architecture;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;
import org.prunekit.model.Tensors;

/**
 * Multi-head scaled dot-product self-attention (Vaswani et al. 2017) over a sequence
 * {@code (b, T, width)}. Three dense projections make the queries, keys and values, each
 * {@code heads·headSize} wide; head {@code h} owns features {@code [h·headSize, (h+1)·headSize)}
 * of each. Every head lets each position take a softmax-weighted mean of the values of the
 * positions it attends to, with weights {@code softmax(q·k/√headSize)}; with {@code causal},
 * position {@code t} attends only to positions {@code ≤ t} (a language model may not look ahead).
 * The heads' results, side by side, go through a fourth dense projection back to {@code width}.
 *
 * <p>The four projections are ordinary dense layers inside this one, named {@code q}, {@code k},
 * {@code v} and {@code out} (e.g. {@code attn1.q}): everything that works on dense layers works on
 * them (masks, N:M patterns, criteria, statistics). {@code q}, {@code k} and {@code v} read the
 * layer's input; {@code out} reads the heads' results.
 *
 * <p>In structured pruning a head is one channel of a group of its own ({@code heads} channels of
 * {@code headSize} features): removing head {@code h} removes its rows of {@code q}, {@code k}
 * and {@code v} and its columns of {@code out}; the scale {@code 1/√headSize} stays. The
 * residual stream's channels are the inputs of {@code q}, {@code k}, {@code v} and the rows of
 * {@code out}.
 *
 * @param width the channels of the input and of the output
 * @param heads the number of heads
 * @param headSize the features of each head's query, key and value
 * @param causal whether position {@code t} attends only to positions {@code ≤ t}
 * @param bias whether the four projections have biases
 */
public record SelfAttention(int width, int heads, int headSize, boolean causal, boolean bias) implements LayerSpec {

    /** Checks the settings. */
    public SelfAttention {
        if (heads < 1) {
            throw new IllegalArgumentException("Self-attention needs at least 1 head, got " + heads + ".");
        }
        Settings.positive(width, "Self-attention's width");
        Settings.positive(headSize, "Self-attention's head size");
    }

    /**
     * Self-attention over {@code width} channels with heads of {@code width / heads} features, as
     * in most transformers.
     *
     * @param width the channels of the input
     * @param heads the number of heads; must divide {@code width}
     * @param causal whether position {@code t} attends only to positions {@code ≤ t}
     * @return the layer, with biases
     * @throws IllegalArgumentException if {@code heads} is below 1 or does not divide {@code width}
     */
    public static SelfAttention over(int width, int heads, boolean causal) {
        if (heads < 1 || width % heads != 0) {
            throw new IllegalArgumentException(heads + " heads do not divide the width " + width + ": each head gets"
                    + " width / heads features, so choose heads among the divisors of " + width + " (e.g. "
                    + largestDivisor(width, Math.max(1, heads)) + "), or give the head size yourself.");
        }
        return new SelfAttention(width, heads, width / heads, causal, true);
    }

    private static int largestDivisor(int width, int atMost) {
        for (int d = Math.min(atMost, width); d > 1; d--) {
            if (width % d == 0) {
                return d;
            }
        }
        return 1;
    }

    @Override
    public Block build() {
        SequentialBlock[] projections = new SequentialBlock[4];
        List<List<Architecture.Entry>> b = branches();
        for (int i = 0; i < 4; i++) {
            projections[i] = new SequentialBlock();
            projections[i].add(b.get(i).get(0).spec().build());
        }
        return new AttentionBlock(this, projections);
    }

    @Override
    public String encode() {
        return "attention " + width + " " + heads + " " + headSize + " " + causal + " " + bias;
    }

    /** @return the sizes of the four branches: one projection each */
    static int[] branchSizes(String[] p) {
        return new int[] {1, 1, 1, 1};
    }

    static SelfAttention decode(String[] p, List<List<Architecture.Entry>> branches) {
        SelfAttention a = new SelfAttention(Settings.integer(p, 1), Settings.integer(p, 2), Settings.integer(p, 3),
                Boolean.parseBoolean(p[4]), Boolean.parseBoolean(p[5]));
        if (!a.branches().equals(branches)) {
            throw new IllegalArgumentException("attention " + a.encode() + " must hold the projections "
                    + a.branches() + ", found " + branches);
        }
        return a;
    }

    /** @return the projections {@code q}, {@code k}, {@code v} (on the input) and {@code out} (on the heads' results) */
    @Override
    public List<List<Architecture.Entry>> branches() {
        Dense inner = new Dense(heads * headSize, bias);
        return List.of(List.of(new Architecture.Entry("q", inner)), List.of(new Architecture.Entry("k", inner)),
                List.of(new Architecture.Entry("v", inner)),
                List.of(new Architecture.Entry("out", new Dense(width, bias))));
    }

    /** @return 3: {@code q}, {@code k} and {@code v} read the input; {@code out} reads what {@link #combine} gives */
    @Override
    public int parallelBranches() {
        return 3;
    }

    /** The layer with its projections resized by structured removal: heads and width follow their units. */
    @Override
    public LayerSpec withBranches(List<List<Architecture.Entry>> branches) {
        int inner = units(branches.get(0));
        if (inner != units(branches.get(1)) || inner != units(branches.get(2)) || inner % headSize != 0) {
            throw new IllegalArgumentException("Self-attention's q, k and v must keep whole heads of " + headSize
                    + " features; got " + inner + ", " + units(branches.get(1)) + " and " + units(branches.get(2)) + ".");
        }
        return new SelfAttention(units(branches.get(3)), inner / headSize, headSize, causal, bias);
    }

    private static int units(List<Architecture.Entry> branch) {
        return ((Dense) branch.get(0).spec()).units();
    }

    /** @param branchOutputs the queries, keys and values @return the heads' results side by side */
    @Override
    public NDArray combine(List<NDArray> branchOutputs) {
        return attend(branchOutputs.get(0), branchOutputs.get(1), branchOutputs.get(2), heads, headSize, causal);
    }

    /**
     * @param q queries {@code (b, T, heads·headSize)}
     * @param k keys, the same shape
     * @param v values, the same shape
     * @param heads the heads
     * @param headSize features per head
     * @param causal whether position {@code t} attends only to positions {@code ≤ t}
     * @return each head's softmax-weighted mean of the values, side by side: {@code (b, T, heads·headSize)}
     */
    static NDArray attend(NDArray q, NDArray k, NDArray v, int heads, int headSize, boolean causal) {
        long b = q.getShape().get(0);
        long t = q.getShape().get(1);
        // the scale through Tensors.times: DJL's mul(number) would leave autograd a scalar the garbage
        // collector may free before the backward pass (the sudden NaN of issue 22, see Tensors.times)
        NDArray qh = Tensors.times(q.reshape(b, t, heads, headSize).transpose(0, 2, 1, 3), 1 / Math.sqrt(headSize));
        NDArray kh = k.reshape(b, t, heads, headSize).transpose(0, 2, 3, 1);
        NDArray vh = v.reshape(b, t, heads, headSize).transpose(0, 2, 1, 3);
        NDArray scores = qh.matMul(kh); // (b, heads, T, T)
        if (causal) {
            scores = scores.add(causalMask(q.getManager(), (int) t));
        }
        return scores.softmax(-1).matMul(vh).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headSize);
    }

    @Override
    public String namePrefix() {
        return "attn";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.ATTENTION;
    }

    /** @return {@code (T, T)}: 0 where position {@code t} may attend to {@code s ≤ t}, −∞ above the diagonal */
    private static NDArray causalMask(NDManager manager, int t) {
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i * t + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(m, new Shape(t, t));
    }

    /** The DJL block: the four projections as child blocks, and the heads between them. */
    static final class AttentionBlock extends AbstractBlock {
        private final SelfAttention spec;
        private final Block[] projections;

        AttentionBlock(SelfAttention spec, SequentialBlock[] projections) {
            super((byte) 1);
            this.spec = spec;
            this.projections = new Block[4];
            String[] names = {"q", "k", "v", "out"};
            for (int i = 0; i < 4; i++) {
                this.projections[i] = addChildBlock(names[i], projections[i]);
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            check(x.getShape());
            NDArray q = projections[0].forward(ps, new NDList(x), training).singletonOrThrow();
            NDArray k = projections[1].forward(ps, new NDList(x), training).singletonOrThrow();
            NDArray v = projections[2].forward(ps, new NDList(x), training).singletonOrThrow();
            NDArray heads = attend(q, k, v, spec.heads(), spec.headSize(), spec.causal());
            return projections[3].forward(ps, new NDList(heads), training);
        }

        private void check(Shape in) {
            if (in.dimension() != 3 || in.get(2) != spec.width()) {
                throw new IllegalArgumentException("self-attention over " + spec.width() + " channels takes sequences"
                        + " (batch, positions, " + spec.width() + "), got " + in + (in.dimension() == 3
                                ? ": build it for the width of its input, e.g. selfAttention(heads, causal)" : ""));
            }
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            for (int i = 0; i < 3; i++) {
                projections[i].initialize(manager, dataType, inputShapes[0]);
            }
            Shape in = inputShapes[0];
            projections[3].initialize(manager, dataType, new Shape(in.get(0), in.get(1),
                    (long) spec.heads() * spec.headSize()));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            check(inputShapes[0]);
            Shape in = inputShapes[0];
            return new Shape[] {new Shape(in.get(0), in.get(1), spec.width())};
        }

        @Override
        public String toString() {
            return "SelfAttention(" + spec.heads() + " heads of " + spec.headSize() + (spec.causal() ? ", causal" : "")
                    + ")";
        }
    }
}
