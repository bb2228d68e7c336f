package org.prunekit.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.PruningPlan;
import org.prunekit.prune.Scope;
import org.prunekit.prune.SparsityReport;
import org.prunekit.train.History;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Notebook kernels run each cell on a thread of their own, and PyTorch starts every thread
 * with autograd recording on. Every step here runs on a fresh thread, as cells do.
 */
class ThreadsTest {

    private static void onNewThread(Runnable r) throws InterruptedException {
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread t = new Thread(r);
        t.setUncaughtExceptionHandler((th, e) -> error.set(e));
        t.start();
        t.join();
        if (error.get() != null) {
            throw new AssertionError("step failed on its own thread: " + error.get(), error.get());
        }
    }

    @Test
    void pruneAndFineTuneAcrossThreadsKeepsWeightsFiniteAndMasked() throws InterruptedException {
        DataSplit data = Datasets.mnist().optLimit(1500).optTestLimit(300).build();
        AtomicReference<Net> net = new AtomicReference<>();
        AtomicReference<PruningPlan> plan = new AtomicReference<>();
        AtomicReference<History> history = new AtomicReference<>();
        onNewThread(() -> net.set(Models.lenet300100()));
        onNewThread(() -> Training.fit(net.get(), data, TrainConfig.epochs(2), Progress.none()));
        onNewThread(() -> plan.set(Pruner.builder().setImportance(Importance.taylor()).setSparsity(0.9)
                .optScope(Scope.GLOBAL).build().plan(net.get(), data)));
        onNewThread(() -> net.get().copy().close());
        onNewThread(() -> plan.get().apply());
        onNewThread(() -> history.set(Training.fit(net.get(), data, TrainConfig.epochs(1), Progress.none())));
        assertTrue(Double.isFinite(history.get().epochs().get(0).trainLoss()), history.get().toString());
        assertEquals(0.9, SparsityReport.of(net.get()).sparsity(), 1e-4);
        onNewThread(() -> {
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build().plan(net.get()).apply();
            net.get().removePrunedUnits();
        });
        onNewThread(() -> assertTrue(net.get().accuracy(data.test()) > 0.5));
        net.get().close();
    }
}
