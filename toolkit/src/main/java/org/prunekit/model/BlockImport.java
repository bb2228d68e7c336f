package org.prunekit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.recurrent.GRU;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.nn.recurrent.RecurrentBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.prunekit.PruneKit;
import org.prunekit.model.layers.AvgPool;
import org.prunekit.model.layers.Conv;
import org.prunekit.model.layers.Dense;
import org.prunekit.model.layers.DepthwiseConv;
import org.prunekit.model.layers.Flatten;
import org.prunekit.model.layers.Foreign;
import org.prunekit.model.layers.Gelu;
import org.prunekit.model.layers.GlobalAvgPool;
import org.prunekit.model.layers.Gru;
import org.prunekit.model.layers.LeakyRelu;
import org.prunekit.model.layers.Lstm;
import org.prunekit.model.layers.MaxPool;
import org.prunekit.model.layers.Norm;
import org.prunekit.model.layers.Relu;
import org.prunekit.model.layers.Residual;
import org.prunekit.model.layers.Sigmoid;
import org.prunekit.model.layers.Tanh;

/**
 * Turns a DJL block into a PruneKit {@link Architecture}: layers with parameters are read from
 * their settings; blocks without settings (activations, pools and flattens are anonymous lambdas
 * in DJL) are recognised by running them on test inputs and comparing with each candidate; a
 * {@code ParallelBlock} of two branches is a residual block if it adds them (optionally followed
 * by ReLU, as DJL's {@code ResNetV1} does). Anything else is kept as a {@link Foreign}
 * block. The result is checked against the block on random inputs.
 */
final class BlockImport {

    private static final float TOLERANCE = 1e-5f;

    private final NDManager manager;
    private final Random random = new Random(7);
    private final List<Pair<Block, Block>> copies = new ArrayList<>();

    private BlockImport(NDManager manager) {
        this.manager = manager;
    }

