package org.prunekit.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.prunekit.PruneKit;
import org.prunekit.data.ExampleSplit;
import org.prunekit.data.Examples;
import org.prunekit.data.Vocabulary;
import org.prunekit.train.Trainable;

/**
 * A classifier PruneKit can train and prune: a DJL {@link SequentialBlock} built from an
 * {@link Architecture} (layers as data, residual blocks included), with its input shape, a name,
 * readable layer names and the pruning masks that must survive training.
 *
 * <p>Nets come from the {@link Models} catalogue, from the fluent builder
 * {@link Models#sequential(String, Shape)}, from a DJL block ({@link #of(SequentialBlock, Shape, int)})
 * or from a file ({@link NetIO#load}). They are initialised with a seed when built, so two nets
 * built with the same seed hold the same weights. A net owns native memory (its parameters) and
 * should be {@link #close() closed} when no longer needed (try-with-resources); a net nothing
 * refers to any more (a notebook variable assigned again, a net made inside an expression) is
 * freed by the garbage collector, silently, and notebooks may simply let the kernel end.
 *
 * <p>A net is the container; masks live in {@code MaskSet}, forward passes in {@code Inference}, shape
 * queries in {@code NetShapes}, units as built in {@code UnitsAsBuilt}; {@link #fit}, {@link #evaluate}
 * and {@link #accuracy} come from {@link Trainable}.
 *
 * <pre>{@code
 * Net net = Models.lenet300100();
 * History history = net.fit(data, TrainConfig.epochs(5));
 * Evaluation eval = net.evaluate(data.test());
 * }</pre>
 */
public final class Net implements Trainable, AutoCloseable {

    private final String name;
    private final int numClasses;
    private final long seed;
    private final Model model;
    private Architecture architecture;
    private SequentialBlock block;
    private List<Layer> layers;
    private Graph graph;
    private final MaskSet masks = new MaskSet(this);
    private Inference inference;
    private final UnitsAsBuilt asBuilt = new UnitsAsBuilt();
    private final NetVocabulary vocabulary = new NetVocabulary();

    /**
     * Builds and initialises a net.
     *
     * @param name the net's name
     * @param architecture its layers
     * @param seed the initialisation seed
     * @throws IllegalArgumentException if the layers do not fit together or the output is not
     *     one value per class
     */
    Net(String name, Architecture architecture, long seed) {
        PruneKit.init();
        PruneKit.noGrad();
        this.name = name;
        this.seed = seed;
        this.model = Model.newInstance(name, "PyTorch");
        try {
            PruneKit.seed(seed);
            setBlock(architecture);
            this.numClasses = NetShapes.classes(name, graph);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        asBuilt.record(prunableLayers());
    }

    /**
     * Imports a block built with DJL's own layers ({@code Linear}, {@code Conv2d},
     * {@code BatchNorm}, one-layer batch-first {@code LSTM} and {@code GRU}, activations, pools,
     * {@code Dropout}, {@code Blocks.batchFlattenBlock()},
     * nested {@code SequentialBlock}s, and residual units: a {@code ParallelBlock} of two branches
     * whose outputs are added, optionally followed by ReLU, as in DJL's {@code ResNetV1}). Layers
     * are recognised by what they compute (activations and pools are probed on test inputs), the
     * weights are copied (an uninitialised block is initialised with the seed), and the imported
     * net is checked to give the block's outputs.
     *
     * <p>A block PruneKit does not know is kept as it is ({@link org.prunekit.model.layers.Foreign}): the net
     * still trains, and its Linear/Conv2d layers — also inside such a block — can be pruned per
     * weight; structured pruning of the channels that reach it says which block stops it.
     *
     * @param block the DJL block (not changed; known layers are copied, unknown ones shared)
     * @param inputShape the shape of one input without the batch axis, e.g. {@code (1, 28, 28)}
     * @param classes the number of classes (the block's output width)
     * @return the net, named after the block's class
     * @throws IllegalArgumentException if the block does not take that input or does not give
     *     {@code classes} outputs
     */
    public static Net of(SequentialBlock block, Shape inputShape, int classes) {
        return BlockImport.of(block, inputShape, classes, "Imported-" + block.getClass().getSimpleName(),
                Models.DEFAULT_SEED);
    }

    /**
     * @param block the DJL block
     * @param inputShape the shape of one input without the batch axis
     * @param classes the number of classes
     * @param netName the net's name
     * @param initSeed the seed used if the block is not initialised yet
     * @return the net
     * @see #of(SequentialBlock, Shape, int)
     */
    public static Net of(SequentialBlock block, Shape inputShape, int classes, String netName, long initSeed) {
        return BlockImport.of(block, inputShape, classes, netName, initSeed);
    }

    /** Restores the units count recorded when the net was first built (used when loading). */
    void setOriginalUnits(Map<String, Long> units) {
        asBuilt.putAll(units);
    }

    /**
     * Replaces the block by a rebuilt one (structured pruning), with the masks that go with it.
     * The old parameters are freed.
     */
    void replaceBlock(Architecture newArchitecture, Function<Map<Parameter, Parameter>, Map<Parameter, NDArray>> copy) {
        SequentialBlock old = block;
        List<Parameter> oldParams = parameterList();
        setBlock(newArchitecture);
        List<Parameter> newParams = parameterList();
        Map<Parameter, Parameter> oldToNew = new LinkedHashMap<>();
        for (int k = 0; k < newParams.size(); k++) {
            oldToNew.put(oldParams.get(k), newParams.get(k));
        }
        masks.replaceAll(copy.apply(oldToNew));
        old.getParameters().values().stream().filter(Parameter::isInitialized).forEach(p -> p.getArray().close());
    }

    private void setBlock(Architecture arch) {
        Assembly built = new Assembly(arch); // checks the shapes before DJL sees them, naming the layer at fault
        built.block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(arch.inputShape()));
        model.setBlock(built.block);
        this.block = built.block;
        this.architecture = arch;
        this.layers = built.layers;
        this.graph = built.graph;
        this.inference = new Inference(this, arch, built.block, built.layers, built.graph);
    }

