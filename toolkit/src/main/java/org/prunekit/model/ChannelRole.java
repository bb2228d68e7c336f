package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * What a layer kind does to channels, the one thing structured pruning needs to know about it:
 * whether it makes new channels (a producer), keeps each channel where it is (per-channel layers,
 * some with per-channel parameters that are sliced along), spreads them (flatten), adds branches
 * together (a residual block), or stops removal (a sigmoid turns a removed zero into ½; a block
 * PruneKit does not know). Each {@link LayerSpec} kind names its role; the channel groups
 * ({@link Graph}), the zero tracking and slicing of structured removal ({@link Surgery}) and
 * the reports ask the role, never the kind.
 *
 * <table>
 *   <caption>Roles</caption>
 *   <tr><th>role</th><th>channels</th><th>in a structured removal</th><th>kinds</th></tr>
 *   <tr><td>{@link #DENSE}, {@link #CONV}</td><td>opens a new channel space; reads its input's</td>
 *       <td>output rows and bias entries go; input columns go where the input's channels go</td>
 *       <td>dense, conv</td></tr>
 *   <tr><td>{@link #RECURRENT}</td><td>opens a new channel space (last axis); reads its input's last axis</td>
 *       <td>every gate row of a unit goes from both weights and both biases, and the unit's column
 *       of the recurrent weight; input columns go where the input's channels go</td>
 *       <td>LSTM, GRU</td></tr>
 *   <tr><td>{@link #ACTIVATION}</td><td>keeps them, zero stays zero; counts as the producer's activation</td>
 *       <td>nothing to slice</td><td>ReLU, tanh, GELU, leaky ReLU, dropout</td></tr>
 *   <tr><td>{@link #NORM}</td><td>keeps them; counts as the producer's activation</td>
 *       <td>every parameter sliced with the channels</td><td>batch norm</td></tr>
 *   <tr><td>{@link #PER_CHANNEL}</td><td>keeps them, zero stays zero</td><td>nothing to slice</td>
 *       <td>max, average and global average pooling</td></tr>
 *   <tr><td>{@link #PER_CHANNEL_WEIGHTED}</td><td>keeps them (each channel its own filter)</td>
 *       <td>filters and biases sliced with the channels</td><td>depthwise convolution</td></tr>
 *   <tr><td>{@link #FLATTEN}</td><td>keeps them, channel {@code c} becomes features {@code [c·HW, (c+1)·HW)}
 *       of an image, {@code {t·C + c}} of a sequence</td>
 *       <td>nothing to slice</td><td>flatten</td></tr>
 *   <tr><td>{@link #EMBEDDING}</td><td>opens a space of {@code dims} channels on the last axis of a sequence</td>
 *       <td>its table's columns go with the channels (in a residual stream with dense producers)</td>
 *       <td>token embedding</td></tr>
 *   <tr><td>{@link #TIME_POOL}</td><td>keeps them, from the last axis of {@code (b, T, C)} to {@code (b, C)}; zero
 *       stays zero (global average pooling for sequences)</td><td>nothing to slice</td><td>time pooling</td></tr>
 *   <tr><td>{@link #SIGMOID}</td><td>keeps them, but zero becomes ½</td><td>stops removal of what it reads</td>
 *       <td>sigmoid</td></tr>
 *   <tr><td>{@link #FOREIGN}</td><td>unknown</td><td>stops removal on both sides</td><td>a DJL block PruneKit does not know</td></tr>
 *   <tr><td>{@link #RESIDUAL_SUM}</td><td>adds its branches: ties their channel spaces into one group</td>
 *       <td>a channel goes from every branch at once</td><td>residual block</td></tr>
 *   <tr><td>{@link #LAYER_NORM}</td><td>keeps them (normalised over the present ones)</td>
 *       <td>scale, shift and presence sliced; a channel goes once it is absent</td><td>layer norm</td></tr>
 *   <tr><td>{@link #POSITION_TABLE}</td><td>keeps them, adds a column per channel</td>
 *       <td>the table's columns sliced</td><td>position embedding</td></tr>
 *   <tr><td>{@link #ATTENTION}</td><td>its q, k, v projections read the input; their heads are a group
 *       of their own (one channel per head), read by its out projection</td>
 *       <td>a head's q, k, v rows and out columns go together</td><td>self-attention</td></tr>
 * </table>
 *
 * <p>The roles are fixed here; a new layer kind picks the one that describes it (a kind that
 * needs a new role adds it to this class, next to the others).
 */
public abstract class ChannelRole {

    private final String name;
    private final boolean sliced;

    ChannelRole(String name) {
        this(name, false);
    }

    /**
     * @param name the role's name
     * @param sliced whether its layers hold parameters sliced with their channels ({@link #slicedWithChannels()})
     */
    ChannelRole(String name, boolean sliced) {
        this.name = name;
        this.sliced = sliced;
    }

    /**
     * A dense (fully connected) layer: new units; it reads the units of a vector, or the channels
     * (last axis) of a sequence {@code (T, C)} position by position.
     */
    public static final ChannelRole DENSE = new BasicRoles.Producer("dense producer", false);
    /** A convolution: new channels; it reads its input's channels. */
    public static final ChannelRole CONV = new BasicRoles.Producer("convolution producer", true);
    /** A recurrent layer (LSTM, GRU): new units on the last axis, each the gate rows of its weights. */
    public static final ChannelRole RECURRENT = new RecurrentRole();
    /** Element-wise, zero stays zero, part of the producer's activation (ReLU, tanh, dropout, ...). */
    public static final ChannelRole ACTIVATION = new BasicRoles.PerChannel("activation", true, false);
    /** Per-channel scale and shift with statistics (batch norm), part of the producer's activation. */
    public static final ChannelRole NORM = new BasicRoles.PerChannel("batch norm", true, true);
    /** Per channel, zero stays zero, no parameters (pooling). */
    public static final ChannelRole PER_CHANNEL = new BasicRoles.PerChannel("per channel", false, false);
    /** Per channel with a filter and bias of its own for each channel (depthwise convolution). */
    public static final ChannelRole PER_CHANNEL_WEIGHTED = new BasicRoles.PerChannel("per-channel filters", false, true);
    /** Flatten: channel {@code c} becomes the features {@code [c·HW, (c+1)·HW)} (of a sequence: {@code {t·C + c}}). */
    public static final ChannelRole FLATTEN = new BasicRoles.Flatten();
    /**
     * A token embedding: a producer of {@code dims} channels on the last axis of the sequence it
     * gives, channel {@code c} being column {@code c} of its table. Its channels go when a residual
     * stream joins them to dense layers (a transformer's); on their own no criterion scores them.
     */
    public static final ChannelRole EMBEDDING = new SequenceRoles.EmbeddingTable();
    /**
     * Pooling over time: {@code (b, T, C)} to {@code (b, C)}, per channel, zero stays zero; what
     * global average pooling is to images, for sequences (channels on the last axis).
     */
    public static final ChannelRole TIME_POOL = new SequenceRoles.TimePooling();
    /** Element-wise but zero becomes ½: channels it reads cannot be removed. */
    public static final ChannelRole SIGMOID = new BasicRoles.Stop();
    /** A block PruneKit does not know: the channels on both sides of it cannot be removed. */
    public static final ChannelRole FOREIGN = new BasicRoles.Foreign();
    /** A container whose branches' outputs are added: ties their channel spaces. */
    public static final ChannelRole RESIDUAL_SUM = new ContainerRoles.ResidualSum();
    /**
     * Layer norm over the channels that are present: per-channel scale, shift and 0/1 presence,
     * sliced with the channels; a channel can go only once it is absent (see {@link org.prunekit.model.layers.LayerNorm}).
     */
    public static final ChannelRole LAYER_NORM = new SequenceRoles.LayerNormRole();
    /** A learned table added per position and channel (position embedding): column {@code c} goes with channel {@code c}. */
    public static final ChannelRole POSITION_TABLE = new SequenceRoles.PositionTable();
    /**
     * Self-attention: a container of dense projections whose queries, keys and values form a group
     * of heads (one channel per head), read by the output projection.
     */
    public static final ChannelRole ATTENTION = new ContainerRoles.Attention();

    /** @return whether this role makes new channels from its input's (dense, convolution) */
    public boolean producesChannels() {
        return false;
    }

    /** @return whether a channel that is zero before the layer is zero after it */
    public boolean keepsZeros() {
        return false;
    }

    /** @return whether the layer has per-channel parameters sliced along with its channels */
    public boolean slicedWithChannels() {
        return sliced;
    }

    /** @return whether the layer holds other layers in branches (a residual block) */
    public boolean isContainer() {
        return false;
    }

    /**
     * @param layer a layer of this role
     * @param parameter one of its {@link #parametersPerChannel}
     * @return the axis of the parameter that runs over the channels: 0 (rows), unless the kind
     *     keeps a column per channel (a position table)
     */
    public int channelAxis(Layer layer, Parameter parameter) {
        return 0;
    }

    /**
     * The learned parameters that hold one slice per output channel of this layer: what a
     * structured mask zeroes when a channel goes (a producer's weight rows and bias, a batch norm's
     * scale and shift, a depthwise convolution's filters and bias); empty for layers without them.
     *
     * @param layer a layer of this role
     * @return its per-channel parameters, leading axis (or, behind a flatten, blocks of it) per channel
     */
    public List<Parameter> parametersPerChannel(Layer layer) {
        return List.of();
    }

    /**
     * The masks that remove some of a layer's output channels (what a structured plan registers):
     * by default each of {@link #parametersPerChannel} with channel {@code c} owning the
     * {@code c}-th equal block of its values; a recurrent layer masks every gate row of a unit.
     *
     * @param layer a layer of this role
     * @param channelMask per channel, 1 to keep it, 0 to remove it
     * @return per parameter, a 0/1 mask of its values (row-major)
     */
    public Map<Parameter, float[]> channelMasks(Layer layer, float[] channelMask) {
        Map<Parameter, float[]> out = new java.util.LinkedHashMap<>();
        for (Parameter p : parametersPerChannel(layer)) {
            // the axis that follows the channels: the leading one (rows; an attention head's block of
            // rows) or, for a position table, the columns
            int axis = channelAxis(layer, p);
            Shape shape = p.getArray().getShape();
            long inner = 1; // values per index of the axis
            for (int d = axis + 1; d < shape.dimension(); d++) {
                inner *= shape.get(d);
            }
            long perChannel = shape.get(axis) / channelMask.length; // indices of the axis per channel
            float[] values = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = channelMask[(int) (i / inner % shape.get(axis) / perChannel)];
            }
            out.put(p, values);
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }

    // --- what the channel-group analysis (Graph) asks ---------------------------------------------

    /**
     * The channel state after a (leaf) layer.
     *
     * @param walk the analysis, for opening, blocking and joining channel spaces
     * @param name the layer's full name
     * @param spec the layer
     * @param in the state of its input
     * @param out its output shape (batch 1)
     * @return the state of its output
     */
    abstract Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out);

    /**
     * The channel state after a container, from the states its branches ended in.
     *
     * @param walk the analysis
     * @param name the container's full name
     * @param spec the container
     * @param branches the state each branch ended in (the input's for an empty branch)
     * @return the state of its output
     */
    Graph.State combine(Graph.Walk walk, String name, LayerSpec spec, List<Graph.State> branches) {
        throw new IllegalStateException(this + " is not a container.");
    }

    // --- what structured removal (Surgery) asks ---------------------------------------------------

    /**
     * Which output channels (features) of a layer are exactly zero.
     *
     * @param flow the removal's zero tracking (a producer tells it what it reads)
     * @param node the layer in the data flow
     * @param in which input features are exactly zero (null: none known)
     * @return which output features are exactly zero (null: none known)
     */
    abstract boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in);

    /**
     * @param branches which features each branch's output has exactly zero (null: none known)
     * @return which features of the container's output are exactly zero
     */
    boolean[] combineZeros(List<boolean[]> branches) {
        throw new IllegalStateException(this + " is not a container.");
    }

    /**
     * What to keep of each of a layer's parameters when channels go.
     *
     * @param layer the layer
     * @param keepIn the input features kept (null: all)
     * @param keepOut the output channels kept (producers only; null: all)
     * @param slices where to put, per parameter, the indices to keep along each axis
     */
    void slice(Layer layer, int[] keepIn, int[] keepOut, Map<Parameter, int[][]> slices) {
    }

    /**
     * @param spec the layer
     * @param keepIn the input features kept (null: all)
     * @param keepOut the output channels kept (producers only; null: all)
     * @return the layer after the removal (a producer with fewer units, a depthwise convolution
     *     with fewer channels; most layers unchanged)
     */
    LayerSpec resize(LayerSpec spec, int[] keepIn, int[] keepOut) {
        return spec;
    }
}
