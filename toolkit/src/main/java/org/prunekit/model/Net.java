package org.prunekit.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prunekit.PruneKit;
import org.prunekit.data.DataSplit;
import org.prunekit.data.ImageSet;
import org.prunekit.train.Evaluation;
import org.prunekit.train.History;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * A small sequential image classifier: a DJL {@link SequentialBlock} with its input shape, a
 * name, readable layer names and the pruning masks that must survive training.
 *
 * <p>Nets come from {@link Models}; they are initialised with a seed when built, so two nets
 * built with the same seed hold the same weights. A net owns native memory (its parameters)
 * and should be {@link #close() closed} when no longer needed; notebooks may simply let the
 * kernel end.
 *
 * <pre>{@code
 * Net net = Models.lenet300100();
 * History history = net.fit(data, TrainConfig.epochs(5));
 * Evaluation eval = net.evaluate(data.test());
 * }</pre>
 */
public final class Net implements AutoCloseable {

    private final String name;
    private final Shape inputShape;
    private final int numClasses;
    private final long seed;
    private final Model model;
    private SequentialBlock block;
    private List<Layer> layers;
    private final Map<Parameter, NDArray> masks = new LinkedHashMap<>();
    private final Map<String, Long> originalUnits = new LinkedHashMap<>();

    Net(String name, List<String> layerNames, List<LayerSpec> specs, Shape inputShape, int numClasses, long seed) {
        PruneKit.init();
        if (layerNames.size() != specs.size()) {
            throw new IllegalArgumentException(layerNames.size() + " layer names for " + specs.size() + " layers.");
        }
        if (java.util.Set.copyOf(layerNames).size() != layerNames.size()) {
            throw new IllegalArgumentException("Layer names must be unique, got " + layerNames + ".");
        }
        this.name = name;
        this.inputShape = inputShape;
        this.numClasses = numClasses;
        this.seed = seed;
        this.model = Model.newInstance(name, "PyTorch");
        PruneKit.seed(seed);
        setBlock(layerNames, specs);
        for (Layer l : prunableLayers()) {
            originalUnits.put(l.name(), l.weight().getArray().getShape().get(0));
        }
    }

    /** Restores the units count recorded when the net was first built (used when loading). */
    void setOriginalUnits(Map<String, Long> units) {
        originalUnits.putAll(units);
    }

    /**
     * Replaces the block by a rebuilt one (structured pruning), with the masks that go with it.
     * The old parameters are freed.
     */
    void replaceBlock(List<LayerSpec> newSpecs, java.util.function.Function<Map<Parameter, Parameter>,
            Map<Parameter, NDArray>> copyInto) {
        List<String> names = layers.stream().map(Layer::name).toList();
        SequentialBlock old = block;
        List<Parameter> oldParams = new ArrayList<>();
        for (Pair<String, Parameter> p : old.getParameters()) {
            oldParams.add(p.getValue());
        }
        setBlock(names, newSpecs);
        Map<Parameter, Parameter> oldToNew = new LinkedHashMap<>();
        int k = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            oldToNew.put(oldParams.get(k++), p.getValue());
        }
        Map<Parameter, NDArray> newMasks = copyInto.apply(oldToNew);
        clearMasks();
        masks.putAll(newMasks);
        for (Pair<String, Parameter> p : old.getParameters()) {
            if (p.getValue().isInitialized()) {
                p.getValue().getArray().close();
            }
        }
    }

    private void setBlock(List<String> layerNames, List<LayerSpec> specs) {
        SequentialBlock newBlock = new SequentialBlock();
        for (LayerSpec spec : specs) {
            newBlock.add(spec.build());
        }
        this.block = newBlock;
        model.setBlock(newBlock);
        newBlock.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(inputShape));
        List<Layer> named = new ArrayList<>();
        int index = 0;
        for (Pair<String, Block> child : newBlock.getChildren()) {
            named.add(new Layer(layerNames.get(index), index, child.getValue(), specs.get(index)));
            index++;
        }
        this.layers = Collections.unmodifiableList(named);
    }

    /** @return the architecture, one spec per layer */
    public List<LayerSpec> specs() {
        return layers.stream().map(Layer::spec).toList();
    }

    /**
     * An independent copy: same architecture, weights and masks, its own native memory. Use it
     * to try several pruning settings on one trained net.
     *
     * @return the copy
     */
    public Net copy() {
        PruneKit.noGrad();
        Net c = new Net(name, layers.stream().map(Layer::name).toList(), specs(), inputShape, numClasses, seed);
        c.originalUnits.putAll(originalUnits);
        List<Parameter> mine = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            mine.add(p.getValue());
        }
        int k = 0;
        for (Pair<String, Parameter> p : c.block.getParameters()) {
            Parameter from = mine.get(k++);
            Tensors.copy(from.getArray(), p.getValue().getArray());
            NDArray mask = masks.get(from);
            if (mask != null) {
                NDArray m = mask.duplicate();
                m.attach(c.manager());
                c.masks.put(p.getValue(), m);
            }
        }
        return c;
    }

    /** @return the net's name, e.g. {@code LeNet-300-100} */
    public String name() {
        return name;
    }

    /** @return the shape of one input (without the batch axis), e.g. {@code (784)} */
    public Shape inputShape() {
        return inputShape;
    }

    /** @return the number of output classes */
    public int numClasses() {
        return numClasses;
    }

    /** @return the seed the weights were initialised with */
    public long seed() {
        return seed;
    }

    /** @return the DJL block (live: changing its parameters changes the net) */
    public SequentialBlock block() {
        return block;
    }

    /** @return the DJL model that owns the parameters */
    public Model model() {
        return model;
    }

    /** @return the manager that owns the parameters */
    public NDManager manager() {
        return model.getNDManager();
    }

    /** @return every top-level layer, in order, with readable names */
    public List<Layer> layers() {
        return layers;
    }

    /** @return the layers pruning can act on (Linear and Conv2d), in order */
    public List<Layer> prunableLayers() {
        return layers.stream().filter(Layer::isPrunable).toList();
    }

    /**
     * @param layerName a layer name such as {@code fc1}
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
        Long n = originalUnits.get(layerName);
        if (n == null) {
            throw new IllegalArgumentException("No prunable layer '" + layerName + "'; prunable layers are "
                    + originalUnits.keySet() + ".");
        }
        return n;
    }

    /** @return the output shape of every layer for one input image, in layer order */
    public List<Shape> outputShapes() {
        List<Shape> out = new ArrayList<>();
        Shape[] shape = {new Shape(1).addAll(inputShape)};
        for (Layer l : layers) {
            shape = l.block().getOutputShapes(shape);
            out.add(shape[0]);
        }
        return out;
    }

    /**
     * Physically removes every unit whose weights and bias are all masked (structured pruning),
     * with the matching inputs of the next layer and batch-norm entries: the net gets smaller and
     * faster and computes the same outputs. Remaining masks are kept, sliced to the new shapes.
     *
     * @return how many units were removed per layer (layers with none removed are left out)
     */
    public Map<String, Integer> removePrunedUnits() {
        PruneKit.noGrad();
        return Surgery.removePrunedUnits(this);
    }

    /** @return the number of trainable values in all parameters */
    public long parameterCount() {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    /**
     * Runs the net on a batch.
     *
     * @param x a batch of shape {@code (b, inputShape...)}
     * @param training whether to run in training mode (batch-norm statistics, dropout)
     * @return the logits, of shape {@code (b, numClasses)}, in {@code x}'s manager; records
     *     gradients only inside a gradient collector (call {@link PruneKit#noGrad()} first on a
     *     thread of your own)
     */
    public NDArray forward(NDArray x, boolean training) {
        ParameterStore ps = new ParameterStore(x.getManager(), false);
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /**
     * Trains the net and prints one progress line per epoch.
     *
     * @param data the train/test split
     * @param config epochs, learning rate and seed
     * @return the per-epoch history
     */
    public History fit(DataSplit data, TrainConfig config) {
        return Training.fit(this, data, config, Progress.console());
    }

    /**
     * @param data images to classify
     * @return accuracy, confusion matrix and per-class precision/recall/F1
     */
    public Evaluation evaluate(ImageSet data) {
        return Evaluation.of(this, data);
    }

    /**
     * @param data images to classify
     * @return the fraction classified correctly
     */
    public double accuracy(ImageSet data) {
        return Evaluation.of(this, data).accuracy();
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
        PruneKit.noGrad();
        NDArray w = parameter.getArray();
        if (!w.getShape().equals(mask.getShape())) {
            throw new IllegalArgumentException("Mask shape " + mask.getShape() + " does not match parameter "
                    + parameter.getName() + " of shape " + w.getShape() + ".");
        }
        // duplicate() is a real copy: toType(..., true) keeps sharing the storage of an array made from a
        // Java array, whose direct buffer the GC may free once the caller closes it
        NDArray owned = mask.getDataType() == DataType.FLOAT32 ? mask.duplicate() : mask.toType(DataType.FLOAT32, true)
                .duplicate();
        owned.attach(manager());
        NDArray old = masks.get(parameter);
        if (old != null) {
            owned.muli(old);
            old.close();
        }
        masks.put(parameter, owned);
        w.muli(owned);
    }

    /** @return the registered masks, by parameter (read-only view) */
    public Map<Parameter, NDArray> masks() {
        return Collections.unmodifiableMap(masks);
    }

    /** Removes every mask (the weights stay as they are). */
    public void clearMasks() {
        masks.values().forEach(NDArray::close);
        masks.clear();
    }

    /** Multiplies every registered mask into its parameter; called after each optimizer step. */
    public void applyMasks() {
        PruneKit.noGrad();
        for (Map.Entry<Parameter, NDArray> e : masks.entrySet()) {
            e.getKey().getArray().muli(e.getValue());
        }
    }

    /** @return a multi-line summary: one line per layer with its parameter shapes */
    public String summary() {
        StringBuilder sb = new StringBuilder(name).append(" (input ").append(inputShape).append(", ")
                .append(String.format("%,d", parameterCount())).append(" parameters)\n");
        for (Layer l : layers) {
            sb.append(String.format("  %-8s %-10s", l.name(), l.kind()));
            for (Pair<String, Parameter> p : l.block().getParameters()) {
                sb.append(' ').append(p.getKey()).append(p.getValue().getArray().getShape());
            }
            sb.append('\n');
        }
        return sb.toString();
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