    /** @return the architecture: the layers as data, enough to build the net again */
    public Architecture architecture() {
        return architecture;
    }

    /** @return the spec of every computing layer, in {@link #layers()} order (inside residual blocks too) */
    public List<LayerSpec> specs() {
        return architecture.leaves().stream().map(Architecture.Leaf::spec).toList();
    }

    /**
     * An independent copy: same name, architecture, weights and masks, its own native memory. Use
     * it to try several pruning settings on one trained net; to tell the copies apart in tables
     * and chart legends, name them with {@link #copy(String)}.
     *
     * @return the copy
     * @throws IllegalStateException if the net holds a DJL block PruneKit cannot rebuild
     */
    public Net copy() {
        return copy(name);
    }

    /**
     * An independent copy under another name: the name its {@code History}, sparsity reports,
     * comparisons and chart legends show, e.g. {@code net.copy("LAMP 98 %")}.
     *
     * @param copyName the copy's name
     * @return the copy: same architecture, weights and masks, its own native memory
     * @throws IllegalArgumentException if the name is blank
     * @throws IllegalStateException if the net holds a DJL block PruneKit cannot rebuild
     */
    public Net copy(String copyName) {
        if (copyName == null || copyName.isBlank()) {
            throw new IllegalArgumentException("A net's name cannot be blank; give the copy a name such as \"" + name
                    + " pruned\".");
        }
        PruneKit.noGrad();
        NetShapes.requireRebuildable(this, "copied");
        Net c = new Net(copyName, architecture, seed);
        c.asBuilt.putAll(asBuilt.units());
        c.vocabulary.copyFrom(vocabulary);
        List<Parameter> mine = parameterList();
        List<Parameter> theirs = c.parameterList();
        for (int k = 0; k < mine.size(); k++) {
            Tensors.copy(mine.get(k).getArray(), theirs.get(k).getArray());
            c.masks.copyFrom(masks, mine.get(k), theirs.get(k));
        }
        return c;
    }

    private List<Parameter> parameterList() {
        return block.getParameters().values();
    }

    /** @return the net's name, e.g. {@code LeNet-300-100} */
    @Override
    public String name() {
        return name;
    }

    /** @return the shape of one input (without the batch axis), e.g. {@code (784)} */
    @Override
    public Shape inputShape() {
        return architecture.inputShape();
    }

    /** @return the number of output classes */
    @Override
    public int numClasses() {
        return numClasses;
    }

    /** @return the seed the weights were initialised with */
    public long seed() {
        return seed;
    }

    /** @return the DJL block (live: changing its parameters changes the net) */
    @Override
    public SequentialBlock block() {
        return block;
    }

    /** @return the DJL model that owns the parameters */
    public Model model() {
        return model;
    }

    /** @return the manager that owns the parameters */
    @Override
    public NDManager manager() {
        return model.getNDManager();
    }

    /**
     * @return every computing layer in execution order, with readable names: top-level layers
     *     ({@code conv1}), layers inside residual blocks ({@code res1.conv2}) and Linear/Conv2d
     *     layers inside foreign blocks ({@code block3/01Linear})
     */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * @return the layers pruning can act on, in order: Linear and Conv2d layers, and each weight
     *     matrix of a layer that holds several (an LSTM's {@code lstm1/input} and
     *     {@code lstm1/recurrent}, see {@link WeightPart})
     */
    public List<Layer> prunableLayers() {
        return layers.stream().filter(Layer::isPrunable).toList();
    }

