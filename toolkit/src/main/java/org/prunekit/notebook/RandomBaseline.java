package org.prunekit.notebook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.prunekit.Runner;
import org.prunekit.Tabular;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Sweep;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Random pruning as a baseline: a sweep of several random seeds, summarised at each sparsity as
 * replicates (mean, spread, range), with any criterion's accuracy placed against them in words. One
 * random seed is one draw; a criterion only clearly beats random pruning where its accuracy lies
 * above every seed's, and a difference within their range is what chance also gives. A value.
 *
 * <pre>{@code
 * Sweep runs = SparsitySweep.builder().setCriteria(RandomBaseline.seeds(5)).setSparsities(0.5, 0.9).build().run(net, data);
 * RandomBaseline random = RandomBaseline.of(runs);
 * random.afterFineTuning(0.9)                 // random: 0.7010 ± 0.0120 over 5 runs (0.6850 .. 0.7160)
 * random.versus(0.9, false, 0.8316)           // 0.8316, above every random run (+13.06 pp)
 * random.against(criteriaSweep)               // every criterion at every sparsity, in those words
 * criteriaSweep.merge(random.band()).plot()   // lowest, mean and highest run as lines
 * }</pre>
 *
 * @param runs the sweep of the random seeds (every criterion in it is one seed)
 */
public record RandomBaseline(Sweep runs) implements Tabular {

    /** Checks that the sweep holds runs. */
    public RandomBaseline {
        if (runs.points().isEmpty()) {
            throw new IllegalArgumentException("A random baseline needs at least one run; the sweep has no points.");
        }
    }

