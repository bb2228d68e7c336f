package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.prunekit.model.layers.AvgPool;
import org.prunekit.model.layers.Conv;
import org.prunekit.model.layers.Dense;
import org.prunekit.model.layers.DepthwiseConv;
import org.prunekit.model.layers.Dropout;
import org.prunekit.model.layers.Embedding;
import org.prunekit.model.layers.Flatten;
import org.prunekit.model.layers.Gelu;
import org.prunekit.model.layers.GlobalAvgPool;
import org.prunekit.model.layers.Gru;
import org.prunekit.model.layers.LayerNorm;
import org.prunekit.model.layers.LeakyRelu;
import org.prunekit.model.layers.Lstm;
import org.prunekit.model.layers.MaxPool;
import org.prunekit.model.layers.Norm;
import org.prunekit.model.layers.PositionEmbedding;
import org.prunekit.model.layers.Relu;
import org.prunekit.model.layers.Residual;
import org.prunekit.model.layers.SelfAttention;
import org.prunekit.model.layers.Sigmoid;
import org.prunekit.model.layers.Tanh;
import org.prunekit.model.layers.TimePool;

/**
 * Builds a net layer by layer, reading like the model it describes:
 *
 * <pre>{@code
 * Net net = Models.sequential("MyCNN", new Shape(1, 28, 28))
 *         .conv(16, 3).batchNorm().relu().maxPool(2)
 *         .residual(16, 1)                          // two 3x3 convs + BN, identity shortcut, ReLU
 *         .flatten().dense(64).relu().dropout(0.2)
 *         .dense(10)
 *         .build(42);
 * }</pre>
 *
 * <p>Every layer gets a readable name: the one given with {@link #named(String)} right after it,
 * or a generated one ({@code conv1}, {@code bn1}, {@code relu1}, {@code pool1}, {@code fc1},
 * {@code drop1}, {@code res1}, {@code flatten}, ...). Layers inside a residual block are named
 * within it ({@code res1.conv1}, {@code res1.bn2}, the shortcut's {@code res1.sc_conv1}).
 * Shapes are checked as layers are added, so a mistake is reported at the layer that makes it.
 *
 * <p>Defaults follow PyTorch: convolutions have stride 1 and no padding unless given, dense and
 * convolution layers have a bias, pooling windows move by their own size.
 */
public final class NetBuilder {

    private final String netName;
    private final Shape inputShape;
    private final List<Architecture.Entry> entries = new ArrayList<>();
    private final LayerNames names;
    private Shape current;

    NetBuilder(String netName, Shape inputShape) {
        this(netName, inputShape, "");
        if (netName == null || netName.isBlank()) {
            throw new IllegalArgumentException("A net needs a name, e.g. \"MyCNN\".");
        }
        Architecture.requireInputShape(inputShape);
    }

    private NetBuilder(String netName, Shape inputShape, String generatedPrefix) {
        this.netName = netName;
        this.inputShape = Objects.requireNonNull(inputShape, "inputShape");
        this.names = new LayerNames(generatedPrefix);
        this.current = new Shape(1).addAll(inputShape);
    }

    /**
     * A fully connected layer with a bias. On a sequence {@code (T, C)} it acts on the last axis,
     * position by position, giving {@code (T, units)}.
     *
     * @param units output units
     * @return this builder
     * @throws IllegalStateException if the input is not a vector (flatten first)
     */
    public NetBuilder dense(int units) {
        return dense(units, true);
    }

    /**
     * @param units output units
     * @param bias whether the layer has a bias
     * @return this builder
     */
    public NetBuilder dense(int units, boolean bias) {
        if (current.dimension() != 2 && current.dimension() != 3) {
            throw new IllegalStateException("dense(" + units + ") after an output of shape " + current.slice(1)
                    + ": a dense layer takes a vector (or a sequence, position by position). Add flatten() or"
                    + " globalAvgPool() before it.");
        }
        return add(new Dense(units, bias));
    }

    /**
     * A square convolution with stride 1, no padding and a bias.
     *
     * @param filters output channels
     * @param kernel kernel side
     * @return this builder
     */
    public NetBuilder conv(int filters, int kernel) {
        return conv(filters, kernel, 1, 0);
    }

    /**
     * @param filters output channels
     * @param kernel kernel side
     * @param stride stride
     * @param padding zero padding on each side ({@code kernel / 2} keeps the size at stride 1)
     * @return this builder
     */
    public NetBuilder conv(int filters, int kernel, int stride, int padding) {
        return conv(filters, kernel, stride, padding, true);
    }

