package org.prunekit.bench;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prunekit.data.Examples;
import org.prunekit.model.Architecture;
import org.prunekit.model.Layer;
import org.prunekit.model.LayerSpec;
import org.prunekit.model.Net;
import org.prunekit.model.layers.AvgPool;
import org.prunekit.model.layers.Conv;
import org.prunekit.model.layers.Dense;
import org.prunekit.model.layers.Embedding;
import org.prunekit.model.layers.Flatten;
import org.prunekit.model.layers.Gelu;
import org.prunekit.model.layers.GlobalAvgPool;
import org.prunekit.model.layers.LayerNorm;
import org.prunekit.model.layers.Lstm;
import org.prunekit.model.layers.MaxPool;
import org.prunekit.model.layers.Norm;
import org.prunekit.model.layers.PositionEmbedding;
import org.prunekit.model.layers.Relu;
import org.prunekit.model.layers.Residual;
import org.prunekit.model.layers.SelfAttention;
import org.prunekit.model.layers.TimePool;
import org.prunekit.prune.Calibration;

/**
 * The PyTorch peer of the one-shot pruning methods (magnitude, Wanda, SparseGPT):
 * {@code toolkit/benchmark/src/test/python/torch_llm_prune.py}, run on the very float32 weights,
 * (image classifiers, pre-LN transformer language models, LSTM language models and text classifiers
 * pooling over time: the peer builds the same forward in torch),
 * calibration inputs and test examples PruneKit uses, exported to a temporary folder. After the
 * run, the peer's pruned weights and masks can be read back per run and layer.
 */
final class LlmPeer {

    /** The peer script, relative to the repository root. */
    static final String SCRIPT = "toolkit/benchmark/src/test/python/torch_llm_prune.py";

    /**
     * One pruning run of the peer, from the exported weights.
     *
     * @param name the run's name (a folder name)
     * @param method {@code dense}, {@code magnitude}, {@code wanda} or {@code sparsegpt}
     * @param sparsity the sparsity (unstructured)
     * @param n N of N:M (0: unstructured)
     * @param m M of N:M
     * @param calibration the name of an exported calibration set (null for dense and magnitude)
     * @param block SparseGPT's block size
     * @param sequential whether SparseGPT calibrates each layer on the pruned earlier layers' inputs
     */
    record Run(String name, String method, double sparsity, int n, int m, String calibration, int block,
            boolean sequential) {}

    /**
     * What a run gave.
     *
     * @param loss the test loss (NaN without a test set)
     * @param accuracy the test accuracy (NaN without a test set)
     * @param seconds the time pruning took in the peer
     */
    record Outcome(double loss, double accuracy, double seconds) {}

    private final Path dir;
    private final Map<String, Outcome> outcomes;
    private final String torch;

    private LlmPeer(Path dir, Map<String, Outcome> outcomes, String torch) {
        this.dir = dir;
        this.outcomes = outcomes;
        this.torch = torch;
    }

    /**
     * Exports the net, the calibration sets and the test set, and runs the peer.
     *
     * @param peer the peer runner
     * @param net the net (its top-level layers: dense, conv, relu, pooling, flatten)
     * @param calibrations calibration sets by name
     * @param test the test set, or null
     * @param runs what to run
     * @return the peer's results
     */
    static LlmPeer run(Peer peer, Net net, Map<String, Calibration> calibrations, Examples test, List<Run> runs) {
        return run(peer, net, calibrations, test, runs, null, Double.NaN, false);
    }

