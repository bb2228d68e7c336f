package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.prunekit.PruneKit;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;

/** Knowledge distillation in the training loop. */
class DistillationTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(512).optTestLimit(200).build();

    @Test
    void theLossIsTheMixOfLabelsAndTheTeachersSoftTargets() {
        PruneKit.init();
        try (NDManager m = NDManager.newBaseManager()) {
            float[] z = {1f, 2f, 0.5f, -1f, 0f, 3f};
            float[] zt = {0.5f, 2.5f, 0f, 0f, 1f, 2f};
            NDArray logits = m.create(z, new Shape(2, 3));
            NDArray teacher = m.create(zt, new Shape(2, 3));
            NDArray hard = m.create(0.7f);
            float t = 2f;
            float alpha = 0.6f;
            // by hand: mean over rows of Σ p_t (ln p_t − ln p_s) at temperature 2, times T²·α, plus (1 − α)·hard
            double kl = 0;
            for (int r = 0; r < 2; r++) {
                double[] ps = softmax(new double[] {z[3 * r] / t, z[3 * r + 1] / t, z[3 * r + 2] / t});
                double[] pt = softmax(new double[] {zt[3 * r] / t, zt[3 * r + 1] / t, zt[3 * r + 2] / t});
                for (int k = 0; k < 3; k++) {
                    kl += pt[k] * (Math.log(pt[k]) - Math.log(ps[k])) / 2;
                }
            }
            double expected = (1 - alpha) * 0.7 + alpha * t * t * kl;
            TrainConfig.Distillation d = new TrainConfig.Distillation(Models.mlp(4), t, alpha);
            assertEquals(expected, Training.distilled(hard, logits, teacher, d).getFloat(), 1e-6);
        }
    }

    private static double[] softmax(double[] v) {
        double max = Arrays.stream(v).max().orElse(0);
        double sum = 0;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.exp(v[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < v.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    @Test
    void alphaZeroIsPlainTrainingAndTheTeacherIsLeftAlone() {
        try (Net teacher = Models.lenet300100(1); Net a = Models.lenet300100(2); Net b = Models.lenet300100(2)) {
            Training.fit(teacher, DATA, TrainConfig.epochs(1), Progress.none());
            float[] teacherBefore = teacher.layer("fc1").weight().getArray().toFloatArray();
            // distillation trains on the engine: plain training there too, for the same float operations
            Training.fit(a, DATA, TrainConfig.builder().optEpochs(1).optKernels(TrainConfig.Kernels.ENGINE).build(),
                    Progress.none());
            Training.fit(b, DATA, TrainConfig.builder().optEpochs(1).optDistillation(teacher, 4f, 0f).build(),
                    Progress.none());
            assertArrayEquals(a.layer("fc2").weight().getArray().toFloatArray(),
                    b.layer("fc2").weight().getArray().toFloatArray(), 1e-6f);
            try (Net c = Models.lenet300100(2)) {
                History h = Training.fit(c, DATA, TrainConfig.builder().optEpochs(1).optDistillation(teacher, 4f, 0.8f)
                        .build(), Progress.none());
                assertFalse(Arrays.equals(a.layer("fc2").weight().getArray().toFloatArray(),
                        c.layer("fc2").weight().getArray().toFloatArray()), "the soft targets change the training");
                assertTrue(h.config().toString().contains("distillation from LeNet-300-100 (T=4.0, alpha=0.8)"),
                        h.config().toString());
            }
            assertArrayEquals(teacherBefore, teacher.layer("fc1").weight().getArray().toFloatArray(), 0f);
        }
    }

    @Test
    void badSettingsAndTeachersSayWhatIsWrong() {
        try (Net teacher = Models.lenet300100(); Net cnn = Models.lenet5();
                Net three = Models.sequential("Three", 784).dense(3).build()) {
            IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                    () -> TrainConfig.builder().optDistillation(teacher, 0f, 0.5f));
            assertTrue(t.getMessage().contains("temperature"), t.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().optDistillation(teacher, -1f, 0.5f));
            IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                    () -> TrainConfig.builder().optDistillation(teacher, 4f, 1.5f));
            assertTrue(a.getMessage().contains("alpha"), a.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().optDistillation(teacher, 4f, -0.1f));
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> Training.fit(cnn, DATA,
                    TrainConfig.builder().optEpochs(1).optDistillation(teacher, 4f, 0.5f).build(), Progress.none()));
            assertTrue(shape.getMessage().contains("(784)") && shape.getMessage().contains("(1, 28, 28)"),
                    shape.getMessage());
            try (Net student = Models.mlp(16)) {
                IllegalArgumentException classes = assertThrows(IllegalArgumentException.class, () -> Training.fit(
                        student, DATA, TrainConfig.builder().optEpochs(1).optDistillation(three, 4f, 0.5f).build(),
                        Progress.none()));
                assertTrue(classes.getMessage().contains("3 classes"), classes.getMessage());
                assertThrows(IllegalArgumentException.class, () -> Training.fit(student, DATA, TrainConfig.builder()
                        .optEpochs(1).optDistillation(student, 4f, 0.5f).build(), Progress.none()));
            }
        }
    }
}