    /**
     * @return the weights of every prunable layer ({@link #prunableLayers()}), in layer order, end to end as one
     *     array (biases and batch norms left out): what a global ranking ranks
     */
    public float[] weightValues() {
        return NetShapes.weightValues(prunableLayers());
    }

    @Override
    public List<Parameter> prunableWeights() {
        return prunableLayers().stream().map(Layer::weight).toList();
    }

    /**
     * @param layerName a layer name such as {@code fc1} or {@code res1.conv2}
     * @return the layer
     * @throws IllegalArgumentException if there is no such layer (the message lists the names)
     */
    public Layer layer(String layerName) {
        for (Layer l : layers) {
            if (l.name().equals(layerName)) {
                return l;
            }
        }
        throw new IllegalArgumentException("Net " + name + " has no layer '" + layerName + "'. Its layers are "
                + layers.stream().map(Layer::name).toList() + ".");
    }

    /**
     * @param layerName a prunable layer
     * @return how many output units it had when the net was built
     */
    public long originalUnits(String layerName) {
        return asBuilt.of(layerName);
    }

    /**
     * The weights of each prunable layer in the net as it was built, before
     * {@link #removePrunedUnits()} shrank it: its output units as built times its inputs as built
     * (the units of the layer before it as built; for a dense layer after a convolution, those
     * channels times the positions flattened into it) times its kernel positions. For a net never
     * shrunk, its current weight counts. The reference of {@code SparsityReport.compression()}.
     *
     * @return layer name → weights as built, in {@link #prunableLayers()} order
     */
    public Map<String, Long> originalWeights() {
        return asBuilt.weights(this, architecture);
    }

    /**
     * @return the output shape of every layer for one input (batch 1), in {@link #layers()}
     *     order; {@code null} for a layer inside a foreign block (its shapes are not known)
     */
    public List<Shape> outputShapes() {
        return NetShapes.outputShapes(layers, graph);
    }

    /**
     * @param layerName a layer
     * @return the shape of its input for one image (batch 1), or null inside a foreign block
     */
    public Shape inputShapeOf(String layerName) {
        Graph.Node n = graph.node(layer(layerName).name());
        return n == null ? null : n.in();
    }

    /**
     * The dependency analysis of structured pruning: which output channels must be removed
     * together because residual connections add them, with the batch norms and consumers they
     * touch.
     *
     * @return the channel groups, one per producer or residual chain
     */
    public ChannelGroups channelGroups() {
        return graph.groups();
    }

    Graph graph() {
        return graph;
    }

    /**
     * @param producer a dense or convolution layer
     * @return the layer whose output is the producer's activation: the last of the batch norms,
     *     activations and dropouts that directly follow it (the producer itself if none do); null
     *     for a layer inside a foreign block
     */
    public String activationOf(String producer) {
        Layer l = layer(producer);
        return graph.node(l.name()) == null ? null : graph.tap(l.name());
    }

    /**
     * @param producer a dense or convolution layer
     * @return the batch norm that directly follows it (before its activation), or null if none does
     */
    public String normAfter(String producer) {
        return graph.normAfter(layer(producer).name());
    }

    /**
     * Physically removes every channel (or unit) whose output is exactly zero wherever it is
     * read, from every member of its channel group at once: the producers' rows and biases, the
     * batch-norm entries, the consumers' inputs. The net gets smaller and faster and computes the
     * same outputs. Remaining masks are kept, sliced to the new shapes.
     *
     * @return how many units were removed per producer layer (layers with none removed are left out)
     * @throws IllegalStateException if a group would lose every channel, or the net holds a block
     *     PruneKit cannot rebuild
     */
    public Map<String, Integer> removePrunedUnits() {
        PruneKit.noGrad();
        return Surgery.removePrunedUnits(this);
    }