    /**
     * Exports the net, the calibration sets and the test set, and runs the peer.
     *
     * @param peer the peer runner
     * @param net the net: dense, conv, batch norm, relu, gelu, pooling, flatten, embedding, position
     *     embedding, layer norm, self-attention and residual blocks of these
     * @param calibrations calibration sets by name
     * @param test the test set, or null
     * @param runs what to run
     * @param prune the weight layers to prune (null: every one)
     * @param referenceLoss PruneKit's dense test loss: the peer stops with an error if its own dense
     *     perplexity differs by more than 1e-3 relative (NaN: no check)
     * @param logits whether the peer also writes each run's test logits ({@link #logits})
     * @return the peer's results
     */
    static LlmPeer run(Peer peer, Net net, Map<String, Calibration> calibrations, Examples test, List<Run> runs,
            List<String> prune, double referenceLoss, boolean logits) {
        try {
            Path dir = Files.createTempDirectory("prunekit-llm-peer-");
            JsonObject man = exportNet(dir, net);
            Gson gson = new Gson();
            JsonObject cals = new JsonObject();
            for (Map.Entry<String, Calibration> c : calibrations.entrySet()) {
                cals.add(c.getKey(), writeInputs(dir, "cal-" + c.getKey(), c.getValue().examplesDrawn(), net));
            }
            man.add("calibrations", cals);
            if (test != null) {
                JsonObject t = writeExamples(dir, "test", test, net);
                man.add("test", t);
                if (!Double.isNaN(referenceLoss)) {
                    man.addProperty("reference_loss", referenceLoss);
                }
            }
            if (prune != null) {
                man.add("prune", gson.toJsonTree(prune));
            }
            man.addProperty("logits", logits);
            List<Map<String, Object>> rs = new ArrayList<>();
            for (Run r : runs) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", r.name());
                o.put("method", r.method());
                o.put("sparsity", r.sparsity());
                o.put("n", r.n());
                o.put("m", r.m());
                if (r.calibration() != null) {
                    o.put("calibration", r.calibration());
                }
                o.put("block", r.block());
                o.put("damp", 0.01);
                o.put("sequential", r.sequential());
                rs.add(o);
            }
            man.add("runs", gson.toJsonTree(rs));
            Files.writeString(dir.resolve("manifest.json"), gson.toJson(man));
            String line = peer.runScript(Path.of(SCRIPT), List.of(dir.toString()));
            JsonObject json = JsonParser.parseString(line).getAsJsonObject();
            Map<String, Outcome> out = new LinkedHashMap<>();
            for (Map.Entry<String, com.google.gson.JsonElement> e : json.getAsJsonObject("runs").entrySet()) {
                JsonObject o = e.getValue().getAsJsonObject();
                out.put(e.getKey(), new Outcome(o.has("loss") ? o.get("loss").getAsDouble() : Double.NaN,
                        o.has("accuracy") ? o.get("accuracy").getAsDouble() : Double.NaN,
                        o.get("seconds").getAsDouble()));
            }
            return new LlmPeer(dir, out, json.get("torch").getAsString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot export to the PyTorch peer: " + e.getMessage(), e);
        }
    }

    /**
     * What training in the peer gave, per epoch.
     *
     * @param seconds how long each epoch took
     * @param cpuSeconds the CPU time of the peer's main thread in each epoch (torch runs on it with
     *     one thread): less disturbed than the wall clock on a shared machine
     * @param losses each epoch's mean training loss (batch losses weighted by their examples)
     */
    record Trained(double[] seconds, double[] cpuSeconds, double[] losses) {}

