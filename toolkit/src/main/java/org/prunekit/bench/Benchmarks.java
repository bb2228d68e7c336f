package org.prunekit.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.prunekit.PruneKit;

/**
 * The benchmark command ({@code toolkit/bin/benchmark}): measured numbers, each against its
 * PyTorch peer in the same run, printed as a table and written as CSV under
 * {@code toolkit/target/bench/}.
 *
 * <pre>
 * toolkit/bin/benchmark [--epochs N] [--runs N]
 * </pre>
 */
public final class Benchmarks {

    private Benchmarks() {}

    /**
     * @param args {@code --epochs N} (per run, default 4, the first is a warm-up), {@code --runs N} (default 3)
     * @throws IOException if the CSV cannot be written
     */
    public static void main(String[] args) throws IOException {
        int epochs = 4;
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("Unknown option " + args[i] + "; usage: benchmark [--epochs N] [--runs N]");
                    System.exit(2);
                }
            }
        }
        if (epochs < 2 || runs < 1) {
            System.err.println("--epochs must be at least 2 (the first is a warm-up) and --runs at least 1.");
            System.exit(2);
        }
        PruneKit.init();
        Peer peer = new Peer(Peer.findRepo());
        System.out.printf("PruneKit benchmarks: %d runs x %d epochs per side, interleaved with PyTorch%n", runs, epochs);
        List<TrainingBenchmark.Row> rows = TrainingBenchmark.run(peer, epochs, runs, System.out);
        TrainingBenchmark.print(rows, System.out);
        Path csv = peer.repo().resolve("toolkit/target/bench/training.csv");
        TrainingBenchmark.writeCsv(rows, csv);
        System.out.println("\nCSV: " + csv);
    }
}