    static Net of(SequentialBlock block, Shape inputShape, int classes, String name, long seed) {
        PruneKit.noGrad();
        if (classes < 1) {
            throw new IllegalArgumentException("A classifier needs at least one class, got " + classes + ".");
        }
        Shape batch = new Shape(1).addAll(inputShape);
        Shape[] out;
        try {
            if (!block.isInitialized()) {
                PruneKit.seed(seed);
                // the block belongs to the caller: its parameters live in a manager of its own
                block.initialize(NDManager.newBaseManager(), DataType.FLOAT32, batch);
            }
            out = block.getOutputShapes(new Shape[] {batch});
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The block cannot take inputs of shape " + inputShape + ": "
                    + e.getMessage() + ". Give the shape of one input without the batch axis, e.g. new Shape(1, 28, 28).",
                    e);
        }
        if (out.length != 1 || out[0].dimension() != 2 || out[0].get(1) != classes) {
            throw new IllegalArgumentException("The block gives outputs of shape " + (out.length == 1 ? out[0].slice(1)
                    : java.util.Arrays.toString(out)) + " per input, not " + classes + " class scores.");
        }
        try (NDManager m = PruneKit.init().newBaseManager()) {
            BlockImport imp = new BlockImport(m);
            NetBuilder builder = new NetBuilder(name, inputShape);
            imp.sequence(children(block), builder);
            Net net = new Net(name, builder.architecture(), seed);
            try {
                imp.copyWeights(net);
                imp.verify(block, net, batch);
            } catch (RuntimeException e) {
                net.close();
                throw e;
            }
            return net;
        }
    }

    private static List<Block> children(Block b) {
        List<Block> out = new ArrayList<>();
        for (Pair<String, Block> c : b.getChildren()) {
            out.add(c.getValue());
        }
        return out;
    }

    private void sequence(List<Block> blocks, NetBuilder b) {
        for (Block block : blocks) {
            add(block, b);
        }
    }

    private void add(Block block, NetBuilder b) {
        Shape in = new Shape(1).addAll(b.outputShape());
        if (block instanceof SequentialBlock s) {
            sequence(children(s), b);
        } else if (block instanceof Linear l) {
            Parameter w = l.getParameters().get("weight");
            b.add(new Dense((int) w.getArray().getShape().get(0), l.getParameters().contains("bias")));
            copies.add(new Pair<>(block, null));
        } else if (block instanceof Conv2d c && c.getGroups() == 1 && c.getDilation().get(0) == c.getDilation().get(1)) {
            Shape k = c.getKernelShape();
            Shape st = c.getStride();
            Shape p = c.getPadding();
            b.add(new Conv(c.getFilters(), (int) k.get(0), (int) k.get(1), (int) st.get(0), (int) st.get(1),
                    (int) p.get(0), (int) p.get(1), (int) c.getDilation().get(0), c.isIncludeBias()));
            copies.add(new Pair<>(block, null));
        } else if (block instanceof Conv2d c && c.getGroups() > 1 && c.getGroups() == c.getFilters()
                && in.dimension() == 4 && in.get(1) == c.getFilters() && square(c)) {
            b.add(new DepthwiseConv(c.getFilters(), (int) c.getKernelShape().get(0), (int) c.getStride().get(0),
                    (int) c.getPadding().get(0), c.isIncludeBias()));
            copies.add(new Pair<>(block, null));
        } else if (block instanceof RecurrentBlock rb && recurrentSpec(rb, in) != null) {
            b.add(recurrentSpec(rb, in));
            copies.add(new Pair<>(block, null));
        } else if (block instanceof BatchNorm bn && normSpec(bn) != null) {
            b.add(normSpec(bn));
            copies.add(new Pair<>(block, null));
        } else if (block instanceof Dropout d && field(d, "rate") instanceof Float rate) {
            b.add(new org.prunekit.model.layers.Dropout(rate));
        } else if (block instanceof LambdaBlock lambda) {
            LayerSpec spec = recognise(lambda, in);
            if (spec != null) {
                b.add(spec);
            } else if (!isIdentity(lambda, in)) {
                foreign(block, b);
            }
        } else if (block instanceof ParallelBlock pb && pb.getChildren().size() == 2 && residual(pb, in, b)) {
            return;
        } else {
            foreign(block, b);
        }
    }

    private void foreign(Block block, NetBuilder b) {
        String what = block instanceof LambdaBlock l ? "LambdaBlock \"" + l.getName() + "\"" : block.getClass().getSimpleName();
        if (block instanceof Conv2d c) {
            what = "Conv2d with groups " + c.getGroups();
        }
        b.add(new Foreign(block, what));
    }

    /** @return whether a convolution's kernel, stride and padding are square and it has no dilation */
    private static boolean square(Conv2d c) {
        return c.getKernelShape().get(0) == c.getKernelShape().get(1) && c.getStride().get(0) == c.getStride().get(1)
                && c.getPadding().get(0) == c.getPadding().get(1) && c.getDilation().get(0) == 1
                && c.getDilation().get(1) == 1;
    }

    private static Norm normSpec(BatchNorm bn) {
        Object axis = field(bn, "axis");
        Object eps = field(bn, "epsilon");
        Object momentum = field(bn, "momentum");
        Object center = field(bn, "center");
        Object scale = field(bn, "scale");
        if (Integer.valueOf(1).equals(axis) && eps instanceof Float e && momentum instanceof Float mo
                && Boolean.TRUE.equals(center) && Boolean.TRUE.equals(scale)) {
            return new Norm(e, mo);
        }
        return null;
    }

    /**
     * @return the spec of a DJL LSTM or GRU that is one layer, one direction, batch first, with
     *     biases, no dropout and no state output, reading a sequence; else null (kept as a foreign block)
     */
    private static LayerSpec recurrentSpec(RecurrentBlock rb, Shape in) {
        boolean plain = in.dimension() == 3 && Integer.valueOf(1).equals(field(rb, "numLayers"))
                && Boolean.TRUE.equals(field(rb, "batchFirst")) && Boolean.TRUE.equals(field(rb, "hasBiases"))
                && Boolean.FALSE.equals(field(rb, "bidirectional")) && Boolean.FALSE.equals(field(rb, "returnState"))
                && Float.valueOf(0f).equals(field(rb, "dropRate"));
        if (!plain || !(field(rb, "stateSize") instanceof Long units)) {
            return null;
        }
        if (rb instanceof LSTM) {
            return new Lstm(Math.toIntExact(units));
        }
        return rb instanceof GRU ? new Gru(Math.toIntExact(units)) : null;
    }

    /** @return the value of a field declared by the object's class or one of its superclasses, or null */
    private static Object field(Object o, String name) {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // declared higher up
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    /** A residual unit: two branches whose outputs are added, with or without a ReLU after the sum. */
    private boolean residual(ParallelBlock pb, Shape in, NetBuilder b) {
        List<Block> branches = children(pb);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = probe(m, in);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray y = pb.forward(ps, new NDList(x), false).singletonOrThrow();
            NDArray a = branches.get(0).forward(ps, new NDList(x), false).singletonOrThrow();
            NDArray c = branches.get(1).forward(ps, new NDList(x), false).singletonOrThrow();
            if (!a.getShape().equals(c.getShape()) || !a.getShape().equals(y.getShape())) {
                return false;
            }
            NDArray sum = a.add(c);
            boolean plain = close(y, sum);
            boolean relu = !plain && close(y, sum.getNDArrayInternal().relu());
            if (!plain && !relu) {
                return false;
            }
            List<Block> main = flat(branches.get(0));
            List<Block> shortcut = flat(branches.get(1));
            if (shortcut.size() == 1 && shortcut.get(0) instanceof LambdaBlock l && isIdentity(l, in)) {
                shortcut = List.of();
            }
            List<Block> s = shortcut;
            b.residual(mb -> sequence(main, mb), s.isEmpty() ? null : sb -> sequence(s, sb));
            if (relu) {
                b.relu();
            }
            return true;
        }
    }

    private static List<Block> flat(Block b) {
        if (b instanceof SequentialBlock s) {
            List<Block> out = new ArrayList<>();
            for (Block c : children(s)) {
                out.addAll(flat(c));
            }
            return out;
        }
        return List.of(b);
    }

    /** Identifies an anonymous block by what it computes, or returns null. */
    private LayerSpec recognise(LambdaBlock lambda, Shape in) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = probe(m, in);
            NDArray y = run(lambda, m, x);
            if (y == null) {
                return null;
            }
            if (y.getShape().equals(x.getShape())) {
                if (close(y, x)) {
                    return null; // identity: nothing to add
                }
                for (LayerSpec c : List.of(new Relu(), new Tanh(), new Gelu(),
                        new Sigmoid())) {
                    if (matches(c, m, x, y)) {
                        return c;
                    }
                }
                float alpha = leakySlope(x, y);
                if (!Float.isNaN(alpha) && matches(new LeakyRelu(alpha), m, x, y)) {
                    return new LeakyRelu(alpha);
                }
                return null;
            }
            if (x.getShape().dimension() > 2 && y.getShape().dimension() == 2) {
                if (y.getShape().get(1) == x.getShape().size() / x.getShape().get(0)
                        && matches(new Flatten(), m, x, y)) {
                    return new Flatten();
                }
                if (x.getShape().dimension() == 4 && matches(new GlobalAvgPool(), m, x, y)) {
                    return new GlobalAvgPool();
                }
                return null;
            }
            if (x.getShape().dimension() == 4 && y.getShape().dimension() == 4 && y.getShape().get(1) == x.getShape()
                    .get(1)) {
                return pool(m, x, y);
            }
            return null;
        }
    }

    private boolean isIdentity(LambdaBlock lambda, Shape in) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = probe(m, in);
            NDArray y = run(lambda, m, x);
            return y != null && y.getShape().equals(x.getShape()) && close(x, y);
        }
    }

    private LayerSpec pool(NDManager m, NDArray x, NDArray y) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        for (int k = 1; k <= 8; k++) {
            for (int s = 1; s <= k; s++) {
                for (int p = 0; 2 * p <= k; p++) {
                    if ((h + 2 * p - k) / s + 1 != y.getShape().get(2) || (w + 2 * p - k) / s + 1 != y.getShape().get(3)) {
                        continue;
                    }
                    LayerSpec max = new MaxPool(k, s, p);
                    if (matches(max, m, x, y)) {
                        return max;
                    }
                    LayerSpec avg = new AvgPool(k, s, p);
                    if (matches(avg, m, x, y)) {
                        return avg;
                    }
                }
            }
        }
        return null;
    }

    private static float leakySlope(NDArray x, NDArray y) {
        float[] a = x.toFloatArray();
        float[] b = y.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            if (a[i] < -0.1f) {
                return b[i] / a[i];
            }
        }
        return Float.NaN;
    }

    private static NDArray run(Block block, NDManager m, NDArray x) {
        try {
            return block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean matches(LayerSpec candidate, NDManager m, NDArray x, NDArray y) {
        NDArray z = run(candidate.build(), m, x);
        return z != null && z.getShape().equals(y.getShape()) && close(y, z);
    }

    private static boolean close(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            return false;
        }
        float[] p = a.toFloatArray();
        float[] q = b.toFloatArray();
        for (int i = 0; i < p.length; i++) {
            if (!(Math.abs(p[i] - q[i]) <= TOLERANCE * (1 + Math.abs(p[i])))) {
                return false;
            }
        }
        return true;
    }

    private NDArray probe(NDManager m, Shape in) {
        Shape shape = new Shape(2).addAll(in.slice(1));
        float[] values = new float[(int) shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return m.create(values, shape);
    }

    private void copyWeights(Net net) {
        List<Layer> ours = net.layers().stream().filter(l -> l.spec().isRebuildable() && !l.isWeightPart()
                && !l.block().getParameters().isEmpty()).toList();
        if (ours.size() != copies.size()) {
            throw new IllegalStateException("Import found " + copies.size() + " layers with weights but built "
                    + ours.size() + "; please report this block.");
        }
        for (int i = 0; i < ours.size(); i++) {
            Block from = copies.get(i).getKey();
            Block to = ours.get(i).block();
            for (Pair<String, Parameter> p : to.getParameters()) {
                Parameter source = from.getParameters().get(p.getKey());
                Tensors.copy(source.getArray(), p.getValue().getArray());
            }
        }
    }

    private void verify(SequentialBlock block, Net net, Shape batch) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = probe(m, batch);
            NDArray theirs = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            NDArray mine = net.forward(x, false);
            if (!close(theirs, mine)) {
                throw new IllegalStateException("The imported net does not compute what the block computes (largest"
                        + " difference " + theirs.sub(mine).abs().max().getFloat() + "). Recognised as:\n"
                        + net.summary() + "Please report this block; until then build the net with"
                        + " Models.sequential(...).");
            }
        }
    }
}
