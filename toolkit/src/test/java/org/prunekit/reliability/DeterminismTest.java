package org.prunekit.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/** The same seed gives the same masks and the same accuracy, to the last digit. */
class DeterminismTest {

    private record Run(float[] mask, double accuracy, double loss) {}

    private static Run run(String criterion) {
        DataSplit data = Datasets.mnist().optLimit(1000).optTestLimit(300).optSeed(9).build();
        Importance imp = switch (criterion) {
            case "taylor" -> Importance.taylor();
            case "entropy" -> Importance.entropy();
            case "random" -> Importance.random(5);
            default -> Importance.magnitudeL1();
        };
        try (Net net = Models.lenet5(11)) {
            Training.fit(net, data, TrainConfig.builder().optEpochs(1).optSeed(3).build(), Progress.none());
            Pruner.builder().setImportance(imp).setSparsity(0.8).optScope(Scope.GLOBAL).optSeed(4).build()
                    .plan(net, data).apply();
            double loss = Training.fit(net, data, TrainConfig.builder().optEpochs(1).optSeed(5).build(),
                    Progress.none()).epochs().get(0).trainLoss();
            return new Run(net.masks().get(net.layer("fc1").weight()).toFloatArray(), net.accuracy(data.test()), loss);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"magnitude", "taylor", "entropy", "random"})
    void sameSeedSameMasksSameAccuracy(String criterion) {
        Run a = run(criterion);
        Run b = run(criterion);
        assertArrayEquals(a.mask(), b.mask());
        assertEquals(a.accuracy(), b.accuracy(), 0.0);
        assertEquals(a.loss(), b.loss(), 0.0);
    }
}
