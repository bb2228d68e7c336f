package org.prunekit.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.prunekit.RunProvenance;
import org.prunekit.Runner;
import org.prunekit.RunnerBuilder;
import org.prunekit.data.ExampleSplit;
import org.prunekit.train.Metric;
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
 *         .optFineTune(TrainConfig.epochs(2))          // default 1 epoch, as every Runner
 *         .build()
 *         .run(net, data);
 * }</pre>
 *
 * <p>Round {@code k} fine-tunes with the fine-tuning's seed + k, so the rounds see the data in
 * different orders. The history records how the run was made (see {@link #provenance}).
 */
public final class IterativePruning implements Runner<PruningHistory> {

    private final Pruner pruner;
    private final Schedule schedule;
    private final TrainConfig fineTune;
    private final Snapshot rewindTo;
    private final Progress progress;

    private IterativePruning(Builder b) {
        this.pruner = b.pruner;
        this.schedule = b.schedule;
        this.fineTune = b.fineTune();
        this.rewindTo = b.rewindTo;
        this.progress = b.progress();
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
    @Override
    public PruningHistory run(Net net, ExampleSplit data) {
        Metric metric = Metric.of(data.test());
        double dense = metric.measure(net, data.test());
        List<PruningHistory.Step> steps = new ArrayList<>();
        try (Progress.Task task = progress.start("Iterative pruning of " + net.name(), schedule.steps(), "steps")) {
            for (int k = 1; k <= schedule.steps(); k++) {
                task.advance(k - 1, String.format(Locale.ROOT, "step %d/%d: target %.4f", k, schedule.steps(),
                        schedule.sparsityAt(k)));
                PruningHistory.Step step = step(net, data, k, metric);
                steps.add(step);
                task.log(String.format(Locale.ROOT, "step %d/%d: target %.4f, sparsity %.4f (%.1fx), %s pruned %s,"
                        + " fine-tuned %s", k, schedule.steps(), step.target(), step.sparsity(),
                        SparsityReport.of(net).compression(), metric.shortLabel(), metric.format(step.accuracyPruned()),
                        metric.format(step.accuracy())));
            }
            task.advance(schedule.steps(), "done");
            task.done(String.format(Locale.ROOT, "Iterative pruning of %s: %d steps to sparsity %.4f", net.name(),
                    schedule.steps(), steps.get(steps.size() - 1).sparsity()));
        }
        return new PruningHistory(provenance(net, data), dense, steps, metric);
    }

    /**
     * @param net the net the run is made on
     * @param data its data
     * @return how a run on them is made: criterion, scope, granularity, schedule, fine-tuning, rewinding
     */
    public RunProvenance provenance(Net net, ExampleSplit data) {
        return RunProvenance.builder("IterativePruning", net.name(), data).add("criterion", pruner.importance())
                .add("scope", pruner.scope()).add("granularity", pruner.granularity()).add("schedule", schedule)
                .add("fine-tune", fineTune).add("fine-tune seed", "fine-tune seed + step")
                .add("rewind", rewindTo != null ? "to a snapshot after each pruning step" : "no").build();
    }

    /** Prunes to step k's target, rewinds if asked, fine-tunes, and measures. */
    private PruningHistory.Step step(Net net, ExampleSplit data, int k, Metric metric) {
        double target = schedule.sparsityAt(k);
        pruner.withSparsity(target).plan(net, data).apply();
        double pruned = metric.measure(net, data.test());
        if (rewindTo != null) {
            rewindTo.rewind(net);
        }
        TrainConfig round = fineTune.withSeed(fineTune.seed() + k);
        double accuracy = round.epochs() > 0 ? Training.fit(net, data, round, Progress.none()).finalTestScore()
                : pruned;
        SparsityReport report = SparsityReport.of(net);
        return new PruningHistory.Step(k, target, report.sparsity(), report.nonZero(), pruned, accuracy);
    }

    @Override
    public String toString() {
        return pruner.importance().name() + ", " + pruner.scope() + " " + pruner.granularity() + ", " + schedule
                + ", fine-tune " + fineTune + (rewindTo != null ? ", rewinding to a snapshot each round" : "");
    }

    /** Builder of {@link IterativePruning}. */
    public static final class Builder extends RunnerBuilder.WithFineTune<Builder> {
        private Pruner pruner;
        private Schedule schedule;
        private Snapshot rewindTo;

        Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * @param pruner criterion, scope and granularity (its sparsity is replaced by the schedule's targets)
         * @return this builder
         */
        public Builder setPruner(Pruner pruner) {
            this.pruner = Runner.require(pruner, "The pruner");
            return this;
        }

        /**
         * @param schedule the targets of the steps
         * @return this builder
         */
        public Builder setSchedule(Schedule schedule) {
            this.schedule = Runner.require(schedule, "The schedule");
            return this;
        }

        /**
         * @param snapshot weights to rewind the survivors to after each pruning step (lottery ticket;
         *     default: no rewinding)
         * @return this builder
         */
        public Builder optRewindTo(Snapshot snapshot) {
            this.rewindTo = Runner.require(snapshot, "The snapshot (leave optRewindTo out for no rewinding)");
            return this;
        }

        /**
         * @return the runner
         * @throws IllegalStateException if the pruner or the schedule is missing
         */
        public IterativePruning build() {
            Runner.required(pruner != null, "IterativePruning", "setPruner(...), e.g. setPruner(Pruner.builder()"
                    + ".setImportance(Importance.magnitudeL1()).setSparsity(0.9).build())");
            Runner.required(schedule != null, "IterativePruning", "setSchedule(...), e.g. setSchedule(Schedule"
                    + ".iterative(0.9, 3))");
            return new IterativePruning(this);
        }
    }
}
