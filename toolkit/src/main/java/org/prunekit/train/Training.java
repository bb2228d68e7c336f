package org.prunekit.train;

import org.prunekit.PruneKit;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.prunekit.data.DataSplit;
import org.prunekit.data.ImageSet;

/**
 * The training loop: mini-batch Adam on softmax cross-entropy, with pruning masks re-applied
 * after every optimizer step. Dropout layers draw from the engine's generator, seeded with the
 * training seed, so a run repeats exactly.
 *
 * <p>The loop is written directly on DJL's NDArray API rather than DJL's {@code Trainer}: every
 * batch lives in its own {@link NDManager} that is closed right after the step (so native memory
 * stays flat however long the run), Adam makes as few passes over memory as it can, and there is
 * no per-batch metric bookkeeping beyond the loss and the number of correct answers. This
 * keeps DJL within reach of PyTorch's own speed on small nets (see the training benchmark).
 */
public final class Training {

    private Training() {}

    /**
     * Trains {@code net} on {@code data.train()}, evaluating on {@code data.test()} after each epoch.
     *
     * @param net the net to train (changed in place)
     * @param data the data; its batch size is used
     * @param config epochs, learning rate, regularisation and seed
     * @param progress receives one report per epoch
     * @return the history, with the settings it was made with
     */
    public static History fit(Trainable net, DataSplit data, TrainConfig config, Progress progress) {
        PruneKit.noGrad();
        PruneKit.seed(config.seed()); // dropout draws from the engine's generator: the same seed, the same masks
        TrainConfig.Distillation distill = config.distillation();
        if (distill != null) {
            checkTeacher(net, distill.teacher());
        }
        List<EpochStats> epochs = new ArrayList<>();
        try (Adam adam = new Adam(trainable(net), net.manager(), config.learningRate(), config.weightDecay())) {
            Loss loss = Loss.softmaxCrossEntropyLoss();
            Random random = new Random(config.seed());
            ImageSet train = data.train();
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long start = System.nanoTime();
                adam.setLearningRate(config.schedule().rate(config.learningRate(), epoch, config.epochs()));
                int[] order = ImageSet.permutation(train.size(), random);
                double lossSum = 0;
                long correct = 0;
                for (int from = 0; from < order.length; from += data.batchSize()) {
                    int to = Math.min(order.length, from + data.batchSize());
                    try (NDManager batchManager = net.manager().newSubManager()) {
                        NDList batch = train.batch(batchManager, order, from, to, net.inputShape());
                        NDArray x = batch.get(0);
                        NDArray y = batch.get(1);
                        // the teacher's logits before recording starts: no graph, no gradients for the teacher
                        NDArray teacherLogits = distill == null ? null : distill.teacher().forward(x, false);
                        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = net.forward(x, true);
                            NDArray l = loss.evaluate(new NDList(y), new NDList(logits));
                            NDArray objective = distill == null ? l : distilled(l, logits, teacherLogits, distill);
                            objective = config.l1() > 0 ? objective.add(l1Penalty(net, config.l1(), batchManager))
                                    : objective;
                            collector.backward(objective);
                            lossSum += l.getFloat() * (to - from);
                            correct += countCorrect(logits, labels(order, from, to, train));
                        }
                        adam.step();
                        net.applyMasks();
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double testAccuracy = Evaluation.of(net, data.test()).accuracy();
                EpochStats stats = new EpochStats(epoch, lossSum / order.length, correct / (double) order.length,
                        testAccuracy, seconds);
                epochs.add(stats);
                progress.epochDone(net.name(), stats, config.epochs());
            }
        }
        return new History(net.name(), data.train().name(), data.batchSize(), config, epochs);
    }

    /** (1 − α)·CE + α·T²·KL(teacher ‖ student) at temperature T, averaged over the batch. */
    static NDArray distilled(NDArray hardLoss, NDArray logits, NDArray teacherLogits,
            TrainConfig.Distillation d) {
        float t = d.temperature();
        NDArray logStudent = logits.div(t).logSoftmax(1);
        NDArray logTeacher = teacherLogits.div(t).logSoftmax(1);
        NDArray kl = logTeacher.exp().mul(logTeacher.sub(logStudent)).sum(new int[] {1}).mean();
        return hardLoss.mul(1 - d.alpha()).add(kl.mul(d.alpha() * t * t));
    }

    private static void checkTeacher(Trainable net, Trainable teacher) {
        if (teacher == net) {
            throw new IllegalArgumentException("The teacher is the net being trained; distil from a copy made before"
                    + " pruning (net.copy()).");
        }
        if (teacher.numClasses() != net.numClasses()) {
            throw new IllegalArgumentException("Teacher " + teacher.name() + " has " + teacher.numClasses()
                    + " classes but " + net.name() + " has " + net.numClasses() + "; they must give the same outputs.");
        }
        if (!teacher.inputShape().equals(net.inputShape())) {
            throw new IllegalArgumentException("Teacher " + teacher.name() + " takes inputs of shape " + teacher
                    .inputShape() + " but " + net.name() + " takes " + net.inputShape() + "; both must read the same"
                    + " examples.");
        }
    }

    private static int[] labels(int[] order, int from, int to, ImageSet data) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = data.label(order[i]);
        }
        return out;
    }

    /** Counts correct answers on the Java side: one native call instead of three. */
    private static long countCorrect(NDArray logits, int[] labels) {
        long[] predicted = logits.argMax(1).toLongArray();
        long correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    /** The trainable weights of a net and, if asked for, their L1 penalty. */
    private static List<NDArray> trainable(Trainable net) {
        List<NDArray> out = new ArrayList<>();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue().getArray());
            }
        }
        return out;
    }

    /**
     * λ·Σ|w| over the Linear/Conv weights, built in the batch's manager so that it is freed with
     * the batch (an op's result otherwise attaches to its first operand's manager: the net's).
     */
    private static NDArray l1Penalty(Trainable net, float lambda, NDManager batchManager) {
        NDArray sum = batchManager.zeros(new Shape());
        for (Parameter weight : net.prunableWeights()) {
            NDArray abs = weight.getArray().abs();
            abs.attach(batchManager);
            sum = sum.add(abs.sum());
        }
        return sum.mul(lambda);
    }
}