    /** @return the number of values in all parameters (batch-norm running statistics included) */
    public long parameterCount() {
        return parameterList().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /**
     * Runs the net on a batch.
     *
     * <p>Image batches of 2 or more run channels-last in memory (see {@link Tensors#channelsLast}):
     * same values, faster convolutions and pooling (unless the net's batch normalisation would be
     * slower for it). A ReLU followed by a max pooling runs as the pooling first, then the ReLU:
     * the same values and gradients (see {@link LayerSpec#commutesWith}).
     *
     * @param x a batch of shape {@code (b, inputShape...)}
     * @param training whether to run in training mode (batch-norm statistics, dropout)
     * @return the logits, of shape {@code (b, numClasses)}, in {@code x}'s manager; records
     *     gradients only inside a gradient collector (call {@link PruneKit#noGrad()} first on a
     *     thread of your own)
     */
    @Override
    public NDArray forward(NDArray x, boolean training) {
        return inference.forward(x, training);
    }

    /** @return whether image batches of 2 or more run channels-last in this net */
    boolean runsChannelsLast() {
        return inference.channelsLast();
    }

    /**
     * Runs the net layer by layer in inference mode and keeps the outputs of some layers — the
     * same computation as {@link #forward(NDArray, boolean)}, in the architecture's order.
     *
     * @param x a batch of shape {@code (b, inputShape...)}
     * @param layerNames the layers whose outputs to keep (not inside foreign blocks)
     * @return the kept outputs by layer name (arrays in {@code x}'s manager), plus the logits under
     *     the key {@code "output"}
     */
    public Map<String, NDArray> forwardWithActivations(NDArray x, Collection<String> layerNames) {
        PruneKit.noGrad();
        return inference.forwardWithActivations(x, layerNames);
    }

    /**
     * Runs the net layer by layer in inference mode and keeps the inputs of some layers (what
     * their weights multiply, before {@link LayerSpec#weightInputs} turns it into input columns):
     * the same computation as {@link #forward(NDArray, boolean)}, in the architecture's order.
     *
     * @param x a batch of shape {@code (b, inputShape...)}
     * @param layerNames the layers whose inputs to keep (not inside foreign blocks)
     * @return the kept inputs by layer name (arrays in {@code x}'s manager), plus the logits under
     *     the key {@code "output"}
     */
    public Map<String, NDArray> forwardWithInputs(NDArray x, Collection<String> layerNames) {
        PruneKit.noGrad();
        return inference.forwardWithInputs(x, layerNames);
    }

    /**
     * The net's raw outputs on a whole set, in inference mode (batches of 500, each in its own
     * native memory scope).
     *
     * @param data the examples
     * @return {@code logits[i][k]}: the score of class {@code k} for target {@code i} (example
     *     {@code i}; for token windows of length {@code T}, position {@code i % T} of window {@code i / T})
     */
    public float[][] logits(Examples data) {
        PruneKit.noGrad();
        return inference.logits(data);
    }

    /**
     * @param data the examples
     * @return the mean softmax cross-entropy per target of the net on them, in inference mode (the
     *     loss training minimises, and whose change the data-driven criteria try to predict; for a
     *     language model the mean per token, whose {@code exp} is the {@link #perplexity})
     */
    public double loss(Examples data) {
        PruneKit.noGrad();
        return inference.loss(data);
    }

    /**
     * @param data the examples
     * @return {@code p[i][k]}: the softmax probability of class {@code k} for target {@code i}
     */
    public float[][] probabilities(Examples data) {
        return Inference.softmax(logits(data));
    }

    /**
     * @return the vocabulary the net reads (given with {@link #setVocabulary}, remembered from the
     *     text it was trained on, or loaded with it by {@link NetIO}); null for a net that does not read text
     */
    public Vocabulary vocabulary() {
        return vocabulary.get();
    }

    /**
     * @param v the vocabulary the net reads (saved with it by {@link NetIO})
     * @throws IllegalArgumentException if an embedding of the net has fewer ids than the vocabulary has tokens
     */
    public void setVocabulary(Vocabulary v) {
        vocabulary.set(this, v);
    }

    /**
     * Checks that the net reads the split's vocabulary (if it has one), and remembers it.
     *
     * @throws IllegalArgumentException if the net was trained on another vocabulary or an embedding
     *     has fewer ids than the vocabulary has tokens
     */
    @Override
    public void prepareFor(ExampleSplit data) {
        vocabulary.prepareFor(this, data);
    }

    /**
     * Registers a 0/1 mask for a parameter; it is multiplied into the parameter now and after
     * every optimizer step, so masked weights stay exactly zero during training. A second mask
     * for the same parameter is combined with the first (element-wise product), so re-pruning
     * only removes more.
     *
     * @param parameter a parameter of this net
     * @param mask a 0/1 array of the parameter's shape
     */
    public void addMask(Parameter parameter, NDArray mask) {
        masks.add(parameter, mask);
    }

    /** @return the registered masks, by parameter (read-only view) */
    @Override
    public Map<Parameter, NDArray> masks() {
        return masks.view();
    }

    /** Removes every mask (the weights stay as they are). */
    public void clearMasks() {
        masks.clear();
    }

    /** Multiplies every registered mask into its parameter; called after each optimizer step. */
    @Override
    public void applyMasks() {
        masks.apply();
    }

    @Override
    public void applyMasksExcept(java.util.Set<Parameter> applied) {
        masks.applyExcept(applied);
    }

    /** @return a multi-line summary: one line per layer with its output shape and parameter shapes */
    public String summary() {
        return NetShapes.summary(this);
    }

    @Override
    public String toString() {
        return summary();
    }

    @Override
    public void close() {
        clearMasks();
        model.close();
    }
}