    /**
     * @param filters output channels
     * @param kernel kernel side
     * @param stride stride
     * @param padding zero padding on each side
     * @param bias whether the layer has a bias (often not, when a batch norm follows)
     * @return this builder
     */
    public NetBuilder conv(int filters, int kernel, int stride, int padding, boolean bias) {
        if (current.dimension() != 4) {
            throw new IllegalStateException("conv(" + filters + ", " + kernel + ") after an output of shape "
                    + current.slice(1) + ": a convolution takes images (channels, height, width).");
        }
        return add(new Conv(filters, kernel, stride, padding, bias));
    }

    /**
     * A depthwise convolution (as in MobileNet): every channel filtered by a {@code kernel x
     * kernel} filter of its own, with a bias; the channels stay where they are. Structured
     * pruning slices its filters with the channels of the group it filters.
     *
     * @param kernel kernel side
     * @param stride stride
     * @param padding zero padding on each side ({@code kernel / 2} keeps the size at stride 1)
     * @return this builder
     */
    public NetBuilder depthwiseConv(int kernel, int stride, int padding) {
        if (current.dimension() != 4) {
            throw new IllegalStateException("depthwiseConv(" + kernel + ", ...) after an output of shape "
                    + current.slice(1) + ": a convolution takes images (channels, height, width).");
        }
        return add(new DepthwiseConv((int) current.get(1), kernel, stride, padding, true));
    }

    /**
     * An LSTM layer ({@link Lstm}): reads a sequence {@code (time, features)} and gives its
     * hidden state at every step, {@code (time, units)}.
     *
     * @param units hidden units
     * @return this builder
     * @throws IllegalStateException if the current output is not a sequence
     */
    public NetBuilder lstm(int units) {
        requireSequence("lstm(" + units + ")");
        return add(new Lstm(units));
    }

    /**
     * A GRU layer ({@link Gru}): reads a sequence {@code (time, features)} and gives its hidden
     * state at every step, {@code (time, units)}.
     *
     * @param units hidden units
     * @return this builder
     * @throws IllegalStateException if the current output is not a sequence
     */
    public NetBuilder gru(int units) {
        requireSequence("gru(" + units + ")");
        return add(new Gru(units));
    }

    /** @return this builder with batch normalisation (per channel after a convolution, per unit after a dense layer) */
    public NetBuilder batchNorm() {
        if (current.dimension() == 3) {
            throw new IllegalStateException("batchNorm() after a sequence " + current.slice(1) + ": batch norm"
                    + " normalises axis 1, the positions of a sequence, not its channels. Use a layer norm.");
        }
        return add(new Norm());
    }

    /** @return this builder with a ReLU */
    public NetBuilder relu() {
        return add(new Relu());
    }

    /** @return this builder with a tanh */
    public NetBuilder tanh() {
        return add(new Tanh());
    }

    /**
     * @return this builder with a sigmoid (channels that pass through it cannot be removed
     *     structurally: it maps zero to one half)
     */
    public NetBuilder sigmoid() {
        return add(new Sigmoid());
    }

    /** @return this builder with a GELU */
    public NetBuilder gelu() {
        return add(new Gelu());
    }

    /**
     * @param alpha the slope below zero, e.g. 0.01
     * @return this builder with a leaky ReLU
     */
    public NetBuilder leakyRelu(float alpha) {
        return add(new LeakyRelu(alpha));
    }

    /**
     * @param kernel window side (the stride is the same)
     * @return this builder with max pooling
     */
    public NetBuilder maxPool(int kernel) {
        return maxPool(kernel, kernel);
    }

    /**
     * @param kernel window side
     * @param stride stride
     * @return this builder with max pooling
     */
    public NetBuilder maxPool(int kernel, int stride) {
        requireImages("maxPool");
        return add(new MaxPool(kernel, stride, 0));
    }

    /**
     * @param kernel window side (the stride is the same)
     * @return this builder with average pooling
     */
    public NetBuilder avgPool(int kernel) {
        return avgPool(kernel, kernel);
    }

    /**
     * @param kernel window side
     * @param stride stride
     * @return this builder with average pooling
     */
    public NetBuilder avgPool(int kernel, int stride) {
        requireImages("avgPool");
        return add(new AvgPool(kernel, stride, 0));
    }

    /** @return this builder with global average pooling: one mean per channel, a vector */
    public NetBuilder globalAvgPool() {
        requireImages("globalAvgPool");
        return add(new GlobalAvgPool());
    }

    /**
     * @param rate the fraction of values dropped in training, in [0, 1); at evaluation the layer is the identity
     * @return this builder with dropout
     */
    public NetBuilder dropout(double rate) {
        return add(new Dropout((float) rate));
    }

