package org.prunekit.bench;

import java.io.PrintStream;
import java.util.Locale;
import org.prunekit.data.DataSplit;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * What masks cost in fine-tuning: LeNet-300-100 dense against the same net with 90 % global
 * magnitude masks (re-applied at every optimizer step), trained epoch by epoch in turns. An epoch
 * of this net lasts ~0.2 s, and a shared machine's load changes within seconds, so the two nets'
 * epochs are interleaved in pairs (the order alternating from pair to pair, both nets of a pair on
 * the same shuffle), and the overhead is the median over the pairs of the ratio within a pair:
 * the two epochs of a pair ran moments apart. The spread of the pair ratios (their quartiles) and a
 * 95 % confidence interval of the median are printed, so a reader sees whether the number of pairs
 * makes the spread smaller than the effect.
 */
final class MaskedOverheadBenchmark {

    /** Pairs timed after the warm-up. */
    static final int PAIRS = 30;
    /** Pairs run first and not counted (JIT, allocator). */
    static final int WARM_UP = 3;
    /** The target, in percent. */
    static final double TARGET = 5;

    private MaskedOverheadBenchmark() {}

    /**
     * @param data the MNIST split
     * @param out where the progress goes
     * @return the table
     */
    static Rows run(DataSplit data, PrintStream out) {
        double[] dense = new double[PAIRS];
        double[] masked = new double[PAIRS];
        double[] overhead = new double[PAIRS];
        try (Net a = Models.lenet300100(); Net b = Models.lenet300100()) {
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.9).optScope(Scope.GLOBAL).build()
                    .plan(b).apply();
            for (int p = 0; p < WARM_UP + PAIRS; p++) {
                double d;
                double m;
                if (p % 2 == 0) {
                    d = epoch(a, data, p);
                    m = epoch(b, data, p);
                } else {
                    m = epoch(b, data, p);
                    d = epoch(a, data, p);
                }
                if (p >= WARM_UP) {
                    int i = p - WARM_UP;
                    dense[i] = d;
                    masked[i] = m;
                    overhead[i] = (m / d - 1) * 100;
                }
            }
        }
        double median = Stats.median(overhead);
        double[] ci = Stats.medianInterval(overhead);
        String spread = String.format(Locale.ROOT, "%+.1f .. %+.1f", Stats.quantile(overhead, 0.25),
                Stats.quantile(overhead, 0.75));
        String interval = String.format(Locale.ROOT, "%+.1f .. %+.1f", ci[0], ci[1]);
        String verdict = (median <= TARGET ? "<=5%: ok" : "<=5%: MISSED") + (ci[1] <= TARGET ? " (whole interval)"
                : ci[0] > TARGET ? " (whole interval above)" : " (interval reaches across 5 %)");
        out.printf(Locale.ROOT, "  masked fine-tuning: %d pairs, median %.4f vs %.4f s/epoch dense, overhead %+.1f %%"
                + " (pair quartiles %s, 95 %% interval of the median %s)%n", PAIRS, Stats.median(masked),
                Stats.median(dense), median, spread, interval);
        return Rows.of("Masked fine-tuning overhead, LeNet-300-100, 90 % global masks (" + PAIRS + " pairs of epochs"
                + " in turns after " + WARM_UP + " warm-up pairs; overhead = median of the pairs' masked/dense ratios)",
                "dense s/epoch", "masked s/epoch", "overhead %", "pair quartiles %", "95 % interval %", "target")
                .add(Stats.median(dense), Stats.median(masked), median, spread, interval, verdict);
    }

    private static double epoch(Net net, DataSplit data, long seed) {
        return Training.fit(net, data, TrainConfig.epochs(1).withSeed(seed), Progress.none()).epochs().get(0).seconds();
    }
}
