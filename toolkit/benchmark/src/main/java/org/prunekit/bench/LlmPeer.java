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
import org.prunekit.data.ImageSet;
import org.prunekit.model.Architecture;
import org.prunekit.model.Layer;
import org.prunekit.model.LayerSpec;
import org.prunekit.model.Net;
import org.prunekit.model.layers.AvgPool;
import org.prunekit.model.layers.Conv;
import org.prunekit.model.layers.Dense;
import org.prunekit.model.layers.Flatten;
import org.prunekit.model.layers.MaxPool;
import org.prunekit.model.layers.Relu;
import org.prunekit.prune.Calibration;

/**
 * The PyTorch peer of the one-shot pruning methods (magnitude, Wanda, SparseGPT):
 * {@code toolkit/benchmark/src/test/python/torch_llm_prune.py}, run on the very float32 weights,
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
    static LlmPeer run(Peer peer, Net net, Map<String, Calibration> calibrations, ImageSet test, List<Run> runs) {
        try {
            Path dir = Files.createTempDirectory("prunekit-llm-peer-");
            JsonObject man = new JsonObject();
            Gson gson = new Gson();
            man.add("arch", gson.toJsonTree(arch(net)));
            man.add("input_shape", gson.toJsonTree(net.inputShape().getShape()));
            JsonObject params = new JsonObject();
            for (Layer l : net.prunableLayers()) {
                params.add(l.name() + ".weight", write(dir, l.name() + ".weight", l.weightValues(),
                        l.weight().getArray().getShape().getShape()));
                if (l.bias() != null) {
                    params.add(l.name() + ".bias", write(dir, l.name() + ".bias", l.biasValues(),
                            l.bias().getArray().getShape().getShape()));
                }
            }
            man.add("params", params);
            JsonObject cals = new JsonObject();
            for (Map.Entry<String, Calibration> c : calibrations.entrySet()) {
                cals.add(c.getKey(), writeImages(dir, "cal-" + c.getKey(), (org.prunekit.data.ImageSet) c.getValue().examplesDrawn(), net));
            }
            man.add("calibrations", cals);
            if (test != null) {
                JsonObject t = new JsonObject();
                t.add("x", writeImages(dir, "test-x", test, net));
                int[] labels = new int[test.size()];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = test.label(i);
                }
                ByteBuffer b = ByteBuffer.allocate(4 * labels.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asIntBuffer().put(labels);
                Files.write(dir.resolve("test-y.bin"), b.array());
                JsonObject y = new JsonObject();
                y.addProperty("file", "test-y.bin");
                y.add("shape", gson.toJsonTree(new long[] {labels.length}));
                t.add("y", y);
                man.add("test", t);
            }
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

    /** Deletes the exported files. */
    void delete() {
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

    private static JsonObject write(Path dir, String name, float[] values, long[] shape) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Files.write(dir.resolve(name + ".bin"), b.array());
        JsonObject o = new JsonObject();
        o.addProperty("file", name + ".bin");
        o.add("shape", new Gson().toJsonTree(shape));
        return o;
    }

    private static JsonObject writeImages(Path dir, String name, ImageSet set, Net net) throws IOException {
        float[] values;
        try (NDManager m = net.manager().newSubManager()) {
            values = set.batch(m, ImageSet.inOrder(set.size()), 0, set.size(), net.inputShape()).get(0).toFloatArray();
        }
        long[] shape = new long[net.inputShape().dimension() + 1];
        shape[0] = set.size();
        System.arraycopy(net.inputShape().getShape(), 0, shape, 1, shape.length - 1);
        return write(dir, name, values, shape);
    }

    /** The top-level layers as the peer builds them. */
    private static List<Map<String, Object>> arch(Net net) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Architecture.Entry e : net.architecture().layers()) {
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
            } else if (s instanceof MaxPool p) {
                o.put("kind", "maxpool");
                o.put("kernel", p.kernel());
                o.put("stride", p.stride());
                o.put("padding", p.padding());
            } else if (s instanceof AvgPool p) {
                o.put("kind", "avgpool");
                o.put("kernel", p.kernel());
                o.put("stride", p.stride());
                o.put("padding", p.padding());
            } else if (s instanceof Flatten) {
                o.put("kind", "flatten");
            } else {
                throw new IllegalArgumentException("The PyTorch peer builds dense, conv, relu, pooling and flatten layers,"
                        + " not " + s.description() + " (" + e.name() + ").");
            }
            out.add(o);
        }
        return out;
    }
}
