package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.Tensors;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.prune.TorchPrune;

/**
 * {@link TorchPrune}, and {@link Pruner} where it is meant to agree, against
 * {@code torch.nn.utils.prune} itself: Debian's torch 1.13, run once for the whole class by
 * {@code toolkit/benchmark/src/test/python/torch_prune_conformance.py} on the very same float32 bits.
 * Every mask value is compared bit for bit (random pruning by counts only).
 *
 * <p>Weights are seeded normal float32 values with distinct magnitudes, so no ranking has ties.
 * Each case runs its steps in Java ({@link TorchPrune}, or a Pruner) and sends the same steps, as
 * torch calls, to the script. Without torch for {@code /usr/bin/python3} every test fails with a
 * message that says to run {@code toolkit/bin/setup}.
 *
 * <p>It lives in the benchmark module, next to the other PyTorch peers it shares {@link Peer}
 * with, so that the library's own tests need no Python.
 */
class TorchConformanceTest {

    private static final String SCRIPT = "toolkit/benchmark/src/test/python/torch_prune_conformance.py";

    /** One torch call; {@code amount} is an Integer (a count) or a Double (a fraction), as in Python. */
    private record Step(String op, List<String> params, Number amount, Object n, int dim, Map<String, Long> scoreSeeds) {}

    /**
     * A case: a net with seeded weights, the torch calls, and what Java runs (the same calls
     * through TorchPrune unless {@code java} is given).
     */
    private record Case(String name, Supplier<Net> net, Map<String, Float> scales, List<Step> steps,
            Consumer<Net> java) {}

    /** What one side computed: masks by parameter, and the error that ended the case, if any. */
    private record Result(Map<String, float[]> masks, String error) {}

    private static final Map<String, Case> CASES = new LinkedHashMap<>();
    private static final Map<String, Result> JAVA = new LinkedHashMap<>();
    private static final Map<String, Result> TORCH = new LinkedHashMap<>();
    private static String torchVersion;
    private static long torchMillis;

    // ---- nets ----------------------------------------------------------------------------------

    /** fc1 (32, 64), fc2 (16, 32), fc3 (10, 16), each with a bias. */
    private static Net mlp() {
        return Models.sequential("mlp", 64).dense(32).relu().dense(16).relu().dense(10).build();
    }

    /** conv1 (6, 3, 3, 3), conv2 (8, 6, 3, 3), fc1 (10, 128). */
    private static Net cnn() {
        return Models.sequential("cnn", 3, 8, 8).conv(6, 3).relu().conv(8, 3).relu().flatten().dense(10).build();
    }

    /** fc1 (2, 5): 10 weights. */
    private static Net ten() {
        return Models.sequential("ten", 5).dense(2).build();
    }

    /** fc1 (1, 3): 3 weights; fc2 (2, 1). */
    private static Net tiny() {
        return Models.sequential("tiny", 3).dense(1).relu().dense(2).build();
    }

    // ---- steps ---------------------------------------------------------------------------------

    private static Step l1(String param, Number amount) {
        return new Step("l1_unstructured", List.of(param), amount, null, 0, Map.of());
    }

    private static Step l1(String param, Number amount, long scoreSeed) {
        return new Step("l1_unstructured", List.of(param), amount, null, 0, Map.of(param, scoreSeed));
    }

    private static Step ln(String param, Number amount, Object n, int dim) {
        return new Step("ln_structured", List.of(param), amount, n, dim, Map.of());
    }

    private static Step global(List<String> params, Number amount) {
        return new Step("global_unstructured", params, amount, null, 0, Map.of());
    }

    private static Step global(List<String> params, Number amount, Map<String, Long> scoreSeeds) {
        return new Step("global_unstructured", params, amount, null, 0, scoreSeeds);
    }

    private static Step random(String param, Number amount) {
        return new Step("random_unstructured", List.of(param), amount, null, 0, Map.of());
    }

    private static List<Step> each(List<String> params, java.util.function.Function<String, Step> step) {
        return params.stream().map(step).toList();
    }

