package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.prunekit.data.DataSplit;
import org.prunekit.data.ImageSet;
import org.prunekit.model.ChannelGroups;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;
import org.prunekit.train.Agreement;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/** Checks that structured and per-weight pruning tests of every layer kind share. */
final class PruningChecks {

    private PruningChecks() {}

    /** @return each named net at 30 % and at 60 % (the cases of a parameterized test) */
    static Stream<Arguments> atTwoSparsities(Collection<String> nets) {
        return at(nets, 0.3, 0.6);
    }

    /** @return each named net at each sparsity */
    static Stream<Arguments> at(Collection<String> nets, double... sparsities) {
        return nets.stream().flatMap(k -> java.util.Arrays.stream(sparsities).mapToObj(s -> Arguments.of(k, s)));
    }

    /**
     * Applies a structured plan, removes the pruned units and checks that the shrunk net gives the
     * masked one's outputs within 1e-5.
     *
     * @return the units removed per producer
     */
    static Map<String, Integer> applyAndShrink(Net net, PruningPlan plan, ImageSet probe) {
        plan.apply();
        try (Net masked = net.copy()) {
            Map<String, Integer> removed = net.removePrunedUnits();
            Agreement.of(masked, net, probe).requireWithin(1e-5);
            return removed;
        }
    }

    /**
     * What a structured removal did.
     *
     * @param groups the channel groups before
     * @param plan the plan applied
     * @param removed units removed per producer
     */
    record Shrunk(ChannelGroups groups, PruningPlan plan, Map<String, Integer> removed) {}

    /**
     * Trains the net one epoch, plans a structured removal (magnitude below 50 %, Taylor above),
     * applies it and removes the units; checks one plan row per prunable group, that the masked
     * and the shrunk nets agree within 1e-5 on the probe and that the net got smaller.
     */
    static Shrunk trainPlanAndShrink(Net net, DataSplit data, ImageSet probe, double sparsity) {
        Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
        ChannelGroups groups = net.channelGroups();
        long before = net.parameterCount();
        Importance criterion = sparsity < 0.5 ? Importance.magnitudeL1() : Importance.taylor();
        PruningPlan plan = Pruner.builder().setImportance(criterion).setSparsity(sparsity)
                .optGranularity(Granularity.STRUCTURED).build().plan(net, data);
        assertEquals(groups.prunable().size(), plan.layers().size(), "one plan row per prunable group");
        Map<String, Integer> removed = applyAndShrink(net, plan, probe);
        assertTrue(net.parameterCount() < before, net.summary());
        return new Shrunk(groups, plan, removed);
    }

    /**
     * The (shrunk) net copies, saves and loads exactly, and still trains.
     *
     * @param loaded more checks of the loaded net
     */
    static void copiesSavesLoadsAndTrains(Net net, DataSplit data, ImageSet probe, Consumer<Net> loaded)
            throws Exception {
        Path file = Files.createTempFile("prunekit-groups", ".pk");
        try (Net copy = net.copy()) {
            NetIO.save(net, file, NetIO.Format.SPARSE);
            try (Net back = NetIO.load(file)) {
                Agreement.of(net, copy, probe).requireWithin(0);
                Agreement.of(net, back, probe).requireWithin(0);
                assertEquals(net.architecture(), back.architecture());
                loaded.accept(back);
            }
            var tuned = Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
            assertTrue(Double.isFinite(tuned.epochs().get(0).trainLoss()), "fine-tuning the shrunk net");
            assertTrue(Agreement.of(copy, net, probe).maxDifference() > 0, "fine-tuning changed the shrunk net");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A copy pruned per weight to 50 % reaches it (every layer, with the layer scope). */
    static void prunesPerWeight(Net net, DataSplit data, Importance i, Scope scope) {
        try (Net c = net.copy()) {
            SparsityReport r = Pruner.builder().setImportance(i).setSparsity(0.5).optScope(scope).optSamples(64)
                    .build().plan(c, data).apply();
            assertEquals(0.5, r.sparsity(), 0.01, i.name() + " " + scope);
            if (scope == Scope.LAYER) {
                for (SparsityReport.Row row : r.rows()) {
                    assertEquals(0.5, row.sparsity(), 0.01, i.name() + " " + row.layer());
                }
            }
        }
    }

    /** A copy pruned structurally to 40 % loses units and computes what its masked self computes. */
    static void shrinksAsMasked(Net net, DataSplit data, ImageSet probe, Importance i, Scope scope) {
        try (Net c = net.copy()) {
            Pruner.builder().setImportance(i).setSparsity(0.4).optScope(scope).optGranularity(Granularity.STRUCTURED)
                    .optSamples(64).build().plan(c, data).apply();
            try (Net masked = c.copy()) {
                assertTrue(!c.removePrunedUnits().isEmpty(), i.name() + " " + scope);
                Agreement same = Agreement.of(masked, c, probe);
                assertTrue(same.isWithin(1e-5), i.name() + " " + scope + ": " + same);
            }
        }
    }
}
