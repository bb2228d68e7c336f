package org.prunekit.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.train.History;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;
import org.prunekit.train.TrainingProfile;

/**
 * Training speed, PruneKit against PyTorch, on the same MNIST split with the same settings:
 * Adam 1e-3, batch 64, one thread each, for LeNet-300-100, LeNet-5 and SmallCNN. Every run trains
 * each model three ways, one after the other so that all see the same machine state: in this
 * JVM, with PyTorch ({@code toolkit/bench/torch_train.py}), and in the installed Jupyter kernel as
 * a notebook cell would ({@code toolkit/bench/kernel_train.py}). The first epoch of every run is a
 * warm-up and is not counted. Every run's ratio is printed. A target counts as met, as the issue
 * that set it defines it, when the ratio of the medians over all runs meets it; how many single
 * runs meet it on their own is printed next to the verdict. A per-phase profile of a batch follows.
 */
public final class TrainingBenchmark {

    /**
     * A model of the benchmark and its target (DJL / PyTorch seconds per epoch); a convolutional one is
     * also profiled in PyTorch with channels-last weights, the layout PruneKit uses for image batches.
     */
    private record Model(String name, LongFunction<Net> factory, double target, boolean convolutional) {}

    /** The target of issue 23 for every model: at most 0.9 of PyTorch's time per epoch. */
    static final double TARGET = 0.90;

    private static final List<Model> MODELS = List.of(new Model("lenet300100", Models::lenet300100, TARGET, false),
            new Model("lenet5", Models::lenet5, TARGET, true), new Model("smallcnn", Models::smallCnn, TARGET, true));

    /**
     * One row of the result.
     *
     * @param model the model's name
     * @param target the ratio to reach
     * @param djl counted epoch seconds of the in-JVM runs, per run
     * @param torch counted epoch seconds of the PyTorch runs, per run
     * @param kernel counted epoch seconds of the in-kernel runs, per run (empty if not measured)
     * @param djlAccuracy test accuracy of the last DJL run
     * @param torchAccuracy test accuracy of the last PyTorch run
     * @param profile where a DJL batch spends its time
     * @param torchProfiles where a PyTorch batch spends its time, in microseconds per phase (assembly, forward,
     *        loss, backward, optimizer, read-back), by setting ("PyTorch", "PyTorch channels-last")
     * @param kernels what computed PruneKit's training steps ({@link Training#kernels})
     */
    record Row(String model, double target, List<double[]> djl, List<double[]> torch, List<double[]> kernel,
            double djlAccuracy, double torchAccuracy, TrainingProfile profile, Map<String, double[]> torchProfiles,
            String kernels) {

        double djlSeconds() {
            return Stats.median(flat(djl));
        }

        double torchSeconds() {
            return Stats.median(flat(torch));
        }

        double kernelSeconds() {
            return Stats.median(flat(kernel));
        }

        double ratio() {
            return djlSeconds() / torchSeconds();
        }

        double kernelRatio() {
            return kernelSeconds() / torchSeconds();
        }

        /** @return the ratio of every run: its median epoch against the peer's in the same run */
        double[] runRatios(List<double[]> side) {
            double[] out = new double[side.size()];
            for (int r = 0; r < out.length; r++) {
                out[r] = Stats.median(side.get(r)) / Stats.median(torch.get(r));
            }
            return out;
        }

        int met(List<double[]> side) {
            int n = 0;
            for (double x : runRatios(side)) {
                n += x <= target ? 1 : 0;
            }
            return n;
        }
    }

    private TrainingBenchmark() {}

