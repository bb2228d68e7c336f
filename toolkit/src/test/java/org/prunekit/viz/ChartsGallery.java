package org.prunekit.viz;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.prune.Sensitivity;
import org.prunekit.prune.SparsityReport;
import org.prunekit.prune.Sweep;
import org.prunekit.train.History;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Renders every chart from small real runs into a folder, for looking at them (not a test).
 * Usage: {@code java -cp ... org.prunekit.viz.ChartsGallery /tmp/charts}.
 */
public final class ChartsGallery {

    private ChartsGallery() {}

    /**
     * @param args the output folder (default /tmp/charts)
     */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/charts");
        DataSplit data = Datasets.mnist().optLimit(3000).optTestLimit(1000).build();
        try (Net net = Models.lenet300100(); Net small = Models.mlp(100)) {
            History h = Training.fit(net, data, TrainConfig.epochs(6), Progress.none());
            History h2 = Training.fit(small, data, TrainConfig.epochs(6), Progress.none());
            Charts.savePng(Charts.trainingCurves(h, h2), dir.resolve("training.png"));
            Charts.savePng(Charts.lossCurves(h, h2), dir.resolve("loss.png"));
            Charts.savePng(h.plot(), dir.resolve("history-plot.png"));

            SparsityReport dense = SparsityReport.of(net);
            float[] before = net.layer("fc1").weight().getArray().toFloatArray();
            Sweep sweep = org.prunekit.prune.SparsitySweep.builder()
                    .setCriteria(Importance.magnitudeL1(), Importance.random(1)).setSparsities(0.5, 0.7, 0.8, 0.9, 0.95)
                    .optFineTune(TrainConfig.epochs(1)).optProgress(org.prunekit.train.Progress.none()).build()
                    .run(net, data);
            Charts.savePng(Charts.accuracyVsSparsity(sweep), dir.resolve("sweep.png"));
            Charts.savePng(Charts.accuracyVsSparsity(sweep, true), dir.resolve("sweep-pruned.png"));
            Sensitivity sens = org.prunekit.prune.SensitivityScan.builder().setImportance(Importance.magnitudeL1())
                    .setSparsities(0.3, 0.5, 0.7, 0.8, 0.9, 0.95).optProgress(org.prunekit.train.Progress.none()).build()
                    .run(net, data);
            Charts.savePng(Charts.sensitivity(sens), dir.resolve("sensitivity.png"));

            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.9).optScope(Scope.GLOBAL).build()
                    .plan(net).apply();
            SparsityReport pruned = SparsityReport.of(net);
            Charts.savePng(Charts.layerSparsity(pruned), dir.resolve("layers.png"));
            Charts.savePng(Charts.layerSparsity(dense, pruned), dir.resolve("layers-grouped.png"));
            float[] after = net.layer("fc1").weight().getArray().toFloatArray();
            Charts.savePng(Charts.weightHistogram("fc1 of LeNet-300-100 before and after 90 % magnitude pruning",
                    before, after), dir.resolve("histogram-before-after.png"));
            Charts.savePng(Charts.weightHistogram(net, "fc2"), dir.resolve("histogram-fc2.png"));
            Charts.savePng(Charts.mask(net, "fc1"), dir.resolve("mask-fc1.png"));
            Charts.savePng(Charts.mask(net, "fc3"), dir.resolve("mask-fc3.png"));
            Charts.savePng(Charts.mask(small, "fc1"), dir.resolve("mask-unmasked.png"));

            Map<String, Double> lat = new LinkedHashMap<>();
            lat.put("LeNet-300-100", 0.42);
            lat.put("MLP-784-100-10", 0.18);
            Charts.savePng(Charts.bars("Latency per batch", "net", "milliseconds", lat), dir.resolve("bars.png"));
            Map<String, double[][]> s = new LinkedHashMap<>();
            s.put("LeNet-300-100", new double[][] {h.epochs().stream().mapToDouble(e -> e.epoch()).toArray(),
                h.epochs().stream().mapToDouble(e -> e.seconds()).toArray()});
            Charts.savePng(Charts.lines("Seconds per epoch", "epoch", "seconds", s), dir.resolve("lines.png"));
        }
        try (Net cnn = Models.lenet5()) {
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.7).build().plan(cnn).apply();
            Charts.savePng(Charts.mask(cnn, "conv2"), dir.resolve("mask-conv2.png"));
        }
        System.out.println("Charts written to " + dir);
    }
}
