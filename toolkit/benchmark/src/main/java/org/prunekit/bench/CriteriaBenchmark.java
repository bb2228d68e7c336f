package org.prunekit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.ImageSet;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Scope;
import org.prunekit.prune.Sweep;
import org.prunekit.prune.SparsitySweep;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Accuracy after global unstructured pruning and one epoch of fine-tuning, for every criterion
 * at 50/80/90/95 % sparsity, against PyTorch's {@code global_unstructured} L1 pruning with the
 * same pre-training and fine-tuning budget on the same images.
 */
final class CriteriaBenchmark {

    static final double[] SPARSITIES = {0.5, 0.8, 0.9, 0.95};

    private CriteriaBenchmark() {}

    record Result(String title, Sweep sweep, double torchDense, double[] torchTuned) {}

    static List<Result> run(Peer peer, PrintStream out) {
        List<Result> results = new ArrayList<>();
        DataSplit mnist = Datasets.mnist(peer.repo().resolve("datasets/mnist")).build();
        results.add(one(peer, "LeNet-300-100 / MNIST split (8,000 / 2,000)", mnist, Models::lenet300100, 5,
                "lenet300100", peer.repo().resolve("datasets/mnist").toString(), 0, 0, out));
        DataSplit fashion = Datasets.fashionMnist().build();
        int n = 10_000;
        int nt = 2_000;
        DataSplit small = new DataSplit(first(fashion.train(), n), first(fashion.test(), nt), 64, 42);
        results.add(one(peer, "SmallCNN / Fashion-MNIST (first 10,000 / 2,000)", small, Models::smallCnn, 3,
                "smallcnn", Datasets.FASHION_MNIST_DIR, n, nt, out));
        return results;
    }

    private static ImageSet first(ImageSet set, int n) {
        return set.select(IntStream.range(0, Math.min(n, set.size())).toArray(), set.name() + " (first " + n + ")");
    }

    private static Result one(Peer peer, String title, DataSplit data, Supplier<Net> factory, int pretrain,
            String torchModel, String dir, int limit, int testLimit, PrintStream out) {
        out.println("  " + title + ": training, then 8 criteria x 4 sparsities");
        Sweep sweep;
        try (Net net = factory.get()) {
            Training.fit(net, data, TrainConfig.epochs(pretrain), Progress.none());
            sweep = SparsitySweep.builder()
                    .setCriteria(Importance.magnitudeL1(), Importance.lamp(), Importance.gradient(), Importance.taylor(),
                            Importance.fpgm(), Importance.entropy(), Importance.apoz(), Importance.random(42))
                    .setSparsities(SPARSITIES).optScope(Scope.GLOBAL).optFineTune(TrainConfig.epochs(1))
                    .optProgress(Progress.none()).build().run(net, data);
        }
        String json = peer.run("torch_prune.py", List.of("finetune", "--data", dir, "--model", torchModel,
                "--pretrain", String.valueOf(pretrain), "--epochs", "1", "--limit", String.valueOf(limit),
                "--test-limit", String.valueOf(testLimit), "--sparsities", "0.5,0.8,0.9,0.95"));
        double[] tuned = Peer.numbers(json.replaceAll("\\{\"sparsity\": [0-9.]+, \"pruned\": [0-9.]+, \"fine_tuned\": ([0-9.]+)\\}", "$1"), "results");
        return new Result(title, sweep, Peer.number(json, "dense"), tuned);
    }

    /** @return the sweep with PyTorch's L1 points added as one more criterion, for the chart */
    static Sweep withPeer(Result r) {
        List<Sweep.Point> points = new ArrayList<>(r.sweep().points());
        for (int i = 0; i < SPARSITIES.length; i++) {
            points.add(new Sweep.Point(Importance.reported("PyTorch L1 global"), SPARSITIES[i], Double.NaN,
                    r.torchTuned()[i], 0, 0, Double.NaN));
        }
        Sweep s = r.sweep();
        return new Sweep(s.provenance(), s.granularity(), s.baseline(), points);
    }

    static Rows table(Result r) {
        Rows t = Rows.of("Accuracy after global pruning + 1 fine-tuning epoch: " + r.title()
                + String.format(" (dense: PruneKit %.4f, PyTorch %.4f)", r.sweep().baseline(), r.torchDense()),
                "criterion", "50%", "80%", "90%", "95%");
        for (Importance c : r.sweep().importances()) {
            List<Sweep.Point> ps = r.sweep().of(c);
            t.add("PruneKit " + r.sweep().label(c), ps.get(0).accuracy(), ps.get(1).accuracy(), ps.get(2).accuracy(),
                    ps.get(3).accuracy());
        }
        t.add("PyTorch L1 global", r.torchTuned()[0], r.torchTuned()[1], r.torchTuned()[2], r.torchTuned()[3]);
        return t;
    }
}