    /**
     * @param peer the PyTorch runner
     * @param epochs epochs per run (the first is a warm-up)
     * @param runs runs per side
     * @param out where the progress and table go
     * @return the rows
     */
    static List<Row> run(Peer peer, int epochs, int runs, PrintStream out) {
        Path data = peer.repo().resolve("datasets/mnist");
        DataSplit split = Datasets.mnist(data).build();
        Map<String, List<double[]>> djl = new LinkedHashMap<>();
        Map<String, List<double[]>> torch = new LinkedHashMap<>();
        Map<String, List<double[]>> kernel = new LinkedHashMap<>();
        Map<String, double[]> accuracy = new LinkedHashMap<>();
        String models = String.join(",", MODELS.stream().map(Model::name).toList());
        for (int r = 0; r < runs; r++) {
            long seed = 42 + r;
            for (Model m : MODELS) {
                try (Net net = m.factory().apply(seed)) {
                    History h = Training.fit(net, split, TrainConfig.builder().optEpochs(epochs).optSeed(seed).build(),
                            Progress.none());
                    djl.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(h.epochs().stream().skip(1)
                            .mapToDouble(e -> e.seconds()).toArray());
                    accuracy.computeIfAbsent(m.name(), k -> new double[2])[0] = h.finalTestAccuracy();
                }
                String json = peer.run("torch_train.py", List.of("--model", m.name(), "--data", data.toString(),
                        "--epochs", String.valueOf(epochs), "--seed", String.valueOf(seed)));
                torch.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(skipFirst(Peer.numbers(json,
                        "epoch_seconds")));
                accuracy.get(m.name())[1] = Peer.number(json, "test_accuracy");
            }
            String json = peer.run("kernel_train.py", List.of("--models", models, "--data", data.toString(), "--epochs",
                    String.valueOf(epochs), "--seed", String.valueOf(seed)));
            for (Model m : MODELS) {
                kernel.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(skipFirst(Peer.numbers(json, m.name())));
            }
            StringBuilder line = new StringBuilder(String.format("  run %d/%d:", r + 1, runs));
            for (Model m : MODELS) {
                double t = Stats.median(torch.get(m.name()).get(r));
                line.append(String.format(Locale.ROOT, "  %s PruneKit %.3f / PyTorch %.3f = %.2f, kernel %.3f = %.2f;",
                        m.name(), Stats.median(djl.get(m.name()).get(r)), t, Stats.median(djl.get(m.name()).get(r)) / t,
                        Stats.median(kernel.get(m.name()).get(r)), Stats.median(kernel.get(m.name()).get(r)) / t));
            }
            out.println(line);
        }
        List<Row> rows = new ArrayList<>();
        for (Model m : MODELS) {
            TrainingProfile profile;
            String kernels;
            try (Net net = m.factory().apply(42)) {
                TrainConfig config = TrainConfig.builder().optSeed(42).build();
                kernels = Training.kernels(net, split, config);
                profile = Training.profile(net, split, config, 50, 250);
            }
            List<String> args = List.of("--model", m.name(), "--data", data.toString(), "--epochs", "1", "--seed", "42",
                    "--profile", "250");
            Map<String, double[]> torchProfiles = new LinkedHashMap<>();
            torchProfiles.put("PyTorch", Peer.numbers(peer.run("torch_train.py", args), "profile_phases"));
            if (m.convolutional()) {
                List<String> channelsLast = new ArrayList<>(args);
                channelsLast.add("--channels-last");
                torchProfiles.put("PyTorch channels-last", Peer.numbers(peer.run("torch_train.py", channelsLast),
                        "profile_phases"));
            }
            rows.add(new Row(m.name(), m.target(), djl.get(m.name()), torch.get(m.name()), kernel.get(m.name()),
                    accuracy.get(m.name())[0], accuracy.get(m.name())[1], profile, torchProfiles, kernels));
        }
        return rows;
    }

    private static double[] skipFirst(double[] secs) {
        double[] out = new double[Math.max(0, secs.length - 1)];
        System.arraycopy(secs, 1, out, 0, out.length);
        return out;
    }