    /**
     * A token embedding: each token id of the input {@code (T)} becomes a learned vector of
     * {@code dims} values, giving a sequence {@code (T, dims)}. The net's input is then a batch of
     * token ids {@code (b, T)}, e.g. {@code Models.sequential("TextNet", 64).embedding(vocab, 32)};
     * an id outside {@code [0, vocabulary)} is an error naming it.
     *
     * @param vocabulary the number of token ids (e.g. {@code split.vocabulary().size()})
     * @param dims values per token
     * @return this builder
     * @throws IllegalStateException if the current output is not a sequence of ids {@code (T)}
     */
    public NetBuilder embedding(int vocabulary, int dims) {
        if (current.dimension() != 2) {
            throw new IllegalStateException("embedding(" + vocabulary + ", " + dims + ") after an output of shape "
                    + current.slice(1) + ": an embedding reads token ids, one axis (length); build the net with the"
                    + " input shape of a sequence, e.g. Models.sequential(\"TextNet\", 64) for 64 tokens.");
        }
        return add(new Embedding(vocabulary, dims));
    }

    /**
     * @return this builder with a mean over the time axis: a sequence {@code (T, C)} becomes one
     *     vector {@code (C)} (global average pooling for sequences)
     */
    public NetBuilder timePool() {
        requireSequence("timePool");
        return add(new TimePool(false));
    }

    /** @return this builder with a maximum over the time axis: {@code (T, C)} to {@code (C)} */
    public NetBuilder timeMaxPool() {
        requireSequence("timeMaxPool");
        return add(new TimePool(true));
    }

    /**
     * @return this builder with a flatten: channels × height × width of an image, or positions ×
     *     channels of a sequence, to one vector
     */
    public NetBuilder flatten() {
        return add(new Flatten());
    }

    /** @return this builder with a layer norm over the channels (last axis) of a sequence or vector, epsilon 1e-5 */
    public NetBuilder layerNorm() {
        return add(new LayerNorm());
    }

    /**
     * @param maxLength the longest sequence the net will take
     * @return this builder with a learned position embedding: row {@code t} of a {@code (maxLength, C)}
     *     table added to position {@code t}
     */
    public NetBuilder positionEmbedding(int maxLength) {
        requireSequence("positionEmbedding");
        return add(new PositionEmbedding(maxLength));
    }

    /**
     * Multi-head self-attention over the sequence's {@code C} channels, each head {@code C / heads}
     * wide, with biases; see {@link SelfAttention}.
     *
     * @param heads the number of heads; must divide {@code C}
     * @param causal whether position {@code t} attends only to positions {@code ≤ t} (language models)
     * @return this builder
     * @throws IllegalArgumentException if {@code heads} is below 1 or does not divide {@code C}
     */
    public NetBuilder selfAttention(int heads, boolean causal) {
        requireSequence("selfAttention");
        return add(SelfAttention.over((int) current.get(2), heads, causal));
    }

    /**
     * A pre-LN transformer block (GPT-2's): {@code x + attention(layerNorm(x))}, then
     * {@code x + dense(C)(gelu(dense(mlpUnits)(layerNorm(x))))}, built from the layer kinds (two
     * residual blocks named {@code t1_attn} and {@code t1_mlp} for the first block, holding
     * {@code ln}, {@code sa}; {@code ln}, {@code fc1}, {@code gelu1}, {@code fc2}).
     *
     * @param heads attention heads; must divide the width {@code C}
     * @param mlpUnits hidden units of the block's MLP (often {@code 4·C})
     * @param causal whether attention looks only backwards (language models)
     * @return this builder
     */
    public NetBuilder transformerBlock(int heads, int mlpUnits, boolean causal) {
        requireSequence("transformerBlock");
        int width = (int) current.get(2);
        SelfAttention attention = SelfAttention.over(width, heads, causal);
        String block = "t" + names.count("transformer");
        residual(m -> m.layerNorm().named("ln").add(attention).named("sa")).named(block + "_attn");
        return residual(m -> m.layerNorm().named("ln").dense(mlpUnits).gelu().dense(width)).named(block + "_mlp");
    }

    /**
     * A ResNet basic block followed by a ReLU: {@code relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))}
     * with 3x3 convolutions (padding 1, no bias; the first with the given stride). The shortcut is
     * the identity if the block keeps the shape, else a 1x1 convolution with the stride and a batch
     * norm (a projection).
     *
     * @param filters output channels
     * @param stride stride of the first convolution (2 halves the size)
     * @return this builder
     */
    public NetBuilder residual(int filters, int stride) {
        requireImages("residual");
        boolean identity = stride == 1 && current.get(1) == filters;
        residual(m -> m.conv(filters, 3, stride, 1, false).batchNorm().relu().conv(filters, 3, 1, 1, false).batchNorm(),
                identity ? null : s -> s.conv(filters, 1, stride, 0, false).batchNorm());
        String blockName = entries.get(entries.size() - 1).name();
        return add(new Relu()).named(blockName + ".relu");
    }

