package org.prunekit.prune;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.prunekit.data.DataSplit;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Prune → fine-tune → repeat, following a {@link Schedule} (Han et al. 2015; with
 * {@link Schedule#gradual} the targets follow Zhu and Gupta's cubic curve, one pruning event per
 * fine-tuning round). With {@link Builder#optRewindTo(Snapshot)} every round rewinds the
 * surviving weights to the snapshot (the initial weights, for a lottery ticket, Frankle and
 * Carbin 2019) before training again.
 *
 * <pre>{@code
 * PruningHistory h = IterativePruning.builder()
 *         .setPruner(Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.92)
 *                 .optScope(Scope.GLOBAL).build())
 *         .setSchedule(Schedule.iterative(0.92, 5))
 *         .optFineTune(TrainConfig.epochs(2))
 *         .build()
 *         .run(net, data);
 * }</pre>
 */
public final class IterativePruning {

    private final Pruner pruner;
    private final Schedule schedule;
    private final TrainConfig fineTune;
    private final Snapshot rewindTo;
    private final PrintStream out;

    private IterativePruning(Builder b) {
        this.pruner = b.pruner;
        this.schedule = b.schedule;
        this.fineTune = b.fineTune;
        this.rewindTo = b.rewindTo;
        this.out = b.out;
    }

    /** @return a builder; pruner and schedule are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs every step on {@code net} (changed in place).
     *
     * @param net the (trained) net
     * @param data train data for pruning statistics and fine-tuning, test data for accuracy
     * @return the per-step record
     */
    public PruningHistory run(Net net, DataSplit data) {
        double dense = net.accuracy(data.test());
        List<PruningHistory.Step> steps = new ArrayList<>();
        for (int k = 1; k <= schedule.steps(); k++) {
            double target = schedule.sparsityAt(k);
            pruner.withSparsity(target).plan(net, data).apply();
            double pruned = net.accuracy(data.test());
            if (rewindTo != null) {
                rewindTo.rewind(net);
            }
            TrainConfig round = fineTune.withSeed(fineTune.seed() + k);
            double accuracy = round.epochs() > 0
                    ? Training.fit(net, data, round, Progress.none()).finalTestAccuracy() : pruned;
            SparsityReport report = SparsityReport.of(net);
            PruningHistory.Step step = new PruningHistory.Step(k, target, report.sparsity(), report.nonZero(), pruned,
                    accuracy);
            steps.add(step);
            if (out != null) {
                out.printf("step %d/%d: target %.4f, sparsity %.4f (%.1fx), acc pruned %.4f, fine-tuned %.4f%n", k,
                        schedule.steps(), target, step.sparsity(), report.compression(), pruned, accuracy);
                out.flush();
            }
        }
        return new PruningHistory(net.name(), toString(), dense, steps);
    }

    @Override
    public String toString() {
        return pruner.importance().name() + ", " + pruner.scope() + " " + pruner.granularity() + ", " + schedule
                + ", fine-tune " + fineTune + (rewindTo != null ? ", rewinding to a snapshot each round" : "");
    }

    /** Builder of {@link IterativePruning}. */
    public static final class Builder {
        private Pruner pruner;
        private Schedule schedule;
        private TrainConfig fineTune = TrainConfig.epochs(1);
        private Snapshot rewindTo;
        private PrintStream out = System.out;

        Builder() {}

        /**
         * @param pruner criterion, scope and granularity (its sparsity is replaced by the schedule's targets)
         * @return this builder
         */
        public Builder setPruner(Pruner pruner) {
            this.pruner = Objects.requireNonNull(pruner, "pruner");
            return this;
        }

        /**
         * @param schedule the targets of the steps
         * @return this builder
         */
        public Builder setSchedule(Schedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * @param fineTune training after each pruning step (default 1 epoch; 0 epochs for none)
         * @return this builder
         */
        public Builder optFineTune(TrainConfig fineTune) {
            this.fineTune = Objects.requireNonNull(fineTune, "fineTune");
            return this;
        }

        /**
         * @param snapshot weights to rewind the survivors to after each pruning step (lottery ticket)
         * @return this builder
         */
        public Builder optRewindTo(Snapshot snapshot) {
            this.rewindTo = snapshot;
            return this;
        }

        /**
         * @param progress where to print one line per step, or null for silence (default standard output)
         * @return this builder
         */
        public Builder optProgress(PrintStream progress) {
            this.out = progress;
            return this;
        }

        /** @return the runner */
        public IterativePruning build() {
            if (pruner == null || schedule == null) {
                throw new IllegalStateException("setPruner(...) and setSchedule(...) are required.");
            }
            return new IterativePruning(this);
        }
    }
}