    /**
     * Trains the net in the peer and times it: Adam on mean cross-entropy, in batches, each epoch
     * in the order given (as PruneKit's training draws them), from the net's present weights (the
     * net is not changed). LSTM layers run {@code torch.lstm}, the kernel {@code nn.LSTM} calls.
     *
     * @param peer the peer runner
     * @param net the net (as for {@link #run})
     * @param train the training examples
     * @param orders one permutation of the examples' indices per epoch (its length: the epochs;
     *     the first is a warm-up)
     * @param batchSize examples per batch
     * @param learningRate Adam's learning rate
     * @return the seconds and mean loss of every epoch
     */
    static Trained train(Peer peer, Net net, Examples train, int[][] orders, int batchSize, float learningRate) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("prunekit-llm-train-");
            JsonObject man = exportNet(dir, net);
            JsonObject t = writeExamples(dir, "train", train, net);
            t.addProperty("batch", batchSize);
            t.addProperty("lr", learningRate);
            t.addProperty("epochs", orders.length);
            ByteBuffer b = ByteBuffer.allocate(4 * orders.length * train.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (int[] o : orders) {
                if (o.length != train.size()) {
                    throw new IllegalArgumentException("An epoch's order has " + o.length + " indices for "
                            + train.size() + " examples.");
                }
                b.asIntBuffer().put(o);
                b.position(b.position() + 4 * o.length);
            }
            Files.write(dir.resolve("train-order.bin"), b.array());
            JsonObject order = new JsonObject();
            order.addProperty("file", "train-order.bin");
            order.add("shape", new Gson().toJsonTree(new long[] {orders.length, train.size()}));
            t.add("order", order);
            man.add("train", t);
            Files.writeString(dir.resolve("manifest.json"), new Gson().toJson(man));
            String line = peer.runScript(Path.of(SCRIPT), List.of(dir.toString()));
            JsonObject got = JsonParser.parseString(line).getAsJsonObject().getAsJsonObject("train");
            return new Trained(doubles(got.getAsJsonArray("epoch_seconds")), doubles(got.getAsJsonArray(
                    "epoch_cpu_seconds")), doubles(got.getAsJsonArray("epoch_loss")));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot export to the PyTorch peer: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                deleteTree(dir);
            }
        }
    }

    /**
     * @param examples the training examples
     * @param seed the training seed ({@code TrainConfig.seed()})
     * @param epochs the epochs
     * @return the order in which PruneKit's training visits the examples in each epoch (one
     *     shuffle per epoch from one generator seeded with the training seed, as {@code Training.fit})
     */
    static int[][] trainingOrders(int examples, long seed, int epochs) {
        java.util.Random random = new java.util.Random(seed);
        int[][] out = new int[epochs][];
        for (int e = 0; e < epochs; e++) {
            out[e] = org.prunekit.data.ImageSet.permutation(examples, random);
        }
        return out;
    }

    private static double[] doubles(com.google.gson.JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }

    /** @return a manifest with the net's layers and every parameter, written to {@code dir} */
    static JsonObject exportNet(Path dir, Net net) throws IOException {
        JsonObject man = new JsonObject();
        Gson gson = new Gson();
        man.add("arch", gson.toJsonTree(arch(net.architecture().layers(), net, "")));
        man.add("input_shape", gson.toJsonTree(net.inputShape().getShape()));
        JsonObject params = new JsonObject();
        for (Layer l : net.layers()) {
            if (!l.spec().branches().isEmpty() || l.isWeightPart()) {
                continue;   // containers: their layers are listed themselves
            }
            for (String key : l.block().getDirectParameters().keys()) {
                if (key.equals("present")) {
                    requireAllPresent(l);
                    continue;
                }
                var array = l.parameter(key).getArray();
                params.add(l.name() + "." + key, write(dir, l.name() + "." + key, array.toFloatArray(),
                        array.getShape().getShape()));
            }
        }
        man.add("params", params);
        return man;
    }

    /** @return {"x": inputs, "y": targets ((n) or (n, T) int32)}, written to {@code dir} */
    private static JsonObject writeExamples(Path dir, String name, Examples set, Net net) throws IOException {
        JsonObject t = new JsonObject();
        t.add("x", writeInputs(dir, name + "-x", set, net));
        int[] labels = set.targets();
        ByteBuffer b = ByteBuffer.allocate(4 * labels.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(labels);
        Files.write(dir.resolve(name + "-y.bin"), b.array());
        JsonObject y = new JsonObject();
        y.addProperty("file", name + "-y.bin");
        y.add("shape", new Gson().toJsonTree(set.targetsPerExample() == 1 ? new long[] {labels.length}
                : new long[] {set.size(), set.targetsPerExample()}));
        t.add("y", y);
        return t;
    }

    /** @return the outcome of each run, by name */
    Map<String, Outcome> outcomes() {
        return outcomes;
    }

    /** @return the peer's torch version */
    String torch() {
        return torch;
    }

    /**
     * @param run a run's name
     * @param layer a layer's name
     * @return the layer's weights after the peer pruned them
     */
    float[] weights(String run, String layer) {
        return read(dir.resolve("out").resolve(run).resolve(layer + ".weight.bin"));
    }

    /**
     * @param run a run's name
     * @param layer a layer's name
     * @return the layer's mask in the peer (ones where it did not prune)
     */
    float[] mask(String run, String layer) {
        return read(dir.resolve("out").resolve(run).resolve(layer + ".weight.mask.bin"));
    }

    /**
     * @param run a run's name
     * @return its test logits, flattened (only if the peer was asked to write them)
     */
    float[] logits(String run) {
        return read(dir.resolve("out").resolve(run).resolve("logits.bin"));
    }

    /** Deletes the exported files. */
    void delete() {
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }

    private static float[] read(Path p) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the peer's output " + p + ": " + e.getMessage(), e);
        }
    }

    static JsonObject write(Path dir, String name, float[] values, long[] shape) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Files.write(dir.resolve(name + ".bin"), b.array());
        JsonObject o = new JsonObject();
        o.addProperty("file", name + ".bin");
        o.add("shape", new Gson().toJsonTree(shape));
        return o;
    }

    private static JsonObject writeInputs(Path dir, String name, Examples set, Net net) throws IOException {
        float[] values;
        try (NDManager m = net.manager().newSubManager()) {
            values = set.batch(m, Examples.inOrder(set.size()), 0, set.size(), net.inputShape()).get(0).toFloatArray();
        }
        long[] shape = new long[net.inputShape().dimension() + 1];
        shape[0] = set.size();
        System.arraycopy(net.inputShape().getShape(), 0, shape, 1, shape.length - 1);
        return write(dir, name, values, shape);
    }

    /** The peer's layer norm runs over all channels: a net whose layer norms lost channels is not for it. */
    private static void requireAllPresent(Layer l) {
        for (float v : l.parameter("present").getArray().toFloatArray()) {
            if (v != 1f) {
                throw new IllegalArgumentException("Layer norm " + l.name() + " has absent channels; the PyTorch peer"
                        + " takes dense nets (export before structured pruning).");
            }
        }
    }

    private static void pool(Map<String, Object> o, String kind, Object kernel, Object stride, Object padding) {
        o.put("kind", kind);
        o.put("kernel", kernel);
        o.put("stride", stride);
        o.put("padding", padding);
    }

    /**
     * The layers as the peer builds them (residual blocks hold theirs, named below them).
     *
     * @param entries the layers
     * @param net the net they belong to (for the shapes batch norms normalise)
     * @param prefix the names' prefix inside a residual block ({@code res1.}), else empty
     */
    private static List<Map<String, Object>> arch(List<Architecture.Entry> entries, Net net, String prefix) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Architecture.Entry e : entries) {
            LayerSpec s = e.spec();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", e.name());
            if (s instanceof Dense) {
                o.put("kind", "dense");
            } else if (s instanceof Conv c) {
                o.put("kind", "conv");
                o.put("stride", new int[] {c.strideH(), c.strideW()});
                o.put("padding", new int[] {c.padH(), c.padW()});
                o.put("dilation", c.dilation());
            } else if (s instanceof Relu) {
                o.put("kind", "relu");
            } else if (s instanceof Gelu) {
                o.put("kind", "gelu");
            } else if (s instanceof MaxPool p) {
                pool(o, "maxpool", p.kernel(), p.stride(), p.padding());
            } else if (s instanceof AvgPool p) {
                pool(o, "avgpool", p.kernel(), p.stride(), p.padding());
            } else if (s instanceof Flatten) {
                o.put("kind", "flatten");
            } else if (s instanceof Embedding) {
                o.put("kind", "embedding");
            } else if (s instanceof PositionEmbedding) {
                o.put("kind", "position");
            } else if (s instanceof LayerNorm n) {
                o.put("kind", "layernorm");
                o.put("eps", n.epsilon());
            } else if (s instanceof SelfAttention a && a.bias()) {
                o.put("kind", "attention");
                o.put("heads", a.heads());
                o.put("head_size", a.headSize());
                o.put("causal", a.causal());
            } else if (s instanceof Lstm) {
                o.put("kind", "lstm");
            } else if (s instanceof TimePool p) {
                o.put("kind", "timepool");
                o.put("max", p.max());
            } else if (s instanceof Norm n) {
                o.put("kind", "batchnorm");
                o.put("eps", n.epsilon());
                o.put("images", net.inputShapeOf(prefix + e.name()).dimension() == 4);
            } else if (s instanceof GlobalAvgPool) {
                o.put("kind", "globalavgpool");
            } else if (s instanceof Residual r) {
                o.put("kind", "residual");
                o.put("main", arch(r.main(), net, prefix + e.name() + "."));
                if (!r.shortcut().isEmpty()) {
                    o.put("shortcut", arch(r.shortcut(), net, prefix + e.name() + "."));
                }
            } else {
                throw new IllegalArgumentException("The PyTorch peer builds dense, conv, batch norm, relu, gelu,"
                        + " pooling, global average pooling, flatten, embedding, position embedding, layer norm,"
                        + " self-attention (with biases), LSTM, pooling over time and residual layers, not "
                        + s.description() + " (" + e.name() + ").");
            }
            out.add(o);
        }
        return out;
    }
}