    /**
     * A residual block with an identity shortcut: {@code y = main(x) + x}.
     *
     * @param main builds the main branch, e.g. {@code m -> m.dense(64).batchNorm().relu().dense(64)}
     * @return this builder
     */
    public NetBuilder residual(Consumer<NetBuilder> main) {
        return residual(main, null);
    }

    /**
     * A residual block: {@code y = main(x) + shortcut(x)}. Add the activation after it yourself.
     *
     * @param main builds the main branch
     * @param shortcut builds the shortcut branch (null for the identity)
     * @return this builder
     * @throws IllegalArgumentException if the two branches give different shapes
     */
    public NetBuilder residual(Consumer<NetBuilder> main, Consumer<NetBuilder> shortcut) {
        NetBuilder m = branch("");
        main.accept(m);
        if (m.entries.isEmpty()) {
            throw new IllegalArgumentException("The residual block's main branch is empty; add layers to it.");
        }
        List<Architecture.Entry> s = List.of();
        if (shortcut != null) {
            NetBuilder sb = branch("sc_");
            shortcut.accept(sb);
            s = sb.entries;
        }
        return add(new Residual(m.entries, s));
    }

    private NetBuilder branch(String prefix) {
        NetBuilder b = new NetBuilder(netName, inputShape, prefix);
        b.current = current;
        return b;
    }

    /**
     * Names the layer added last.
     *
     * @param name a name without spaces, unique in the net
     * @return this builder
     */
    public NetBuilder named(String name) {
        if (entries.isEmpty()) {
            throw new IllegalStateException("named(\"" + name + "\") must follow a layer.");
        }
        LayerNames.requireUnused(name, entries);
        Architecture.Entry last = entries.remove(entries.size() - 1);
        entries.add(new Architecture.Entry(name, last.spec()));
        return this;
    }

    /**
     * Adds a layer given as data.
     *
     * @param spec the layer
     * @return this builder
     * @throws IllegalArgumentException if the layer cannot take the current output (the message says why)
     */
    public NetBuilder add(LayerSpec spec) {
        String name = names.next(spec, entries);
        Architecture.Entry entry = new Architecture.Entry(name, spec);
        Shape out = Assembly.output(new Architecture(current.slice(1), List.of(entry)));
        entries.add(entry);
        current = out;
        return this;
    }

    private void requireImages(String what) {
        require(4, what, "images (channels, height, width)");
    }

    private void requireSequence(String what) {
        require(3, what, "sequences (time, channels), e.g. after embedding(vocabulary, dims)");
    }

    private void require(int dimension, String what, String takes) {
        if (current.dimension() != dimension) {
            throw new IllegalStateException(what + " after an output of shape " + current.slice(1) + ": it works on "
                    + takes + ".");
        }
    }

    /** @return the shape of one output of the layers so far (without the batch axis) */
    public Shape outputShape() {
        return current.slice(1);
    }

    /** @return the architecture so far, as data */
    public Architecture architecture() {
        return new Architecture(inputShape, entries);
    }

    /** @return the net, initialised with {@value Models#DEFAULT_SEED} */
    public Net build() {
        return build(Models.DEFAULT_SEED);
    }

    /**
     * @param seed the initialisation seed
     * @return the net, its weights initialised from the seed
     * @throws IllegalStateException if the last layer does not give one value per class (or, for a
     *     sequence model such as a language model, one value per position and class)
     */
    public Net build(long seed) {
        if (current.dimension() != 2 && current.dimension() != 3) {
            throw new IllegalStateException("The net ends in an output of shape " + current.slice(1) + "; a classifier"
                    + " must end in one value per class: add flatten() or globalAvgPool() (timePool() for sequences)"
                    + " and dense(classes).");
        }
        // a dropout after the output is allowed; but some dense layer must give the classes
        boolean anyDense = architecture().leaves().stream().anyMatch(l -> l.spec().role() == ChannelRole.DENSE);
        if (!anyDense) {
            throw new IllegalStateException("The net has no dense layer; end it with dense(classes).");
        }
        return new Net(netName, architecture(), seed);
    }

    @Override
    public String toString() {
        return "NetBuilder " + netName + ": " + entries.size() + " layers so far, output " + outputShape();
    }
}