    private static final List<String> MLP_WEIGHTS = List.of("fc1.weight", "fc2.weight", "fc3.weight");
    private static final List<String> CNN_WEIGHTS = List.of("conv1.weight", "conv2.weight", "fc1.weight");
    private static final List<String> MLP_ALL = List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias",
            "fc3.weight", "fc3.bias");

    private static void add(String name, Supplier<Net> net, List<Step> steps) {
        add(name, net, Map.of(), steps, null);
    }

    private static void add(String name, Supplier<Net> net, Map<String, Float> scales, List<Step> steps,
            Consumer<Net> java) {
        CASES.put(name, new Case(name, net, scales, steps, java));
    }

    private static Consumer<Net> pruner(Pruner.Builder b) {
        return net -> b.build().plan(net).apply();
    }

    private static Pruner.Builder l1Pruner(double s, Scope scope) {
        return Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(s).optScope(scope);
    }

    static {
        // Pruner where it is meant to agree with torch: single-shot layer-wise and global L1, L2 structured dim 0
        for (double s : new double[] {0.3, 0.5, 0.9}) {
            add("pruner-layer-l1-mlp-" + s, TorchConformanceTest::mlp, Map.of(), each(MLP_WEIGHTS, p -> l1(p, s)),
                    pruner(l1Pruner(s, Scope.LAYER)));
            add("pruner-layer-l1-cnn-" + s, TorchConformanceTest::cnn, Map.of(), each(CNN_WEIGHTS, p -> l1(p, s)),
                    pruner(l1Pruner(s, Scope.LAYER)));
            add("pruner-global-l1-mlp-" + s, TorchConformanceTest::mlp, Map.of(), List.of(global(MLP_WEIGHTS, s)),
                    pruner(l1Pruner(s, Scope.GLOBAL)));
            add("pruner-global-l1-cnn-" + s, TorchConformanceTest::cnn, Map.of(), List.of(global(CNN_WEIGHTS, s)),
                    pruner(l1Pruner(s, Scope.GLOBAL)));
        }
        for (double s : new double[] {0.3, 0.5, 0.75}) {
            Pruner.Builder l2 = Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(s)
                    .optGranularity(Granularity.STRUCTURED);
            add("pruner-structured-l2-mlp-" + s, TorchConformanceTest::mlp, Map.of(),
                    each(List.of("fc1.weight", "fc2.weight"), p -> ln(p, s, 2, 0)), pruner(l2));
            add("pruner-structured-l2-cnn-" + s, TorchConformanceTest::cnn, Map.of(),
                    each(List.of("conv1.weight", "conv2.weight"), p -> ln(p, s, 2, 0)), pruner(l2));
        }
        add("pruner-ten-at-0.25", TorchConformanceTest::ten, Map.of(), List.of(l1("fc1.weight", 0.25)),
                pruner(l1Pruner(0.25, Scope.LAYER)));
        add("pruner-global-no-floor-empties-fc3", TorchConformanceTest::mlp, Map.of("fc3", 1e-3f),
                List.of(global(MLP_WEIGHTS, 0.5)), pruner(l1Pruner(0.5, Scope.GLOBAL).optMinDensity(0)));
        // where Pruner deliberately differs (the tests assert the difference)
        add("pruner-twice-at-0.5", TorchConformanceTest::mlp, Map.of(), List.of(l1("fc1.weight", 0.5),
                l1("fc1.weight", 0.5)), net -> {
                    pruner(l1Pruner(0.5, Scope.LAYER).optLayers("fc1")).accept(net);
                    pruner(l1Pruner(0.5, Scope.LAYER).optLayers("fc1")).accept(net);
                });
        add("pruner-tiny-at-0.9", TorchConformanceTest::tiny, Map.of(), List.of(l1("fc1.weight", 0.9)),
                pruner(l1Pruner(0.9, Scope.LAYER).optLayers("fc1")));
        add("pruner-fixed-signed-scores", TorchConformanceTest::mlp, Map.of(),
                List.of(l1("fc2.weight", 0.4, 77L)), net -> pruner(Pruner.builder()
                        .setImportance(Importance.fixed("signed", Map.of("fc2", scores(512, 77L))))
                        .setSparsity(0.4).optLayers("fc2")).accept(net));

        // TorchPrune: repeated pruning takes the amount from what is still unpruned
        add("repeat-l1-0.5-twice", TorchConformanceTest::mlp, List.of(l1("fc1.weight", 0.5), l1("fc1.weight", 0.5)));
        add("repeat-l1-0.2-five-times", TorchConformanceTest::mlp, java.util.Collections.nCopies(5,
                l1("fc1.weight", 0.2)));
        add("repeat-ln-dim0-0.5-twice", TorchConformanceTest::cnn, List.of(ln("conv2.weight", 0.5, 2, 0),
                ln("conv2.weight", 0.5, 2, 0)));
        // rounding half to even
        add("round-ten-weights-at-0.25", TorchConformanceTest::ten, List.of(l1("fc1.weight", 0.25)));
        add("round-six-filters-at-0.75", TorchConformanceTest::cnn, List.of(ln("conv1.weight", 0.75, 2, 0)));
        // tiny tensors may be emptied
        add("tiny-three-weights-at-0.9", TorchConformanceTest::tiny, List.of(l1("fc1.weight", 0.9)));
        add("global-empties-fc3", TorchConformanceTest::mlp, Map.of("fc3", 1e-3f), List.of(global(MLP_WEIGHTS, 0.5)),
                null);
        add("all-of-a-bias-at-1.0", TorchConformanceTest::mlp, List.of(l1("fc3.bias", 1.0)));
        // importance scores with negative values: torch ranks |s|
        add("scores-l1-negative", TorchConformanceTest::mlp, List.of(l1("fc2.weight", 0.4, 77L)));
        add("scores-global-negative", TorchConformanceTest::mlp, List.of(global(List.of("fc1.weight", "fc1.bias",
                "fc2.weight", "fc2.bias"), 0.6, Map.of("fc1.weight", 5L, "fc2.bias", 6L))));
        // ln_structured along dim 0 (outputs) and dim 1 (inputs), Linear and Conv2d, n = 1, 2, inf
        for (Object n : new Object[] {1, 2, "inf"}) {
            for (int dim : new int[] {0, 1}) {
                add("ln-n" + n + "-dim" + dim + "-linear", TorchConformanceTest::mlp, List.of(ln("fc1.weight", 0.3,
                        n, dim), ln("fc2.weight", 0.5, n, dim)));
                add("ln-n" + n + "-dim" + dim + "-conv", TorchConformanceTest::cnn, List.of(ln("conv1.weight", 0.5,
                        n, dim), ln("conv2.weight", 0.3, n, dim)));
            }
        }
        add("ln-negative-dim", TorchConformanceTest::cnn, List.of(ln("conv2.weight", 0.5, 2, -3)));
        // biases join a global ranking
        add("global-with-biases", TorchConformanceTest::mlp, List.of(global(MLP_ALL, 0.7)));
        add("global-twice", TorchConformanceTest::cnn, List.of(global(CNN_WEIGHTS, 0.5), global(CNN_WEIGHTS, 0.5)));
        // int amounts: counts of what is still unpruned
        add("int-amounts", TorchConformanceTest::mlp, List.of(l1("fc2.weight", 7), l1("fc2.weight", 100),
                l1("fc3.weight", 0), ln("fc1.weight", 3, 1, 0), ln("fc1.weight", 2, 2, 1), global(MLP_ALL, 300),
                l1("fc3.bias", 1)));
        add("int-scores", TorchConformanceTest::mlp, List.of(l1("fc2.weight", 50, 8L), global(MLP_WEIGHTS, 400,
                Map.of("fc3.weight", 9L))));
        // methods on top of each other, as torch's PruningContainer combines them
        add("mixed-container", TorchConformanceTest::mlp, List.of(ln("fc1.weight", 0.25, 2, 0), l1("fc1.weight", 0.5),
                ln("fc1.weight", 0.3, "inf", 1), global(List.of("fc1.weight", "fc2.weight"), 0.2),
                ln("fc1.weight", 0.5, 1, 0)));
        add("mixed-conv", TorchConformanceTest::cnn, List.of(l1("conv2.weight", 0.6), ln("conv2.weight", 0.5, 2, 1),
                ln("conv2.weight", 0.4, 1, 0), l1("conv2.weight", 10)));
        // structured norms are those of the masked tensor (torch ranks module.weight = weight_orig * weight_mask)
        add("masked-norms", TorchConformanceTest::mlp, List.of(l1("fc1.weight", 0.9), ln("fc1.weight", 0.5, 1,
                0), l1("fc2.weight", 0.8), ln("fc2.weight", 0.5, 2, 1)));
        add("pruner-then-torchprune", TorchConformanceTest::mlp, Map.of(), List.of(l1("fc1.weight", 0.5),
                l1("fc2.weight", 0.5), l1("fc3.weight", 0.5), l1("fc1.weight", 0.5)), net -> {
                    pruner(l1Pruner(0.5, Scope.LAYER)).accept(net);
                    TorchPrune.l1Unstructured(net, "fc1.weight", 0.5);
                });
        // random pruning: the same counts (not the same entries)
        add("random-counts", TorchConformanceTest::mlp, List.of(random("fc1.weight", 0.3), random("fc1.weight", 0.3),
                random("fc2.weight", 17), random("fc2.weight", 0.5)));
        // errors: both reject, and the masks stay as they were before the failing call
        add("error-int-above-unpruned", TorchConformanceTest::mlp, List.of(l1("fc1.weight", 0.5),
                l1("fc1.weight", 1025)));
        add("error-fraction-above-one", TorchConformanceTest::mlp, List.of(l1("fc1.weight", 0.5),
                l1("fc1.weight", 1.5)));
        add("error-structured-bias", TorchConformanceTest::mlp, List.of(ln("fc1.bias", 0.5, 2, 0)));
        add("error-dim", TorchConformanceTest::mlp, List.of(ln("fc1.weight", 0.5, 2, 2)));
        add("error-ln-int-above-channels", TorchConformanceTest::cnn, List.of(ln("conv1.weight", 2, 2, 0),
                ln("conv1.weight", 5, 2, 0)));
        add("error-global-int", TorchConformanceTest::mlp, List.of(global(MLP_WEIGHTS, 0.9),
                global(MLP_WEIGHTS, 500)));
    }

    // ---- running both sides --------------------------------------------------------------------

    /** Seeded normal scores of both signs. */
    private static float[] scores(int n, long seed) {
        Random r = new Random(seed);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) r.nextGaussian();
        }
        return s;
    }

    /** Sets every parameter to seeded normal float32 values (times the layer's scale), all of distinct magnitude. */
    private static void seedWeights(Net net, Map<String, Float> scales, long seed) {
        Random r = new Random(seed);
        Set<Integer> seen = new HashSet<>();
        for (String p : TorchPrune.parameters(net)) {
            String layer = p.substring(0, p.lastIndexOf('.'));
            NDArray a = p.endsWith(".bias") ? net.layer(layer).bias().getArray() : net.layer(layer).weight().getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                do {
                    v[i] = (float) r.nextGaussian() * scales.getOrDefault(layer, 1f);
                } while (!seen.add(Float.floatToIntBits(Math.abs(v[i]))));
            }
            try (NDArray x = net.manager().create(v, a.getShape())) {
                Tensors.copy(x, a);
            }
        }
    }

    private static float[] values(Net net, String param) {
        String layer = param.substring(0, param.lastIndexOf('.'));
        return (param.endsWith(".bias") ? net.layer(layer).bias() : net.layer(layer).weight()).getArray()
                .toFloatArray();
    }

    private static Map<String, float[]> materialise(Net net, Map<String, Long> seeds) {
        Map<String, float[]> out = new LinkedHashMap<>();
        seeds.forEach((p, seed) -> out.put(p, scores(values(net, p).length, seed)));
        return out;
    }

    private static void runInJava(Net net, Step s) {
        boolean count = s.amount() instanceof Integer;
        int c = s.amount().intValue();
        double f = s.amount().doubleValue();
        String p = s.params().get(0);
        Map<String, float[]> sc = materialise(net, s.scoreSeeds());
        switch (s.op()) {
            case "l1_unstructured" -> {
                if (sc.isEmpty() && count) {
                    TorchPrune.l1Unstructured(net, p, c);
                } else if (sc.isEmpty()) {
                    TorchPrune.l1Unstructured(net, p, f);
                } else if (count) {
                    TorchPrune.l1Unstructured(net, p, c, sc.get(p));
                } else {
                    TorchPrune.l1Unstructured(net, p, f, sc.get(p));
                }
            }
            case "random_unstructured" -> {
                if (count) {
                    TorchPrune.randomUnstructured(net, p, c, 11);
                } else {
                    TorchPrune.randomUnstructured(net, p, f, 11);
                }
            }
            case "ln_structured" -> {
                double n = s.n().equals("inf") ? Double.POSITIVE_INFINITY : ((Number) s.n()).doubleValue();
                if (count) {
                    TorchPrune.lnStructured(net, p, c, n, s.dim());
                } else {
                    TorchPrune.lnStructured(net, p, f, n, s.dim());
                }
            }
            case "global_unstructured" -> {
                if (count) {
                    TorchPrune.globalUnstructured(net, s.params(), c, sc);
                } else {
                    TorchPrune.globalUnstructured(net, s.params(), f, sc);
                }
            }
            default -> throw new IllegalArgumentException(s.op());
        }
    }

    private static String base64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static float[] floats(String b64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }

    private static JsonObject amount(Number a) {
        JsonObject o = new JsonObject();
        if (a instanceof Integer) {
            o.addProperty("int", a);
        } else {
            o.addProperty("float", Double.toHexString(a.doubleValue())); // the exact double, read by float.fromhex
        }
        return o;
    }

    private static JsonObject toJson(Case c, Net net) {
        JsonObject params = new JsonObject();
        for (String p : TorchPrune.parameters(net)) {
            JsonObject o = new JsonObject();
            JsonArray shape = new JsonArray();
            String layer = p.substring(0, p.lastIndexOf('.'));
            NDArray a = p.endsWith(".bias") ? net.layer(layer).bias().getArray() : net.layer(layer).weight().getArray();
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            o.add("shape", shape);
            o.addProperty("data", base64(a.toFloatArray())); // the bits Java prunes, before any pruning
            params.add(p, o);
        }
        JsonArray steps = new JsonArray();
        for (Step s : c.steps()) {
            JsonObject o = new JsonObject();
            o.addProperty("op", s.op());
            if (s.op().equals("global_unstructured")) {
                JsonArray names = new JsonArray();
                s.params().forEach(names::add);
                o.add("params", names);
                if (!s.scoreSeeds().isEmpty()) {
                    JsonObject sc = new JsonObject();
                    materialise(net, s.scoreSeeds()).forEach((p, v) -> sc.addProperty(p, base64(v)));
                    o.add("importance_scores", sc);
                }
            } else {
                o.addProperty("param", s.params().get(0));
                if (!s.scoreSeeds().isEmpty()) {
                    o.addProperty("importance_scores", base64(materialise(net, s.scoreSeeds()).get(s.params().get(0))));
                }
            }
            o.add("amount", amount(s.amount()));
            if (s.op().equals("ln_structured")) {
                o.addProperty("dim", s.dim());
                if (s.n() instanceof Number num) {
                    o.addProperty("n", num);
                } else {
                    o.addProperty("n", (String) s.n());
                }
            }
            steps.add(o);
        }
        JsonObject o = new JsonObject();
        o.addProperty("name", c.name());
        o.add("params", params);
        o.add("steps", steps);
        return o;
    }

    @BeforeAll
    static void runBothSides() throws IOException {
        JsonArray cases = new JsonArray();
        long seed = 2024;
        for (Case c : CASES.values()) {
            try (Net net = c.net().get()) {
                seedWeights(net, c.scales(), seed++);
                cases.add(toJson(c, net));
                String error = null;
                try {
                    if (c.java() != null) {
                        c.java().accept(net);
                    } else {
                        c.steps().forEach(s -> runInJava(net, s));
                    }
                } catch (IllegalArgumentException e) {
                    error = e.getMessage();
                }
                Map<String, float[]> masks = new LinkedHashMap<>();
                for (String p : TorchPrune.parameters(net)) {
                    masks.put(p, TorchPrune.mask(net, p));
                }
                JAVA.put(c.name(), new Result(masks, error));
            }
        }
        Peer peer = Peer.inRepo();
        Path dir = Files.createDirectories(peer.repo().resolve("toolkit/benchmark/target/torch-conformance"));
        Path in = dir.resolve("cases.json");
        Path out = dir.resolve("torch-masks.json");
        JsonObject root = new JsonObject();
        root.add("cases", cases);
        Files.writeString(in, new Gson().toJson(root), StandardCharsets.UTF_8);
        long start = System.nanoTime();
        peer.runScript(Path.of(SCRIPT), List.of(in.toString(), out.toString()));
        torchMillis = (System.nanoTime() - start) / 1_000_000;
        JsonObject result = JsonParser.parseString(Files.readString(out, StandardCharsets.UTF_8)).getAsJsonObject();
        torchVersion = result.get("torch").getAsString();
        JsonObject byName = result.getAsJsonObject("cases");
        for (String name : CASES.keySet()) {
            JsonObject r = byName.getAsJsonObject(name);
            Map<String, float[]> masks = new LinkedHashMap<>();
            r.getAsJsonObject("masks").entrySet().forEach(e -> masks.put(e.getKey(), floats(e.getValue().getAsString())));
            TORCH.put(name, new Result(masks, r.get("error").isJsonNull() ? null : r.get("error").getAsString()));
        }
    }

    // ---- assertions ----------------------------------------------------------------------------

    private static int zeros(float[] mask) {
        int z = 0;
        for (float v : mask) {
            z += v == 0f ? 1 : 0;
        }
        return z;
    }

    /** Every mask value of every parameter of the case, bit for bit; no error on either side. */
    private static void assertSameMasks(String name) {
        assertSameMasks(name, paramsOf(name));
    }

    private static List<String> paramsOf(String name) {
        return new ArrayList<>(JAVA.get(name).masks().keySet());
    }

    private static void assertSameMasks(String name, List<String> params) {
        Result java = JAVA.get(name);
        Result torch = TORCH.get(name);
        assertNotNull(torch, "torch ran no case " + name);
        assertNull(java.error(), name + ": Java failed: " + java.error());
        assertNull(torch.error(), name + ": torch " + torchVersion + " failed: " + torch.error());
        sameBits(name, params, java, torch);
    }

    private static void sameBits(String name, List<String> params, Result java, Result torch) {
        for (String p : params) {
            float[] j = java.masks().get(p);
            float[] t = torch.masks().get(p);
            assertEquals(t.length, j.length, name + " " + p);
            int differ = 0;
            int first = -1;
            for (int i = 0; i < j.length; i++) {
                if (Float.floatToRawIntBits(j[i]) != Float.floatToRawIntBits(t[i])) {
                    differ++;
                    first = first < 0 ? i : first;
                }
            }
            if (differ > 0) {
                fail(String.format("%s: mask of %s differs from torch %s in %d of %d values (first at %d: Java %s,"
                        + " torch %s; zeros Java %d, torch %d)", name, p, torchVersion, differ, j.length, first,
                        j[first], t[first], zeros(j), zeros(t)));
            }
        }
    }

    private static int javaZeros(String name, String param) {
        return zeros(JAVA.get(name).masks().get(param));
    }

    private static int javaZeros(String name, List<String> params) {
        return params.stream().mapToInt(p -> javaZeros(name, p)).sum();
    }

    private static int torchZeros(String name, String param) {
        return zeros(TORCH.get(name).masks().get(param));
    }

    // ---- tests ---------------------------------------------------------------------------------

    @Test
    void prunerAgreesWithTorchOnSingleShotL1AndL2StructuredDim0() {
        for (String name : CASES.keySet()) {
            if (name.startsWith("pruner-layer-l1") || name.startsWith("pruner-global-l1")) {
                assertSameMasks(name);
            }
            if (name.startsWith("pruner-structured-l2")) {
                // ln_structured masks the weight only; a structured Pruner masks the units' biases too
                assertSameMasks(name, paramsOf(name).stream().filter(p -> p.endsWith(".weight")).toList());
            }
        }
        assertEquals(1843, torchZeros("pruner-layer-l1-mlp-0.9", "fc1.weight"), "round(0.9 x 2,048)");
    }

    @Test
    void repeatedPruningTakesTheAmountFromWhatIsStillUnpruned() {
        assertSameMasks("repeat-l1-0.5-twice");
        assertEquals(1536, javaZeros("repeat-l1-0.5-twice", "fc1.weight"), "0.5 twice: 75 % of 2,048");
        assertSameMasks("repeat-l1-0.2-five-times");
        int left = 2048;
        for (int i = 0; i < 5; i++) {
            left -= (int) Math.rint(0.2 * left);
        }
        assertEquals(2048 - left, javaZeros("repeat-l1-0.2-five-times", "fc1.weight"));
        assertEquals(0.672, javaZeros("repeat-l1-0.2-five-times", "fc1.weight") / 2048.0, 1e-3, "1 - 0.8^5");
        assertSameMasks("repeat-ln-dim0-0.5-twice");
        assertEquals(6 * 54, javaZeros("repeat-ln-dim0-0.5-twice", "conv2.weight"), "8 filters: 4, then 2 more");
        // a Pruner's sparsity is the total after the call: twice 0.5 is 0.5
        assertEquals(1536, torchZeros("pruner-twice-at-0.5", "fc1.weight"));
        assertEquals(1024, javaZeros("pruner-twice-at-0.5", "fc1.weight"));
    }

    @Test
    void countsRoundHalfToEven() {
        assertSameMasks("round-ten-weights-at-0.25");
        assertEquals(2, javaZeros("round-ten-weights-at-0.25", "fc1.weight"), "round(2.5) = 2");
        assertSameMasks("pruner-ten-at-0.25");
        assertSameMasks("round-six-filters-at-0.75");
        assertEquals(4 * 27, javaZeros("round-six-filters-at-0.75", "conv1.weight"), "round(4.5) = 4 filters");
        assertSameMasks("pruner-structured-l2-cnn-0.75", List.of("conv1.weight", "conv2.weight"));
    }

    @Test
    void tinyTensorsMayBeEmptied() {
        assertSameMasks("tiny-three-weights-at-0.9");
        assertEquals(3, javaZeros("tiny-three-weights-at-0.9", "fc1.weight"), "round(2.7) = 3: all of them");
        assertSameMasks("global-empties-fc3");
        assertEquals(160, javaZeros("global-empties-fc3", "fc3.weight"));
        assertSameMasks("pruner-global-no-floor-empties-fc3");
        assertSameMasks("all-of-a-bias-at-1.0");
        assertEquals(10, javaZeros("all-of-a-bias-at-1.0", "fc3.bias"));
        // a layer-wise Pruner keeps one weight of every layer, by design
        assertEquals(3, torchZeros("pruner-tiny-at-0.9", "fc1.weight"));
        assertEquals(2, javaZeros("pruner-tiny-at-0.9", "fc1.weight"));
    }

    @Test
    void importanceScoresRankByAbsoluteValue() {
        assertSameMasks("scores-l1-negative");
        assertSameMasks("scores-global-negative");
        assertSameMasks("int-scores");
        // Importance.fixed ranks the signed scores, a criterion of one's own: not torch's |s|
        float[] fixed = JAVA.get("pruner-fixed-signed-scores").masks().get("fc2.weight");
        float[] torch = TORCH.get("pruner-fixed-signed-scores").masks().get("fc2.weight");
        assertEquals(zeros(torch), zeros(fixed));
        assertNotEquals(java.util.Arrays.toString(torch), java.util.Arrays.toString(fixed));
        float[] s = scores(512, 77L);
        for (int i = 0; i < s.length; i++) {
            if (s[i] < -1) {
                assertEquals(0f, fixed[i], "a very negative score goes first in a signed ranking");
            }
        }
    }

    @Test
    void lnStructuredAlongOutputsAndInputs() {
        int cases = 0;
        for (String name : CASES.keySet()) {
            if (name.startsWith("ln-")) {
                assertSameMasks(name);
                cases++;
            }
        }
        assertEquals(13, cases);
        assertEquals(10 * 64, javaZeros("ln-n2-dim0-linear", "fc1.weight"), "round(0.3 x 32) = 10 rows of 64");
        assertEquals(19 * 32, javaZeros("ln-n2-dim1-linear", "fc1.weight"), "round(0.3 x 64) = 19 columns of 32");
        assertEquals(6 * 2 * 9, javaZeros("ln-n2-dim1-conv", "conv1.weight"), "round(1.5) = 2 of 3 input channels");
        assertEquals(8 * 2 * 9, javaZeros("ln-n2-dim1-conv", "conv2.weight"), "round(1.8) = 2 of 6 input channels");
    }

    @Test
    void biasesJoinAGlobalRanking() {
        assertSameMasks("global-with-biases");
        assertEquals(1945, javaZeros("global-with-biases", MLP_ALL), "round(0.7 x (2,048 + 32 + 512 + 16 + 160 + 10))");
        assertTrue(javaZeros("global-with-biases", "fc1.bias") > 0, "a bias is pruned like any other entry");
        assertSameMasks("global-twice");
    }

    @Test
    void intAmountsAreCountsOfWhatIsStillUnpruned() {
        assertSameMasks("int-amounts");
        // fc2: 7 then 100; fc3: 0; fc1: 3 rows of 64, then 2 columns of the 29 rows left; 300 globally; 1 bias
        assertEquals(7 + 100 + 0 + 3 * 64 + 2 * 29 + 300 + 1, javaZeros("int-amounts", MLP_ALL));
    }

    @Test
    void methodsCombineAsTorchsPruningContainerDoes() {
        assertSameMasks("mixed-container");
        assertSameMasks("mixed-conv");
        assertSameMasks("masked-norms");
        assertSameMasks("pruner-then-torchprune");
        assertEquals(1536, javaZeros("pruner-then-torchprune", "fc1.weight"), "a Pruner's mask is the default mask");
    }

    @Test
    void randomPruningPrunesTheSameCounts() {
        Result java = JAVA.get("random-counts");
        Result torch = TORCH.get("random-counts");
        assertNull(java.error());
        assertNull(torch.error());
        for (String p : List.of("fc1.weight", "fc2.weight", "fc3.weight")) {
            assertEquals(torchZeros("random-counts", p), javaZeros("random-counts", p), p);
        }
        int left = 2048 - (int) Math.rint(0.3 * 2048);
        assertEquals(2048 - left + (int) Math.rint(0.3 * left), javaZeros("random-counts", "fc1.weight"));
        assertEquals(17 + (int) Math.rint(0.5 * (512 - 17)), javaZeros("random-counts", "fc2.weight"));
    }

    @Test
    void badAmountsAreRejectedLikeTorchAndChangeNothing() {
        for (String name : List.of("error-int-above-unpruned", "error-fraction-above-one", "error-structured-bias",
                "error-dim", "error-ln-int-above-channels", "error-global-int")) {
            Result java = JAVA.get(name);
            Result torch = TORCH.get(name);
            assertNotNull(java.error(), name + ": Java accepted what torch rejects (" + torch.error() + ")");
            assertNotNull(torch.error(), name + ": torch accepted what Java rejects (" + java.error() + ")");
            sameBits(name, paramsOf(name), java, torch); // both as before the failing call
        }
        assertTrue(JAVA.get("error-int-above-unpruned").error().contains("amount=1025 is more than the 1024"),
                JAVA.get("error-int-above-unpruned").error());
        assertTrue(TORCH.get("error-int-above-unpruned").error().startsWith("ValueError"));
        assertTrue(JAVA.get("error-structured-bias").error().contains("two or more axes"));
        assertTrue(JAVA.get("error-dim").error().contains("dim=2 is not an axis"));
        assertTrue(TORCH.get("error-dim").error().startsWith("IndexError"), TORCH.get("error-dim").error());
    }

    @Test
    void torchRanOnceForAllCases() {
        assertTrue(torchVersion.startsWith("1.13"), "Debian's torch 1.13 expected, got " + torchVersion);
        assertEquals(CASES.size(), TORCH.size());
        System.out.printf("torch %s: %d cases in one run, %d ms%n", torchVersion, CASES.size(), torchMillis);
    }
}
