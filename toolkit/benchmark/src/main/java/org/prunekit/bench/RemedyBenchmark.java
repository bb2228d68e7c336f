package org.prunekit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.prunekit.PruneKit;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.engine.EngineCheck;
import org.prunekit.engine.EngineGuard;
import org.prunekit.engine.Remedy;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * What each engine {@link Remedy} costs on this machine: for every remedy, a fresh JVM with that
 * remedy forced ({@code PRUNEKIT_ENGINE_REMEDY}) runs the engine check in-process and profiles
 * training batches of the convolutional catalogue nets (LeNet-5, SmallCNN, ResNet-8; MNIST split,
 * batch 64). Two rounds, remedies in turn; each cell is the faster round. On a CPU where the
 * engine check fails, the remedy PruneKit applies is one of these rows; on a healthy CPU the
 * table says what the same remedy would cost here.
 */
final class RemedyBenchmark {

    private static final List<String> MODELS = List.of("LeNet-5", "SmallCNN", "ResNet-8");
    private static final int WARM_UP = 20;
    private static final int BATCHES = 60;

    private RemedyBenchmark() {}

    /** One remedy's measurements. */
    record Row(Remedy remedy, String check, Map<String, Double> microsPerBatch) {}

    static Rows run(Path repo, PrintStream log) {
        Map<Remedy, Row> best = new EnumMap<>(Remedy.class);
        for (int round = 1; round <= 2; round++) {
            for (Remedy r : Remedy.values()) {
                log.printf("remedies: round %d, %s ...%n", round, r.settingName());
                Row row = child(repo, r);
                Row old = best.get(r);
                if (old != null) {
                    Map<String, Double> min = new LinkedHashMap<>(old.microsPerBatch());
                    row.microsPerBatch().forEach((k, v) -> min.merge(k, v, Math::min));
                    row = new Row(r, row.check().startsWith("crashed") ? row.check() : old.check(), min);
                }
                best.put(r, row);
            }
        }
        Rows t = Rows.of("Training speed per engine remedy (µs per batch of 64, faster of 2 rounds; ratio to no"
                + " remedy) on this CPU", "remedy", "engine check here", "LeNet-5", "SmallCNN", "ResNet-8");
        Map<String, Double> base = best.get(Remedy.NONE).microsPerBatch();
        for (Row row : best.values()) {
            List<Object> cells = new ArrayList<>(List.of(row.remedy().settingName(), row.check()));
            for (String m : MODELS) {
                Double us = row.microsPerBatch().get(m);
                Double b = base.get(m);
                cells.add(us == null ? "–" : b == null ? String.format("%.0f", us)
                        : String.format("%.0f (%.2fx)", us, us / b));
            }
            t.add(cells.toArray());
        }
        return t;
    }

    private static Row child(Path repo, Remedy r) {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-XX:ErrorFile=" + EngineGuard.crashReport(), "-Djava.awt.headless=true", "-Dprunekit.repo=" + repo,
                "-cp", System.getProperty("java.class.path"), RemedyBenchmark.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PRUNEKIT_ENGINE_REMEDY", r.settingName());
        Map<String, Double> micros = new LinkedHashMap<>();
        String check = "crashed";
        List<String> tail = new ArrayList<>();
        try {
            Process p = pb.start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] f = line.split("\t");
                    if (f[0].equals("profile")) {
                        micros.put(f[1], Double.parseDouble(f[2]));
                    } else if (f[0].equals("check")) {
                        check = f[1];
                    } else {
                        tail.add(line);
                    }
                }
            }
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
            if (p.exitValue() != 0) {
                check = "crashed (exit " + p.exitValue() + ")" + (check.equals("crashed") ? "" : " after: " + check);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Row(r, check, micros);
    }

    /**
     * The child: the engine check in this process, then the training profiles.
     *
     * @param args none
     */
    public static void main(String[] args) {
        PruneKit.init();
        EngineCheck.Report report = EngineCheck.run();
        System.out.println("check\t" + (report.passed() ? "passes" : report.failures().size() + " of "
                + report.outcomes().size() + " wrong"));
        System.out.flush();
        DataSplit data = Datasets.mnist(Peer.findRepo().resolve("datasets/mnist")).optBatchSize(64).build();
        for (String model : MODELS) {
            Net net = switch (model) {
                case "LeNet-5" -> Models.lenet5();
                case "SmallCNN" -> Models.smallCnn();
                default -> Models.resNet8();
            };
            double us = Training.profile(net, data, TrainConfig.epochs(1), WARM_UP, BATCHES).totalMicros();
            System.out.println("profile\t" + model + "\t" + us);
            System.out.flush();
        }
    }
}
