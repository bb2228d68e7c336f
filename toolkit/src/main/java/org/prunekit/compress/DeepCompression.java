package org.prunekit.compress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.prunekit.RunProvenance;
import org.prunekit.Runner;
import org.prunekit.RunnerBuilder;
import org.prunekit.RunResult;
import org.prunekit.data.ExampleSplit;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;
import org.prunekit.model.Quantization;
import org.prunekit.notebook.TableFormat;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * Han et al.'s "deep compression" pipeline as one measured table: for each sparsity, prune a copy
 * of the trained net globally (and fine-tune it, if asked), then for each bit width quantize a
 * copy of that and record the size of its file and its test accuracy. 32 bits means no
 * quantization (the sparse float format). The trained net is not changed. Fine-tuning after
 * pruning is {@link Runner#defaultFineTune()} (1 epoch), as for every runner, unless set.
 *
 * <pre>{@code
 * DeepCompression.Result r = DeepCompression.builder()
 *         .setSparsities(0, 0.5, 0.9)
 *         .setBits(32, 8, 4)
 *         .optFineTune(TrainConfig.epochs(1))       // the default; TrainConfig.epochs(0) for none
 *         .build()
 *         .run(net, data);                       // a table: sparsity x bits -> bytes, accuracy
 * }</pre>
 */
public final class DeepCompression implements Runner<DeepCompression.Result> {

    private final double[] sparsities;
    private final int[] bits;
    private final Importance importance;
    private final TrainConfig fineTune;
    private final Progress progress;

    private DeepCompression(Builder b) {
        this.sparsities = b.sparsities;
        this.bits = b.bits;
        this.importance = b.importance;
        this.fineTune = b.fineTune();
        this.progress = b.progress();
    }

    /** @return a builder; sparsities and bits are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One measured combination.
     *
     * @param sparsity the global sparsity of the Linear/Conv2d weights
     * @param bits bits per weight (32: not quantized)
     * @param bytes the size of the saved file
     * @param accuracy test accuracy of the pruned (fine-tuned) and quantized net
     */
    public record Point(double sparsity, int bits, long bytes, double accuracy) {}

    /**
     * The table, with how it was made ({@link #provenance()}, shown in the notes).
     *
     * @param provenance how it was made: net, data, sparsities, bit widths, criterion, fine-tuning
     * @param denseBytes the dense 32-bit file ({@link NetIO.Format#DENSE}) of the unpruned net
     * @param denseAccuracy the unpruned net's test accuracy
     * @param points one per sparsity and bit width
     */
    public record Result(RunProvenance provenance, long denseBytes, double denseAccuracy, List<Point> points)
            implements RunResult {

        /** Copies the points. */
        public Result {
            java.util.Objects.requireNonNull(provenance, "provenance");
            points = List.copyOf(points);
        }


        /**
         * @param sparsity a measured sparsity (equal within 1e-9)
         * @param bits a measured bit width
         * @return that point
         */
        public Point point(double sparsity, int bits) {
            return points.stream().filter(p -> Runner.same(p.sparsity(), sparsity) && p.bits() == bits).findFirst()
                    .orElseThrow(
                    () -> new IllegalArgumentException("No point at sparsity " + sparsity + " and " + bits + " bits."));
        }

        @Override
        public Table toTable() {
            return Table.create("Pruned + quantized " + net() + " (dense file " + TableFormat.number(denseBytes)
                    + " B, accuracy " + TableFormat.number(denseAccuracy) + ")",
                    DoubleColumn.create("sparsity", points.stream().mapToDouble(Point::sparsity)),
                    IntColumn.create("bits", points.stream().mapToInt(Point::bits).toArray()),
                    LongColumn.create("file bytes", points.stream().mapToLong(Point::bytes).toArray()),
                    DoubleColumn.create("x smaller than dense", points.stream().mapToDouble(p -> denseBytes
                            / (double) p.bytes())),
                    DoubleColumn.create("accuracy", points.stream().mapToDouble(Point::accuracy)),
                    DoubleColumn.create("accuracy change", points.stream().mapToDouble(p -> p.accuracy()
                            - denseAccuracy)));
        }

        @Override
        public String toString() {
            return toText();
        }
    }

    /**
     * @param net a trained net (not changed)
     * @param data fine-tuning data (train) and the accuracy's test set
     * @return the table
     */
    @Override
    public Result run(Net net, ExampleSplit data) {
        RunProvenance provenance = RunProvenance.builder("DeepCompression", net.name(), data)
                .add("sparsities", sparsities).add("bits", bits).add("criterion", importance)
                .add("scope", Scope.GLOBAL).add("fine-tune", fineTune)
                .add("quantizer", "symmetric per channel (Quantizer.perChannel), 32 bits = not quantized").build();
        List<Point> points = new ArrayList<>();
        try (Progress.Task task = progress.start("Deep compression of " + net.name(),
                (long) sparsities.length * bits.length, "points")) {
            Path dir = Files.createTempDirectory("prunekit-compression");
            try {
                long dense = NetIO.save(net, dir.resolve("dense.pk"), NetIO.Format.DENSE);
                double denseAccuracy = net.accuracy(data.test());
                for (double s : sparsities) {
                    task.advance(points.size(), String.format(Locale.ROOT, "sparsity %.2f", s));
                    try (Net pruned = net.copy()) {
                        if (s > 0) {
                            Pruner.builder().setImportance(importance).setSparsity(s).optScope(Scope.GLOBAL).build()
                                    .plan(pruned, data).apply();
                            if (fineTune.epochs() > 0) {
                                Training.fit(pruned, data, fineTune, Progress.none());
                            }
                        }
                        for (int b : bits) {
                            try (Net q = pruned.copy()) {
                                Path file = dir.resolve("s" + s + "-b" + b + ".pk");
                                long bytes;
                                if (b == 32) {
                                    bytes = NetIO.save(q, file, NetIO.Format.SPARSE);
                                } else {
                                    Quantizer.perChannel(b).apply(q);
                                    bytes = NetIO.saveQuantized(q, file, b);
                                }
                                Point p = new Point(s, b, bytes, q.accuracy(data.test()));
                                points.add(p);
                                task.log(String.format(Locale.ROOT, "sparsity %.2f, %2d bits: %,d B, accuracy %.4f",
                                        s, b, bytes, p.accuracy()));
                            }
                        }
                    }
                }
                task.done(String.format(Locale.ROOT, "Deep compression of %s: %d sparsities x %d bit widths",
                        net.name(), sparsities.length, bits.length));
                return new Result(provenance, dense, denseAccuracy, points);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the compressed files: " + e.getMessage(), e);
        }
    }

    /** Builder: {@code set*} required, {@code opt*} optional. */
    public static final class Builder extends RunnerBuilder.WithFineTune<Builder> {
        private double[] sparsities;
        private int[] bits;
        private Importance importance = Importance.magnitudeL1();

        Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * @param sparsities global sparsities, each in [0, 1) (0: not pruned)
         * @return this builder
         */
        public Builder setSparsities(double... sparsities) {
            if (sparsities.length == 0) {
                throw new IllegalArgumentException("Give at least one sparsity, e.g. 0, 0.9.");
            }
            for (double s : sparsities) {
                if (!(s >= 0 && s < 1)) {
                    throw new IllegalArgumentException("Sparsity must be in [0, 1), got " + s + ".");
                }
            }
            this.sparsities = sparsities.clone();
            return this;
        }

        /**
         * @param bits bit widths, each 2..16, or 32 for unquantized 32-bit floats
         * @return this builder
         */
        public Builder setBits(int... bits) {
            if (bits.length == 0) {
                throw new IllegalArgumentException("Give at least one bit width, e.g. 32, 8, 4.");
            }
            for (int b : bits) {
                if (b != 32) {
                    Quantization.checkBits(b);
                }
            }
            this.bits = bits.clone();
            return this;
        }

        /**
         * @param importance the pruning criterion (default magnitude L1, as Han et al.)
         * @return this builder
         */
        public Builder optImportance(Importance importance) {
            this.importance = Runner.require(importance, "The criterion");
            return this;
        }

        /**
         * @return the pipeline
         * @throws IllegalStateException if the sparsities or the bit widths are missing
         */
        public DeepCompression build() {
            Runner.required(sparsities != null, "DeepCompression", "setSparsities(...), e.g. setSparsities(0, 0.9)");
            Runner.required(bits != null, "DeepCompression", "setBits(...), e.g. setBits(32, 8)");
            return new DeepCompression(this);
        }
    }

    @Override
    public String toString() {
        return "DeepCompression{sparsities " + Arrays.toString(sparsities) + ", bits " + Arrays.toString(bits) + "}";
    }
}
