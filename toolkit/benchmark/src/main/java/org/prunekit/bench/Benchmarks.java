package org.prunekit.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.prunekit.PruneKit;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.notebook.Rows;
import org.prunekit.notebook.TableFormat;

/**
 * The benchmark command ({@code toolkit/bin/benchmark}): measured numbers, each against its
 * target and, where there is one, its PyTorch peer in the same run (interleaved), printed as
 * tables and written as CSV under {@code toolkit/target/bench/}.
 *
 * <pre>
 * toolkit/bin/benchmark [--only training,han,structured,resnet,masked,global,size,criteria,distill,compression,remedies,llm,lstm,lmtraining,latency,sparse] [--epochs N] [--runs N]
 * </pre>
 *
 * <p>The {@code llm} section trains a small transformer language model ({@link BenchLm}) once and
 * reports two tables on it: one-shot magnitude/Wanda/SparseGPT perplexities beside the PyTorch
 * peer ({@link LlmBenchmark}) and structured head/MLP removal with speed-ups
 * ({@link LmStructuredBenchmark}). The {@code lstm} section does the same one-shot comparison on the
 * catalogue's LSTM language model ({@link BenchLstm}). The {@code lmtraining} section times training of the text
 * models (that transformer, the LSTM language model, the text classifier) against the peer
 * ({@link LmTrainingBenchmark}).
 *
 * <p>After each section it prints the section's time and this JVM's peak resident memory in it
 * ({@link PeakRss}).
 *
 * <p>It starts by printing the CPU and the engine's status ({@link PruneKit#engineStatus()}): every
 * figure depends on both, and on a CPU where the engine check fails the figures are those of the
 * remedy in force. The {@code remedies} section measures what every remedy costs on this CPU.
 */
public final class Benchmarks {

    private static final List<String> SECTIONS = List.of("training", "han", "structured", "resnet", "masked", "global", "size", "criteria", "distill", "compression", "remedies", "llm", "lstm", "lmtraining", "latency", "sparse");

    private Benchmarks() {}

    /**
     * @param args see the class comment
     * @throws IOException if a CSV cannot be written
     */
    public static void main(String[] args) throws IOException {
        int epochs = 4;
        int runs = 5;
        Set<String> only = new LinkedHashSet<>(SECTIONS);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--only" -> {
                    only = new LinkedHashSet<>(List.of(args[++i].split(",")));
                    if (!SECTIONS.containsAll(only)) {
                        usage("Unknown section in " + only + "; sections are " + SECTIONS + ".");
                    }
                }
                default -> usage("Unknown option " + args[i] + ".");
            }
        }
        if (epochs < 2 || runs < 1) {
            usage("--epochs must be at least 2 (the first is a warm-up) and --runs at least 1.");
        }
        PruneKit.init();
        Peer peer = new Peer(Peer.findRepo());
        Path out = peer.repo().resolve("toolkit/target/bench");
        DataSplit mnist = Datasets.mnist(peer.repo().resolve("datasets/mnist")).build();
        System.out.printf("PruneKit benchmarks %s on %d cores, Java %s%n", only, Runtime.getRuntime()
                .availableProcessors(), System.getProperty("java.version"));
        System.out.println(PruneKit.engineStatus());
        for (String section : only) {
            long start = System.nanoTime();
            PeakRss rss = PeakRss.start();
            Rows t = switch (section) {
                case "training" -> {
                    List<TrainingBenchmark.Row> rows = TrainingBenchmark.run(peer, epochs, runs, System.out);
                    TrainingBenchmark.print(rows, System.out);
                    TrainingBenchmark.writeCsv(rows, out.resolve("training.csv"));
                    yield null;
                }
                case "han" -> PruningBenchmark.han(mnist, System.out);
                case "structured" -> PruningBenchmark.structured(mnist, System.out);
                case "resnet" -> PruningBenchmark.resnet(Datasets.fashionMnist().optLimit(12_000).optTestLimit(2_000)
                        .build(), System.out);
                case "masked" -> PruningBenchmark.maskedOverhead(mnist, System.out);
                case "distill" -> CompressionBenchmark.distillation(mnist, Datasets.fashionMnist().optLimit(10_000)
                        .optTestLimit(2_000).build(), System.out);
                case "compression" -> CompressionBenchmark.deepCompression(mnist, System.out);
                case "global" -> PruningBenchmark.globalMasks(peer, System.out);
                case "remedies" -> RemedyBenchmark.run(peer.repo(), System.out);
                case "llm" -> {
                    try (BenchLm lm = BenchLm.trained(System.out)) {
                        LlmBenchmark.Result r = LlmBenchmark.run(peer, lm, System.out);
                        report(r.table(), System.out, out.resolve("llm.csv"));
                        System.out.println(r.verdict());
                        report(LmStructuredBenchmark.run(lm, System.out), System.out,
                                out.resolve("llm-structured.csv"));
                    }
                    yield null;
                }
                case "lstm" -> {
                    LlmBenchmark.Result r = BenchLstm.run(peer, System.out);
                    report(r.table(), System.out, out.resolve("lstm.csv"));
                    System.out.println(r.verdict());
                    yield null;
                }
                case "lmtraining" -> LmTrainingBenchmark.run(peer, System.out);
                case "size" -> PruningBenchmark.fileSizes(mnist, out);
                case "latency" -> {
                    report(LatencyBenchmark.profile(peer, mnist.test()), System.out, out.resolve("latency-profile.csv"));
                    yield LatencyBenchmark.run(peer, mnist.test(), System.out);
                }
                case "sparse" -> SparseBenchmark.run(mnist, peer, out, System.out);
                case "criteria" -> {
                    int i = 0;
                    for (CriteriaBenchmark.Result r : CriteriaBenchmark.run(peer, System.out)) {
                        report(CriteriaBenchmark.table(r), System.out, out.resolve("criteria-" + (++i) + ".csv"));
                        Path png = out.resolve("criteria-" + i + ".png");
                        org.prunekit.viz.Charts.savePng(org.prunekit.viz.Charts.accuracyVsSparsity(
                                CriteriaBenchmark.withPeer(r)), png);
                        System.out.println("chart: " + png);
                    }
                    yield null;
                }
                default -> throw new IllegalStateException(section);
            };
            if (t != null) {
                report(t, System.out, out.resolve(section + ".csv"));
            }
            System.out.printf("(%s: %.0f s, %s)%n", section, (System.nanoTime() - start) / 1e9, rss.describe());
        }
        System.out.println("\nCSV files: " + out);
    }

    /**
     * Prints a result table as every PruneKit table prints ({@link TableFormat}) and writes its
     * values as CSV: the numbers at full precision, for whoever analyses them further.
     *
     * @param table the table
     * @param out where to print it
     * @param csv the CSV file to write
     */
    static void report(Rows table, PrintStream out, Path csv) {
        out.println();
        out.print(table.toText());
        out.flush();
        try {
            Files.createDirectories(csv.toAbsolutePath().getParent());
            table.toTable().write().csv(csv.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + csv + ": " + e.getMessage(), e);
        }
    }

    private static void usage(String message) {
        System.err.println(message + "\nusage: benchmark [--only " + String.join(",", SECTIONS)
                + "] [--epochs N] [--runs N]");
        System.exit(2);
    }
}