    /**
     * @param count how many seeds (at least 1)
     * @return {@code Importance.random(1)} to {@code random(count)}, named "random 1", "random 2", ...
     */
    public static Importance[] seeds(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("Give at least one seed, got " + count + ".");
        }
        return IntStream.rangeClosed(1, count).mapToObj(s -> Importance.random(s).named("random " + s))
                .toArray(Importance[]::new);
    }

    /**
     * @param runs a sweep whose criteria are random seeds (e.g. {@link #seeds})
     * @return the baseline
     */
    public static RandomBaseline of(Sweep runs) {
        return new RandomBaseline(runs);
    }

    /** @return the number of seeds (the sweep's criteria, each an object of its own) */
    public int seedCount() {
        return runs.importances().size();
    }

    /** @return the sparsities the random runs were made at, in increasing order */
    public double[] sparsities() {
        return runs.points().stream().mapToDouble(Sweep.Point::sparsity).distinct().sorted().toArray();
    }

    /**
     * @param sparsity one of {@link #sparsities()}
     * @return the random runs' test accuracy right after pruning
     */
    public Replicates rightAfterPruning(double sparsity) {
        return at(sparsity, true);
    }

    /**
     * @param sparsity one of {@link #sparsities()}
     * @return the random runs' test accuracy after fine-tuning
     */
    public Replicates afterFineTuning(double sparsity) {
        return at(sparsity, false);
    }

    /**
     * @param sparsity one of {@link #sparsities()}
     * @param rightAfterPruning right after pruning, or after fine-tuning
     * @return the random runs' test accuracy there
     */
    public Replicates at(double sparsity, boolean rightAfterPruning) {
        double[] acc = runs.points().stream().filter(p -> Runner.same(p.sparsity(), sparsity))
                .mapToDouble(p -> rightAfterPruning ? p.accuracyPruned() : p.accuracy()).toArray();
        if (acc.length == 0) {
            throw new IllegalArgumentException("No random run at sparsity " + sparsity + "; the runs are at "
                    + Arrays.toString(sparsities()) + ".");
        }
        return Replicates.of("random", acc);
    }

    /**
     * Places an accuracy against the random runs at its sparsity.
     *
     * @param sparsity one of {@link #sparsities()}
     * @param rightAfterPruning compare with the runs right after pruning, or after fine-tuning
     * @param accuracy another result at that sparsity and stage
     * @return e.g. {@code "0.8316, above every random run (+13.06 pp)"}, with the distance from the random mean
     */
    public String versus(double sparsity, boolean rightAfterPruning, double accuracy) {
        Replicates r = at(sparsity, rightAfterPruning);
        String where = accuracy > r.max() ? "above every random run" : accuracy < r.min() ? "below every random run"
                : "within the random range";
        return String.format(Locale.ROOT, "%.4f, %s (%+.2f pp)", accuracy, where, 100 * (accuracy - r.mean()));
    }

    /**
     * Counts where a sweep's criteria stand against the random runs at one sparsity.
     *
     * @param criteria a sweep made at (among others) this sparsity
     * @param sparsity one of {@link #sparsities()}
     * @param rightAfterPruning right after pruning, or after fine-tuning
     * @return e.g. {@code "2 of 6 criteria above every random run, 3 within their range, 1 below every one"}
     */
    public String standing(Sweep criteria, double sparsity, boolean rightAfterPruning) {
        Replicates r = at(sparsity, rightAfterPruning);
        double[] acc = criteria.points().stream().filter(p -> Runner.same(p.sparsity(), sparsity))
                .mapToDouble(p -> rightAfterPruning ? p.accuracyPruned() : p.accuracy()).toArray();
        long above = Arrays.stream(acc).filter(a -> a > r.max()).count();
        long below = Arrays.stream(acc).filter(a -> a < r.min()).count();
        return String.format(Locale.ROOT, "%d of %d criteria above every random run, %d within their range, %d below"
                + " every one", above, acc.length, acc.length - above - below, below);
    }

    /**
     * @param criteria a sweep of other criteria (the same net, data and granularity)
     * @return at every sparsity of the random runs: the random runs (mean ± sd, range), then every
     *     criterion of {@code criteria} made there, in {@link #versus} words, right after pruning and
     *     after fine-tuning
     */
    public Table against(Sweep criteria) {
        StringColumn sparsity = StringColumn.create("sparsity");
        StringColumn criterion = StringColumn.create("criterion");
        StringColumn pruned = StringColumn.create("right after pruning");
        StringColumn tuned = StringColumn.create("after fine-tuning");
        for (double s : sparsities()) {
            String at = String.format(Locale.ROOT, "%.4f", s);
            sparsity.append(at);
            criterion.append("random, " + seedCount() + " seeds");
            pruned.append(summary(rightAfterPruning(s)));
            tuned.append(summary(afterFineTuning(s)));
            for (Importance c : criteria.importances()) {
                for (Sweep.Point p : criteria.of(c)) {
                    if (Runner.same(p.sparsity(), s)) {
                        sparsity.append(at);
                        criterion.append(criteria.label(c));
                        pruned.append(versus(s, true, p.accuracyPruned()));
                        tuned.append(versus(s, false, p.accuracy()));
                    }
                }
            }
        }
        return Table.create("Against random pruning (" + seedCount() + " seeds): accuracy, where it stands, distance"
                + " from the random mean", sparsity, criterion, pruned, tuned);
    }

    /**
     * @return the random runs as three criteria of one sweep, for a chart: the highest, the mean and
     *     the lowest run at each sparsity (right after pruning and after fine-tuning alike), each a
     *     {@link Importance#reported reported} criterion, with the runs' provenance
     */
    public Sweep band() {
        List<Sweep.Point> points = new ArrayList<>();
        int n = seedCount();
        String[] names = {"random: highest of " + n, "random: mean of " + n, "random: lowest of " + n};
        for (int k = 0; k < names.length; k++) {
            for (double s : sparsities()) {
                Replicates p = rightAfterPruning(s);
                Replicates f = afterFineTuning(s);
                double[] atPruning = {p.max(), p.mean(), p.min()};
                double[] atTuning = {f.max(), f.mean(), f.min()};
                Sweep.Point any = runs.points().stream().filter(q -> Runner.same(q.sparsity(), s)).findFirst()
                        .orElseThrow();
                points.add(new Sweep.Point(Importance.reported(names[k]), s, atPruning[k], atTuning[k], any.nonZero(), any.parameters(),
                        any.latencyMs()));
            }
        }
        return new Sweep(runs.provenance(), runs.granularity(), runs.baseline(), points);
    }

    private static String summary(Replicates r) {
        return String.format(Locale.ROOT, "%.4f ± %.4f (%.4f – %.4f)", r.mean(), r.sd(), r.min(), r.max());
    }

    /** @return per sparsity: the runs' mean ± sd and range, right after pruning and after fine-tuning */
    @Override
    public Table toTable() {
        double[] s = sparsities();
        return Table.create("Random pruning, " + seedCount() + " seeds (test accuracy)",
                DoubleColumn.create("sparsity", s),
                StringColumn.create("right after pruning: mean ± sd (range)",
                        Arrays.stream(s).mapToObj(x -> summary(rightAfterPruning(x))).toArray(String[]::new)),
                StringColumn.create("after fine-tuning: mean ± sd (range)",
                        Arrays.stream(s).mapToObj(x -> summary(afterFineTuning(x))).toArray(String[]::new)));
    }

    /** @return the table as text ({@link #toText()}) */
    @Override
    public String toString() {
        return toText();
    }
}
