package org.prunekit.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.History;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Training speed, PruneKit (DJL) against PyTorch, on the same MNIST split with the same settings:
 * Adam 1e-3, batch 64, one thread each. Runs alternate (DJL, PyTorch, DJL, ...) so that both see
 * the same machine state; the first epoch of every run is a warm-up and is not counted.
 */
public final class TrainingBenchmark {

    /** One row of the result. */
    record Row(String model, double djlSeconds, double torchSeconds, double djlAccuracy, double torchAccuracy,
            int epochsCounted) {
        double ratio() {
            return djlSeconds / torchSeconds;
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
        List<Row> rows = new ArrayList<>();
        rows.add(measure(peer, split, "lenet300100", Models::lenet300100, epochs, runs, out));
        rows.add(measure(peer, split, "lenet5", Models::lenet5, epochs, runs, out));
        return rows;
    }

    private static Row measure(Peer peer, DataSplit split, String name, LongFunction<Net> factory, int epochs,
            int runs, PrintStream out) {
        List<Double> djl = new ArrayList<>();
        List<Double> torch = new ArrayList<>();
        double djlAcc = 0;
        double torchAcc = 0;
        for (int r = 0; r < runs; r++) {
            try (Net net = factory.apply(42 + r)) {
                History h = Training.fit(net, split, TrainConfig.builder().optEpochs(epochs).optSeed(42 + r).build(),
                        Progress.none());
                h.epochs().stream().skip(1).forEach(e -> djl.add(e.seconds()));
                djlAcc = h.finalTestAccuracy();
            }
            String json = peer.run("torch_train.py", List.of("--model", name, "--data",
                    peer.repo().resolve("datasets/mnist").toString(), "--epochs", String.valueOf(epochs), "--seed",
                    String.valueOf(42 + r)));
            double[] secs = Peer.numbers(json, "epoch_seconds");
            for (int i = 1; i < secs.length; i++) {
                torch.add(secs[i]);
            }
            torchAcc = Peer.number(json, "test_accuracy");
            out.printf("  %s run %d/%d: DJL %.3f s/epoch, PyTorch %.3f s/epoch%n", name, r + 1, runs,
                    Stats.median(djl), Stats.median(torch));
        }
        return new Row(name, Stats.median(djl), Stats.median(torch), djlAcc, torchAcc, djl.size());
    }

    /**
     * @param rows the measured rows
     * @param out where to print the table
     */
    static void print(List<Row> rows, PrintStream out) {
        out.println();
        out.println("Training speed on the MNIST split (8,000 train images, Adam 1e-3, batch 64, 1 thread; medians)");
        out.printf("%-13s %14s %18s %8s %9s %12s %8s%n", "model", "DJL s/epoch", "PyTorch s/epoch", "ratio",
                "DJL acc", "PyTorch acc", "target");
        for (Row r : rows) {
            String target = r.model().equals("lenet300100") ? (r.ratio() <= 1.2 ? "<=1.2 ok" : "<=1.2 MISSED") : "";
            out.printf("%-13s %14.3f %18.3f %8.2f %9.4f %12.4f %8s%n", r.model(), r.djlSeconds(), r.torchSeconds(),
                    r.ratio(), r.djlAccuracy(), r.torchAccuracy(), target);
        }
    }

    /**
     * @param rows the measured rows
     * @param file the CSV file to write
     * @throws IOException if it cannot be written
     */
    static void writeCsv(List<Row> rows, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder("model,djl_s_per_epoch,torch_s_per_epoch,ratio,djl_acc,torch_acc,epochs_counted\n");
        for (Row r : rows) {
            sb.append(String.format(java.util.Locale.ROOT, "%s,%.4f,%.4f,%.3f,%.4f,%.4f,%d%n", r.model(),
                    r.djlSeconds(), r.torchSeconds(), r.ratio(), r.djlAccuracy(), r.torchAccuracy(),
                    r.epochsCounted()));
        }
        Files.writeString(file, sb);
    }
}
