package org.prunekit.course;

import java.util.ArrayList;
import java.util.List;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.train.LearningRateSchedule;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import org.prunekit.train.History;
import org.prunekit.train.TrainConfig;

/**
 * A checker's own state: its data, its own copy of the trained model and the dense accuracy.
 * Held in a private static field of each assignment class, out of reach of notebook cells.
 */
final class Reference implements AutoCloseable {

    final DataSplit data;
    final Net trained;
    final History history;
    final double denseAccuracy;
    final long fingerprint;

    Reference(DataSplit data, Net trained, History history) {
        this.data = data;
        this.trained = trained;
        this.history = history;
        this.denseAccuracy = trained.accuracy(data.test());
        this.fingerprint = fingerprint(trained);
    }

    /**
     * The course's standard model: LeNet-300-100 (seed 42) trained on the MNIST split (seed 42)
     * with Adam 2e-3, weight decay 5e-4 and a cosine schedule.
     */
    static Reference lenet(int trainRows, int testRows, int epochs) {
        DataSplit data = Datasets.mnist().optLimit(trainRows).optTestLimit(testRows).optBatchSize(64).optSeed(42).build();
        return train(data, Models.lenet300100(42), recipe(epochs));
    }

    /** @return the training recipe of {@link #lenet} */
    static TrainConfig recipe(int epochs) {
        return TrainConfig.builder().optEpochs(epochs).optLearningRate(2e-3f).optWeightDecay(5e-4f)
                .optSchedule(LearningRateSchedule.COSINE).optSeed(42).build();
    }

    /** @return per prunable layer, which output units have a non-zero weight */
    static java.util.Map<String, boolean[]> keptUnits(Net net, String... layers) {
        java.util.Map<String, boolean[]> out = new java.util.LinkedHashMap<>();
        for (String name : layers) {
            float[] w = net.layer(name).weightValues();
            int units = (int) rows(net, name);
            int per = w.length / units;
            boolean[] k = new boolean[units];
            for (int i = 0; i < w.length; i++) {
                k[i / per] |= w[i] != 0f;
            }
            out.put(name, k);
        }
        return out;
    }

    /** @return the share of the reference's kept units that {@code mine} also keeps */
    static double unitOverlap(java.util.Map<String, boolean[]> mine, java.util.Map<String, boolean[]> reference) {
        return keptOverlap(List.copyOf(mine.values()), List.copyOf(reference.values()));
    }

    static Reference train(DataSplit data, Net net, TrainConfig config) {
        History h = net.fit(data, config);
        return new Reference(data, net, h);
    }

    Start start() {
        return new Start(data, trained.copy(), history, denseAccuracy);
    }

    /** A hash of every weight's bits: equal nets give equal fingerprints. */
    static long fingerprint(Net net) {
        long h = 1125899906842597L;
        for (Layer l : net.prunableLayers()) {
            for (float v : l.weightValues()) {
                h = 31 * h + Float.floatToIntBits(v);
            }
        }
        return h;
    }

    /** @return per prunable layer, which weights are kept (non-zero) */
    static List<boolean[]> kept(Net net) {
        List<boolean[]> out = new ArrayList<>();
        for (Layer l : net.prunableLayers()) {
            float[] w = l.weightValues();
            boolean[] k = new boolean[w.length];
            for (int i = 0; i < w.length; i++) {
                k[i] = w[i] != 0f;
            }
            out.add(k);
        }
        return out;
    }

    /** @return the share of {@code reference}'s kept weights that {@code mine} also keeps */
    static double keptOverlap(List<boolean[]> mine, List<boolean[]> reference) {
        long both = 0;
        long ref = 0;
        for (int l = 0; l < reference.size(); l++) {
            boolean[] a = mine.get(l);
            boolean[] b = reference.get(l);
            for (int i = 0; i < b.length; i++) {
                if (b[i]) {
                    ref++;
                    if (a[i]) {
                        both++;
                    }
                }
            }
        }
        return ref == 0 ? 0 : both / (double) ref;
    }

    /** @return the fraction of zero weights over the prunable layers */
    static double sparsity(Net net) {
        long zeros = 0;
        long all = 0;
        for (boolean[] k : kept(net)) {
            for (boolean b : k) {
                zeros += b ? 0 : 1;
            }
            all += k.length;
        }
        return all == 0 ? 0 : zeros / (double) all;
    }

    /** @return whether both nets have the same prunable layers with the same weight shapes */
    static boolean sameShapes(Net a, Net b) {
        List<String> x = a.prunableLayers().stream().map(l -> l.name() + l.weight().getArray().getShape()).toList();
        List<String> y = b.prunableLayers().stream().map(l -> l.name() + l.weight().getArray().getShape()).toList();
        return x.equals(y);
    }

    static long rows(Net net, String layer) {
        return net.layer(layer).weight().getArray().getShape().get(0);
    }

    @Override
    public void close() {
        trained.close();
    }
}