    private static double[] flat(List<double[]> runs) {
        return runs.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static String spread(double[] ratios) {
        double min = java.util.Arrays.stream(ratios).min().orElse(Double.NaN);
        double max = java.util.Arrays.stream(ratios).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.2f-%.2f", min, max);
    }

    /**
     * @param rows the measured rows
     * @param out where to print the table
     */
    static void print(List<Row> rows, PrintStream out) {
        Rows t = Rows.of("Training speed on the MNIST split (8,000 train images, Adam 1e-3, batch 64, 1 thread;"
                + " median s/epoch over all counted epochs; run ratios = each run's median against PyTorch's in"
                + " the same run; met = the ratio meets the target, with the number of single runs that do)",
                "model", "PruneKit", "kernel", "PyTorch", "ratio", "run ratios", "kernel ratio", "kernel run ratios",
                "target", "met (PruneKit)", "met (kernel)");
        for (Row r : rows) {
            int n = r.djl().size();
            t.add(r.model(), r.djlSeconds(), r.kernelSeconds(), r.torchSeconds(), r.ratio(), spread(r.runRatios(r.djl())),
                    r.kernelRatio(), spread(r.runRatios(r.kernel())), String.format(Locale.ROOT, "<= %.2f", r.target()),
                    verdict(r.ratio() <= r.target(), r.met(r.djl()), n), verdict(r.kernelRatio() <= r.target(),
                            r.met(r.kernel()), n));
        }
        out.println();
        out.print(t.toText());
        out.println("PruneKit's training steps ran on: " + String.join("; ", rows.stream().map(r -> r.model() + " "
                + r.kernels()).toList()));
        out.println("Accuracy after the last run (PruneKit / PyTorch): " + String.join(", ", rows.stream().map(r -> String
                .format(Locale.ROOT, "%s %.4f / %.4f", r.model(), r.djlAccuracy(), r.torchAccuracy())).toList()));
        out.println();
        out.println("Where a training batch spends its time (250 batches; PruneKit in this JVM after 50 warm-up,"
                + " PyTorch after one epoch; the ratios above compare PruneKit with PyTorch's default layout):");
        for (Row r : rows) {
            out.printf("  %-21s %s%n", "PruneKit", phaseLine(r.model(), TrainingProfile.PHASES, r.profile().micros()));
            r.torchProfiles().forEach((setting, us) -> out.printf("  %-21s %s%n", setting, phaseLine(r.model(),
                    TORCH_PHASES, us)));
        }
    }

    /**
     * The phases torch_train.py --profile reports: PruneKit's without masks (the peer has none) and
     * release (Python frees a batch's tensors inside the other phases, as references drop).
     */
    private static final List<String> TORCH_PHASES = TrainingProfile.PHASES.stream().filter(p -> !p.equals("masks")
            && !p.equals("release")).toList();

    /** One side's profile on one line: the total, then every phase with its microseconds and share. */
    private static String phaseLine(String model, List<String> phases, double[] us) {
        double total = java.util.Arrays.stream(us).sum();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s: %.0f us/batch =", model, total));
        for (int i = 0; i < us.length && i < phases.size(); i++) {
            b.append(String.format(Locale.ROOT, " %s %.0f (%.0f%%)", phases.get(i), us[i], 100 * us[i] / total));
        }
        return b.toString();
    }

    private static String verdict(boolean medianMeets, int runsMeeting, int runs) {
        return (medianMeets ? "yes" : "NO") + " (" + runsMeeting + "/" + runs + " runs)";
    }

    /**
     * @param rows the measured rows
     * @param file the CSV file to write
     * @throws IOException if it cannot be written
     */
    static void writeCsv(List<Row> rows, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder("model,side,run,median_s_per_epoch,ratio_to_torch\n");
        for (Row r : rows) {
            for (int i = 0; i < r.djl().size(); i++) {
                double t = Stats.median(r.torch().get(i));
                for (Map.Entry<String, double[]> side : Map.of("djl", r.djl().get(i), "kernel", r.kernel().get(i),
                        "torch", r.torch().get(i)).entrySet()) {
                    double s = Stats.median(side.getValue());
                    sb.append(String.format(Locale.ROOT, "%s,%s,%d,%.4f,%.3f%n", r.model(), side.getKey(), i + 1, s,
                            s / t));
                }
            }
        }
        Files.writeString(file, sb);
    }
}
