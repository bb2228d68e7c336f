package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.TextSplit;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Latency;
import org.prunekit.train.Metric;
import org.prunekit.train.Progress;
import org.prunekit.train.SpeedUp;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Nets for text go through the same pruning calls as nets for images: plans with data-driven
 * criteria, sweeps, sensitivity scans, iterative pruning and comparisons, which report
 * perplexity (lower is better) for a language model and accuracy for a text classifier.
 */
class TextRunnersTest {

    private static CorpusSplit text;
    private static Net lm;

    @BeforeAll
    static void train() {
        text = Datasets.mobyDick().optWindow(32).optLimit(600).optTestLimit(60).optBatchSize(32).build();
        lm = Models.bigramLm(text.vocabulary().size(), 32);
        Training.fit(lm, text, TrainConfig.epochs(2), Progress.none());
    }

    @Test
    void aDataDrivenPlanOfALanguageModelPrunesAndRaisesPerplexity() {
        for (Importance criterion : List.of(Importance.taylor(), Importance.magnitudeL1())) {
            try (Net copy = lm.copy()) {
                double dense = copy.perplexity(text.test());
                Pruner.builder().setImportance(criterion).setSparsity(0.8).optScope(Scope.GLOBAL).build()
                        .plan(copy, text).apply();
                assertEquals(0.8, SparsityReport.of(copy).sparsity(), 1e-3);
                double pruned = copy.perplexity(text.test());
                assertTrue(pruned > dense && Double.isFinite(pruned), criterion + ": " + dense + " -> " + pruned);
            }
        }
    }

    @Test
    void aSweepOfALanguageModelReportsPerplexityAndRanksLowerAsBetter() {
        Sweep sweep = SparsitySweep.builder().setCriteria(Importance.magnitudeL1(), Importance.random(1))
                .setSparsities(0.5, 0.9).optFineTune(TrainConfig.epochs(0)).optProgress(Progress.none()).build()
                .run(lm, text);
        assertEquals(Metric.PERPLEXITY, sweep.metric());
        assertEquals(lm.perplexity(text.test()), sweep.baseline(), 1e-9);
        Sweep.Point half = sweep.at(Importance.magnitudeL1(), 0.5);
        Sweep.Point most = sweep.at(Importance.magnitudeL1(), 0.9);
        assertTrue(most.accuracy() > half.accuracy() && half.accuracy() >= sweep.baseline() * 0.99, sweep.toString());
        assertTrue(sweep.at(Importance.random(1), 0.9).accuracy() > most.accuracy(),
                "random pruning hurts more than magnitude: " + sweep);
        var ranking = sweep.ranking(0.05);
        assertEquals("magnitude-L1", ranking.stringColumn("criterion").get(0), "lowest mean perplexity first");
        assertTrue(ranking.columnNames().contains("mean ppl pruned"), ranking.columnNames().toString());
        assertTrue(sweep.toString().contains("dense perplexity"), sweep.toString());
        assertTrue(sweep.plot().getWidth() > 0, "perplexities are drawn as they are, not as fractions");
    }

    @Test
    void sensitivityIterativePruningAndComparisonSpeakPerplexity() {
        Sensitivity s = SensitivityScan.builder().setImportance(Importance.magnitudeL1()).setSparsities(0.5, 0.95)
                .optProgress(Progress.none()).build().run(lm, text);
        assertEquals(Metric.PERPLEXITY, s.metric());
        assertEquals(List.of("fc1", "fc2"), s.layers());
        for (String layer : s.layers()) {
            assertTrue(s.of(layer).get(1).accuracy() > s.baseline(), s.toString());
        }
        assertTrue(s.safeSparsity("fc1", 1.0) >= 0.5, "within 100 % of the dense perplexity: " + s);
        assertTrue(s.plot().getWidth() > 0);
        try (Net copy = lm.copy("iterative"); Net pruned = lm.copy("pruned")) {
            PruningHistory h = IterativePruning.builder().setPruner(Pruner.builder().setImportance(
                    Importance.magnitudeL1()).setSparsity(0.5).build()).setSchedule(Schedule.iterative(0.8, 2))
                    .optFineTune(TrainConfig.epochs(1)).optProgress(Progress.none()).build().run(copy, text);
            assertEquals(Metric.PERPLEXITY, h.metric());
            assertEquals(copy.perplexity(text.test()), h.last().accuracy(), 1e-3 * h.last().accuracy());
            assertTrue(h.last().accuracy() < h.last().accuracyPruned(), "fine-tuning lowers the perplexity: " + h);
            assertTrue(h.plot().getWidth() > 0 && h.toString().contains("ppl fine-tuned"), h.toString());

            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.9).build().plan(pruned).apply();
            Map<String, Net> nets = new LinkedHashMap<>();
            nets.put("dense", lm);
            nets.put("90 %", pruned);
            Comparison c = NetComparison.builder().optProgress(Progress.none()).build().run(nets, text);
            assertEquals(Metric.PERPLEXITY, c.metric());
            assertEquals(lm.perplexity(text.test()), c.score("dense"), 1e-3 * c.score("dense"));
            assertTrue(c.score("90 %") > c.score("dense"), c.toString());
            assertTrue(Double.isNaN(c.row("dense").macroF1()), "no per-class F1 for a language model");
            assertTrue(c.toTable().columnNames().contains("perplexity"));
        }
    }

    @Test
    void aTextClassifierSweepReportsAccuracy() {
        TextSplit mail = Datasets.spamAssassin().optLimit(600).optTestLimit(200).optMaxLength(64).build();
        try (Net net = Models.textClassifier(mail.vocabulary().size(), 64, 2)) {
            Training.fit(net, mail, TrainConfig.epochs(2), Progress.none());
            Sweep sweep = SparsitySweep.builder().setCriteria(Importance.taylor()).setSparsities(0.5)
                    .optGranularity(Granularity.STRUCTURED).optFineTune(TrainConfig.epochs(0))
                    .optProgress(Progress.none()).build().run(net, mail);
            assertEquals(Metric.ACCURACY, sweep.metric());
            assertEquals(net.accuracy(mail.test()), sweep.baseline(), 1e-12);
            assertTrue(sweep.points().get(0).parameters() < net.parameterCount(), "units removed: " + sweep);
            try (Net slim = net.copy("slim")) {
                Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.75)
                        .optGranularity(Granularity.STRUCTURED).build().plan(slim, mail).apply();
                assertEquals(48, slim.removePrunedUnits().get("fc1"));
                Map<String, Net> nets = new LinkedHashMap<>();
                nets.put("dense", net);
                nets.put("slim", slim);
                SpeedUp speed = SpeedUp.measure(nets, mail.test(), 100, 2, 3);
                assertEquals(List.of("dense", "slim"), speed.names());
                assertTrue(speed.time("slim") > 0 && Latency.medianMillis(slim, mail.test(), 100, 3) > 0);
            }
        }
    }
}
