package org.prunekit.prune;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.prunekit.RunProvenance;
import org.prunekit.Runner;
import org.prunekit.RunnerBuilder;
import org.prunekit.data.ExampleSplit;
import org.prunekit.data.Examples;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;
import org.prunekit.train.Evaluation;
import org.prunekit.train.Metric;
import org.prunekit.train.Latency;
import org.prunekit.train.Progress;

/**
 * Measures several versions of a net side by side — size, computation, file bytes, inference time
 * (the nets timed in turns, see {@link Latency#compare}) and accuracy — into a {@link Comparison}.
 * It has the shape of every {@link Runner} (builder, {@code build()}, {@code run}), but runs on
 * several nets at once, so {@code run} takes them as a map: label → net, in the order to show, the
 * first the reference of the speed-up and the compression (put the dense net first). The nets are
 * not changed.
 *
 * <pre>{@code
 * Map<String, Net> nets = new LinkedHashMap<>();
 * nets.put("dense", dense);
 * nets.put("90 % masked", masked);
 * Comparison c = NetComparison.builder().optBatchSize(1000).build().run(nets, data);
 * c.row("90 % masked").compression()
 * }</pre>
 */
public final class NetComparison {

    /** Images per timed pass unless told otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    private final int batchSize;
    private final Progress progress;

    private NetComparison(Builder b) {
        this.batchSize = b.batchSize;
        this.progress = b.progress();
    }

    /** @return a builder; every setting is optional */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param nets label → net, in the order to show (use a {@code LinkedHashMap}); the first is the
     *     reference of the speed-up and of the compression
     * @param data the data; its test set is classified and timed
     * @return the comparison
     */
    public Comparison run(Map<String, ? extends Net> nets, ExampleSplit data) {
        return run(nets, data.test());
    }

    /**
     * @param nets label → net, in order; the first is the reference of speed-up and compression
     * @param test the examples to predict and to time (the first {@code batchSize}, or all of them if
     *     there are fewer; the result's batch size is the number timed); token windows are judged by
     *     perplexity
     * @return the comparison
     * @throws IllegalArgumentException if no net is given
     */
    public Comparison run(Map<String, ? extends Net> nets, Examples test) {
        if (nets.isEmpty()) {
            throw new IllegalArgumentException("Give at least one net to compare.");
        }
        // a test set smaller than the batch is timed whole: the table says how many images were timed
        int timed = Math.min(batchSize, test.size());
        RunProvenance provenance = RunProvenance.builder("NetComparison", nets.size() + " nets", test)
                .add("nets", List.copyOf(nets.keySet())).add("reference", nets.keySet().iterator().next())
                .add("batch size", timed).add("timing", "nets timed in turns, 5 rounds of 7 passes, best round median")
                .build();
        List<Comparison.Row> rows = new ArrayList<>();
        try (Progress.Task task = progress.start("Comparing " + nets.size() + " nets", nets.size() + 1L, "steps")) {
            task.advance(0, "timing the nets in turns");
            double[] millis = Latency.compare(List.copyOf(nets.values()), test, timed, 5, 7);
            Net first = nets.values().iterator().next();
            Path dir = Files.createTempDirectory("prunekit-compare");
            try {
                int k = 0;
                for (Map.Entry<String, ? extends Net> e : nets.entrySet()) {
                    task.advance(k + 1, "measuring " + e.getKey());
                    rows.add(row(e.getKey(), e.getValue(), first, test, dir.resolve("net.pk"), millis[k++]));
                }
            } finally {
                Files.deleteIfExists(dir.resolve("net.pk"));
                Files.deleteIfExists(dir);
            }
            task.done("Compared " + nets.size() + " nets on " + test.name());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write a temporary file: " + e.getMessage(), e);
        }
        return new Comparison(provenance, timed, rows, Metric.of(test));
    }

    private static Comparison.Row row(String name, Net n, Net first, Examples test, Path file, double millis)
            throws IOException {
        Evaluation ev = n.evaluate(test);
        boolean perClass = ev.metric() == Metric.ACCURACY;
        SparsityReport r = SparsityReport.of(n, first);
        long bytes = NetIO.save(n, file, NetIO.Format.SPARSE);
        long nonZeroMacs = r.rows().stream().mapToLong(SparsityReport.Row::nonZeroMacs).filter(m -> m >= 0).sum();
        return new Comparison.Row(name, n.parameterCount(), r.weights(), r.nonZero(), r.macs(), nonZeroMacs, bytes,
                millis, ev.accuracy(), perClass ? ev.macroF1() : Double.NaN, perClass ? IntStream.range(0, n.numClasses())
                .mapToDouble(ev::f1).min().orElse(0) : Double.NaN, perClass ? Double.NaN : ev.perplexity(),
                r.referenceWeights());
    }

    /** Settings of a comparison; all {@code opt*}. */
    public static final class Builder extends RunnerBuilder<Builder> {
        private int batchSize = DEFAULT_BATCH_SIZE;

        Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * @param batchSize images per timed pass (default {@value NetComparison#DEFAULT_BATCH_SIZE})
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("The batch size must be at least 1, got " + batchSize + ".");
            }
            this.batchSize = batchSize;
            return this;
        }

        /** @return the comparison, ready to run */
        public NetComparison build() {
            return new NetComparison(this);
        }
    }
}
