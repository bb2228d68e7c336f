package org.prunekit.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prunekit.data.Examples;
import org.prunekit.model.Net;

/**
 * The PyTorch peer of the inference-latency benchmark, kept running so that its passes can be
 * interleaved with PruneKit's: {@code toolkit/benchmark/src/test/python/torch_latency.py} builds
 * the same nets on the same float32 weights (exported as for {@link LlmPeer}), checks that its
 * logits agree with PruneKit's on the same inputs, and then times passes on request. While the
 * peer runs its passes, the JVM only waits for its answer.
 */
final class LatencyPeer implements AutoCloseable {

    static final String SCRIPT = "toolkit/benchmark/src/test/python/torch_latency.py";

    /** Inputs exported per net (the largest batch the peer can time). */
    static final int INPUTS = 64;

    private final Process process;
    private final Writer in;
    private final BufferedReader out;
    private final Path dir;
    private final Path log;
    private final String torch;

    /**
     * Exports the nets and starts the peer.
     *
     * @param peer the peer runner (repository and Python)
     * @param nets the nets, timed later by their index
     * @param images inputs: the first {@value #INPUTS} are exported with each net's logits on them
     * @throws IllegalStateException if the peer cannot start or its logits differ from PruneKit's
     */
    LatencyPeer(Peer peer, List<Net> nets, Examples images) {
        try {
            dir = Files.createTempDirectory("prunekit-latency-peer-");
            List<String> dirs = new ArrayList<>();
            for (int i = 0; i < nets.size(); i++) {
                Path d = Files.createDirectories(dir.resolve(String.valueOf(i)));
                export(d, nets.get(i), images);
                dirs.add(d.toString());
            }
            log = dir.resolve("peer.log");
            process = Peer.processBuilder(peer.pythonCommand(Path.of(SCRIPT), dirs))
                    .redirectError(log.toFile()).start();
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            torch = answer().get("torch").getAsString();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the PyTorch latency peer: " + e.getMessage(), e);
        }
    }

    private static void export(Path d, Net net, Examples images) throws IOException {
        JsonObject man = LlmPeer.exportNet(d, net);
        int n = Math.min(INPUTS, images.size());
        try (NDManager m = net.manager().newSubManager()) {
            NDArray x = images.batch(m, Examples.inOrder(n), 0, n, net.inputShape()).get(0);
            man.add("x", LlmPeer.write(d, "x", x.toFloatArray(), x.getShape().getShape()));
            NDArray y = net.forward(x, false);
            man.add("logits", LlmPeer.write(d, "logits", y.toFloatArray(), y.getShape().getShape()));
        }
        Files.writeString(d.resolve("manifest.json"), new Gson().toJson(man));
    }

    /** @return the peer's torch version */
    String torch() {
        return torch;
    }

    /**
     * @param net the net's index
     * @param batchSize inputs per pass
     * @param passes timed passes (after a warm-up until steady)
     * @return every timed pass in milliseconds
     */
    double[] time(int net, int batchSize, int passes) {
        JsonArray a = command("time " + net + " " + batchSize + " " + passes).getAsJsonArray("millis");
        double[] ms = new double[a.size()];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = a.get(i).getAsDouble();
        }
        return ms;
    }

    /**
     * @param net the net's index
     * @param batchSize inputs per pass
     * @param passes passes averaged
     * @return the mean microseconds per top-level module (JSON: "steps" and "micros")
     */
    JsonObject profile(int net, int batchSize, int passes) {
        return command("profile " + net + " " + batchSize + " " + passes);
    }

    private JsonObject command(String line) {
        try {
            in.write(line + "\n");
            in.flush();
        } catch (IOException e) {
            throw new IllegalStateException("The PyTorch latency peer stopped: " + logTail(), e);
        }
        return answer();
    }

    private JsonObject answer() {
        String line;
        try {
            line = out.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the PyTorch latency peer's answer: " + e.getMessage(), e);
        }
        if (line == null || !line.startsWith("{")) {
            throw new IllegalStateException("The PyTorch latency peer failed" + (line == null ? "" : " (" + line + ")")
                    + ": " + logTail());
        }
        return JsonParser.parseString(line).getAsJsonObject();
    }

    private String logTail() {
        try {
            String s = Files.readString(log);
            return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
        } catch (IOException ignored) {
            // the peer has stopped already
        }
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                Peer.stopTree(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
