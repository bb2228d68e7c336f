package org.prunekit.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.prunekit.RunProvenance;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Sweep;
import tech.tablesaw.api.Table;

/** Random pruning over several seeds as a baseline: replicates per sparsity, words, a band for charts. */
class RandomBaselineTest {

    private static Sweep.Point point(String criterion, double sparsity, double pruned, double tuned) {
        return new Sweep.Point(Importance.reported(criterion), sparsity, pruned, tuned, 100, 120, 1.0);
    }

    private static Sweep sweep(List<Sweep.Point> points) {
        return new Sweep(RunProvenance.given("MLP", "MNIST", "test"), Granularity.STRUCTURED, 0.95, points);
    }

    private final RandomBaseline random = RandomBaseline.of(sweep(List.of(
            point("random 1", 0.5, 0.80, 0.90), point("random 1", 0.9, 0.20, 0.60),
            point("random 2", 0.5, 0.84, 0.92), point("random 2", 0.9, 0.30, 0.70),
            point("random 3", 0.5, 0.82, 0.94), point("random 3", 0.9, 0.25, 0.65))));

    @Test
    void seedsAreNamedRandomCriteria() {
        Importance[] seeds = RandomBaseline.seeds(3);
        assertEquals(3, seeds.length);
        assertEquals("random 2", seeds[1].name());
        assertThrows(IllegalArgumentException.class, () -> RandomBaseline.seeds(0));
    }

    @Test
    void replicatesPerSparsityAndWords() {
        assertEquals(3, random.seedCount());
        assertArrayEquals(new double[] {0.5, 0.9}, random.sparsities());
        assertEquals(0.82, random.rightAfterPruning(0.5).mean(), 1e-12);
        assertEquals(0.92, random.afterFineTuning(0.5).mean(), 1e-12);
        assertEquals(0.1, random.afterFineTuning(0.9).spread(), 1e-12);
        assertEquals("0.9500, above every random run (+3.00 pp)", random.versus(0.5, false, 0.95));
        assertEquals("0.8300, within the random range (+1.00 pp)", random.versus(0.5, true, 0.83));
        assertEquals("0.1000, below every random run (-15.00 pp)", random.versus(0.9, true, 0.10));
        assertThrows(IllegalArgumentException.class, () -> random.afterFineTuning(0.7));
        assertThrows(IllegalArgumentException.class, () -> RandomBaseline.of(sweep(List.of())));
    }

    @Test
    void seedsThatShareANameAreStillSeedsOfTheirOwn() {
        Sweep runs = sweep(List.of(
                new Sweep.Point(Importance.random(1), 0.5, 0.80, 0.90, 100, 120, 1.0),
                new Sweep.Point(Importance.random(2), 0.5, 0.84, 0.92, 100, 120, 1.0)));
        RandomBaseline twoSeeds = RandomBaseline.of(runs);
        assertEquals(2, twoSeeds.seedCount(), "random(1) and random(2) are both named \"random\" but are two seeds");
        assertEquals(0.82, twoSeeds.rightAfterPruning(0.5).mean(), 1e-12);
        assertEquals(2, twoSeeds.afterFineTuning(0.5 + 1e-12).count(), "a sparsity equal within 1e-9 is the same one");
    }

    @Test
    void criteriaAgainstTheRunsAndABandForCharts() {
        Sweep criteria = sweep(List.of(point("magnitude", 0.5, 0.85, 0.95), point("magnitude", 0.9, 0.10, 0.80),
                point("taylor", 0.5, 0.83, 0.89), point("taylor", 0.9, 0.40, 0.66), point("taylor", 0.7, 0.5, 0.5)));
        assertEquals("1 of 2 criteria above every random run, 0 within their range, 1 below every one",
                random.standing(criteria, 0.5, false));
        assertEquals("1 of 2 criteria above every random run, 0 within their range, 1 below every one",
                random.standing(criteria, 0.9, true));
        Table t = random.against(criteria);
        assertEquals(6, t.rowCount(), "per sparsity of the runs: the runs and the two criteria (0.7 has no runs)");
        assertEquals("random, 3 seeds", t.stringColumn("criterion").get(0));
        assertEquals("0.8200 ± 0.0200 (0.8000 – 0.8400)", t.stringColumn("right after pruning").get(0));
        assertEquals("0.6600, within the random range (+1.00 pp)", t.stringColumn("after fine-tuning").get(5));
        Sweep band = random.band();
        assertEquals(List.of("random: highest of 3", "random: mean of 3", "random: lowest of 3"), band.labels());
        assertEquals(0.94, band.of(Importance.reported("random: highest of 3")).get(0).accuracy(), 1e-12);
        assertEquals(0.20, band.of(Importance.reported("random: lowest of 3")).get(1).accuracyPruned(), 1e-12);
        assertEquals(random.runs().provenance(), band.provenance(), "the band keeps how the runs were made");
        assertEquals(2, random.toTable().rowCount());
        criteria.merge(band);   // same net, data and granularity: the band joins a criteria chart
    }
}
