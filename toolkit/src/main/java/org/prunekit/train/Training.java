package org.prunekit.train;

import org.prunekit.PruneKit;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.prunekit.data.ExampleSplit;
import org.prunekit.data.Examples;
import org.prunekit.data.ImageSet;
import org.prunekit.engine.NativeHeap;
import org.prunekit.model.EmbeddingGradients;
import org.prunekit.model.Net;
import org.prunekit.model.Tensors;
import org.prunekit.sparse.JavaPass;

/**
 * The training loop: mini-batch Adam on softmax cross-entropy, with pruning masks re-applied
 * after every optimizer step. Any {@link ExampleSplit} trains the same way: images and texts to
 * classify (one target per example) and a language model's token windows (a next token at every
 * position: the cross-entropy is over the last axis of the {@code (b, T, vocabulary)} output,
 * averaged over all {@code b·T} targets). Dropout layers draw from the engine's generator, seeded with the
 * training seed, so a run repeats exactly.
 *
 * <p>The loop is written directly on DJL's NDArray API rather than DJL's {@code Trainer}: every
 * batch lives in its own {@link NDManager} that is closed right after the step (so native memory
 * stays flat however long the run), Adam makes as few passes over memory as it can, and there is
 * no per-batch metric bookkeeping beyond the loss and the number of correct answers. This
 * keeps DJL within reach of PyTorch's own speed on small nets (see the training benchmark).
 *
 * <p>For the nets they take (sequential nets of dense layers, stride-1 convolutions, batch norms, ReLUs, max
 * poolings and flattens, on images or rows of features, without distillation or an L1 penalty) the forward pass,
 * the loss and the gradients are computed by PruneKit's Java vector kernels instead ({@link JavaPass}, chosen by
 * {@link TrainConfig#kernels()}, automatically by default): Adam then updates heap copies of the weights, which
 * are read from the net at the start of every epoch and written back at its end (and the batch norms' running
 * statistics with them), so the net holds the trained weights whenever an epoch's line is reported. On a 2-core
 * CPU this trains LeNet-300-100, LeNet-5 and SmallCNN faster than libtorch does, and it does not depend on the
 * engine's convolution kernels, which compute wrong on some CPUs ({@link #kernels} says which path a net takes).
 */
public final class Training {

    private Training() {}

    /**
     * Trains {@code net} as {@link #fit(Trainable, ExampleSplit, TrainConfig, Progress)} does, showing
     * its progress with {@link Progress#auto()}: a live bar in a notebook, a text bar or one line
     * per epoch in a terminal.
     *
     * @param net the net to train (changed in place)
     * @param data the data; its batch size is used
     * @param config epochs, learning rate, regularisation and seed
     * @return the history, with the settings it was made with
     * @throws TrainingDivergedException if a batch's loss is not finite
     */
    public static History fit(Trainable net, ExampleSplit data, TrainConfig config) {
        return fit(net, data, config, Progress.auto());
    }

    /**
     * Trains {@code net} on {@code data.train()}, evaluating on {@code data.test()} after each epoch.
     *
     * <p>A training batch whose loss is NaN or infinite stops the run: the net gets back the
     * weights (and batch-norm statistics) it had at the start of that epoch, and a
     * {@link TrainingDivergedException} says which epoch and batch diverged, with what loss, and
     * the usual causes. The copy this takes at the start of every epoch (into arrays allocated
     * once per call) was measured at 20-110 us for LeNet-5, LeNet-300-100, SmallCNN and ResNet-8,
     * less than one optimizer step and under 0.05 % of an epoch.
     *
     * <p>After each epoch the net is evaluated on {@code data.test()}: accuracy, and for a
     * language model also the perplexity, which the epoch's line reports.
     *
     * @param net the net to train (changed in place)
     * @param data the data; its batch size is used
     * @param config epochs, learning rate, regularisation and seed
     * @param progress receives a task of {@code epochs × batches} steps: a status after every
     *     batch, one logged line per epoch, a summary at the end
     * @return the history, with the settings it was made with
     * @throws TrainingDivergedException if a batch's loss is not finite (the net is then as it was
     *     at the start of that epoch)
     * @throws IllegalArgumentException if the net cannot read the data (other classes, another
     *     vocabulary, longer sequences than it reads)
     */
    public static History fit(Trainable net, ExampleSplit data, TrainConfig config, Progress progress) {
        begin(net, data, config);
        List<EpochStats> epochs = new ArrayList<>();
        Examples train = data.train();
        int[] targets = train.targets();
        int batches = (train.size() + data.batchSize() - 1) / data.batchSize();
        try (Adam adam = Adam.of(trainable(net), net.manager(), config.learningRate(), config.weightDecay());
                WeightSnapshot epochStart = new WeightSnapshot(net);
                Progress.Task task = progress.start(net.name() + " training", (long) config.epochs() * batches,
                        "batches")) {
            Random random = new Random(config.seed());
            JavaPass pass = javaPass(net, train, data.batchSize(), config, adam);
            List<NDArray> masks = pass == null ? null : masksOf(net, adam); // masks cannot change during a fit
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long start = System.nanoTime();
                epochStart.take();
                if (pass != null) {
                    adam.readIntoHeap(); // the net's weights as they are now (a callback may have changed them)
                    pass.readState();
                }
                float rate = config.schedule().rate(config.learningRate(), epoch, config.epochs());
                adam.setLearningRate(rate);
                int[] order = ImageSet.permutation(train.size(), random);
                double lossSum = 0;
                long correct = 0;
                for (int from = 0; from < order.length; from += data.batchSize()) {
                    int to = Math.min(order.length, from + data.batchSize());
                    BatchResult b = pass != null
                            ? heapStep(pass, adam, masks, (ImageSet) train, order, from, to, targets, null)
                            : batchStep(net, BatchAssembly.assemble(net, train, order, from, to), train, targets, order,
                                    from, to, adam, config, null);
                    int batch = from / data.batchSize() + 1;
                    if (pass != null && batch == batches) {
                        adam.writeFromHeap(); // the epoch's weights into the net: checked, evaluated, snapshot
                        pass.writeState();
                        net.applyMasksExcept(adam.maskedBy(masks));
                    }
                    // a step can also turn the weights non-finite: the next batch's loss shows it, the last
                    // batch's step is checked on the weights themselves
                    String broken = !Double.isFinite(b.loss()) ? "gave a loss of " + b.loss()
                            : batch == batches ? epochStart.nonFiniteLive() : null;
                    if (broken != null) {
                        epochStart.restore();
                        History before = new History(net.name(), train.name(), data.batchSize(), config, epochs);
                        throw diverged(net, before, epoch, batch, batches, b.loss(), broken, rate);
                    }
                    lossSum += b.loss() * (to - from);
                    correct += b.correct();
                    // (correct counts targets: per example for a classification, per token for a language model)
                    task.advance((long) (epoch - 1) * batches + batch, String.format(java.util.Locale.ROOT,
                            "epoch %d/%d  batch %d/%d  loss %.4f", epoch, config.epochs(), batch, batches,
                            lossSum / to));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Evaluation test = Evaluation.of(net, data.test());
                EpochStats stats = new EpochStats(epoch, lossSum / order.length, correct / ((double) order.length
                        * train.targetsPerExample()), test.accuracy(), seconds,
                        test.metric() == Metric.PERPLEXITY ? test.perplexity() : Double.NaN);
                epochs.add(stats);
                task.log(Progress.epochLine(net.name(), stats, config.epochs()));
            }
            if (!epochs.isEmpty()) {
                EpochStats last = epochs.get(epochs.size() - 1);
                task.done(String.format(java.util.Locale.ROOT, "%s: %d epoch%s, loss %.4f, %s (%.1f s)", net.name(),
                        epochs.size(), epochs.size() == 1 ? "" : "s", last.trainLoss(), Progress.testResult(last),
                        epochs.stream().mapToDouble(EpochStats::seconds).sum()));
            }
        }
        NativeHeap.trim();   // what the training freed goes back to the system (see NativeHeap)
        return new History(net.name(), data.train().name(), data.batchSize(), config, epochs);
    }

    private static TrainingDivergedException diverged(Trainable net, History before, int epoch, int batch,
            int batches, double loss, String what, float rate) {
        List<EpochStats> done = before.epochs();
        String restored = done.isEmpty() ? "the weights it had when fit was called"
                : String.format("the weights it had after epoch %d (loss %.4f, test accuracy %.4f)", epoch - 1,
                        done.get(done.size() - 1).trainLoss(), done.get(done.size() - 1).testAccuracy());
        String message = String.format("Training %s diverged: batch %d of %d in epoch %d of %d %s."
                + " The net was restored to %s; the epochs completed before are in the exception's completed()."
                + " Usual causes: the learning rate is too high (%s in this epoch; try 10x smaller, Adam usually"
                + " works with 1e-4 to 3e-3), or an engine fault (wrong results from the native library on this"
                + " CPU): PruneKit.init() prints a notice if the engine failed its self-check.",
                net.name(), batch, batches, epoch, before.config().epochs(), what, restored, rate);
        return new TrainingDivergedException(message, epoch, batch, loss, before);
    }

    /**
     * A copy of every parameter of a net (weights, biases, batch-norm statistics) in arrays of
     * its own, allocated once and overwritten in place by each {@link #take()}.
     */
    private static final class WeightSnapshot implements AutoCloseable {
        private static final NDIndex ALL = new NDIndex("...");
        private final NDManager manager;
        private final List<String> names = new ArrayList<>();
        private final List<NDArray> live = new ArrayList<>();
        private final List<NDArray> saved = new ArrayList<>();

        WeightSnapshot(Trainable net) {
            manager = net.manager().newSubManager();
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                NDArray a = p.getValue().getArray();
                names.add(p.getKey());
                live.add(a);
                saved.add(manager.create(a.getShape(), a.getDataType()));
            }
        }

        /** Copies the net's parameters into the snapshot. */
        void take() {
            for (int i = 0; i < live.size(); i++) {
                saved.get(i).set(ALL, live.get(i));
            }
        }

        /**
         * @return what is wrong if a parameter of the net holds a NaN or an infinity, else null
         *     (one native sum per parameter)
         */
        String nonFiniteLive() {
            for (int i = 0; i < live.size(); i++) {
                NDArray a = live.get(i);
                if (a.getDataType() != DataType.FLOAT32) {
                    continue; // PruneKit's parameters are all float32
                }
                NDArray sum = a.sum();
                float total = sum.getFloat();
                sum.close();
                if (!Float.isFinite(total)) { // a NaN or an infinity inside, or finite values beyond float range
                    for (float v : a.toFloatArray()) {
                        if (!Float.isFinite(v)) {
                            return "left parameter " + names.get(i) + " with a value of " + v
                                    + " after the optimizer step";
                        }
                    }
                }
            }
            return null;
        }

        /** Copies the snapshot back into the net's parameters. */
        void restore() {
            for (int i = 0; i < live.size(); i++) {
                live.get(i).set(ALL, saved.get(i));
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** Before the first batch: the data checked, no recording, the config's seed, the teacher checked. */
    private static void begin(Trainable net, ExampleSplit data, TrainConfig config) {
        Evaluation.requireClasses(net, data.train());
        net.prepareFor(data);
        PruneKit.noGrad();
        PruneKit.seed(config.seed()); // dropout draws from the engine's generator: the same seed, the same masks
        if (config.distillation() != null) {
            checkTeacher(net, config.distillation().teacher());
        }
    }

    private record BatchResult(double loss, long correct) {}

    /**
     * One mini-batch: assemble, forward, loss, backward, optimizer step, masks re-applied. With a
     * {@code clock}, adds the nanoseconds of each phase to {@code clock[phase]} (see
     * {@link TrainingProfile#PHASES}); PyTorch on the CPU runs each op synchronously, so the
     * wall-clock time between two phases is the time of that phase's native work.
     */
    private static BatchResult batchStep(Trainable net, BatchAssembly.Batch assembled, Examples train, int[] targets,
            int[] order, int from, int to, Adam adam, TrainConfig config, long[] clock) {
        TrainConfig.Distillation distill = config.distillation();
        long t1 = clock == null ? 0 : System.nanoTime();
        NDManager batchManager = assembled.manager();
        try {
            NDList batch = assembled.batch();
            NDArray x = batch.get(0);
            NDArray y = batch.get(1);
            // the teacher's logits before recording starts: no graph, no gradients for the teacher
            NDArray teacherLogits = distill == null ? null : distill.teacher().forward(x, false);
            double lossValue;
            long correct;
            // embedding tables' gradients are added up by PruneKit, in Adam's pass (see EmbeddingGradients)
            List<NDArray> masks = masksOf(net, adam);
            try (EmbeddingGradients rows = EmbeddingGradients.open()) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = net.forward(x, true);
                    long t2 = tick(clock, 1, t1);
                    int[] batchTargets = targets(order, from, to, targets, train.targetsPerExample());
                    // a classifier's batch: loss, accuracy and the loss's gradient in one pass on the Java side
                    Shape s = logits.getShape();
                    FusedLoss fused = logits.size() <= FusedLoss.MAX_VALUES
                            && logits.getDataType() == DataType.FLOAT32
                            ? FusedLoss.of(logits.toFloatArray(), (int) s.get(s.dimension() - 1), batchTargets) : null;
                    // (the fused objective's value is not the loss, its gradient is the loss's: only backward
                    // reads it)
                    NDArray l = fused != null ? fused.objective(logits, batchManager) : crossEntropy(logits, y);
                    NDArray objective = distill == null ? l : distilled(l, logits, teacherLogits, distill);
                    objective = config.l1() > 0 ? objective.add(l1Penalty(net, config.l1(), batchManager)) : objective;
                    long t3 = tick(clock, 2, t2);
                    collector.backward(objective);
                    long t4 = tick(clock, 3, t3);
                    lossValue = fused != null ? fused.loss() : l.getFloat();
                    correct = fused != null ? fused.correct() : countCorrect(logits, batchTargets);
                    t1 = tick(clock, 6, t4);
                }
                // the masks of the weights Adam updates are applied inside its update loop (see
                // Adam.step(List)); the phase "masks" is then what remains: the masks of parameters Adam
                // does not update
                adam.step(masks, rows);
                rows.flush(); // the rows of tables Adam does not update
            }
            long t5 = tick(clock, 4, t1);
            net.applyMasksExcept(adam.maskedBy(masks));
            tick(clock, 5, t5);
            return new BatchResult(lossValue, correct);
        } finally {
            long t6 = clock == null ? 0 : System.nanoTime();
            batchManager.close();
            tick(clock, 7, t6);
        }
    }

    /**
     * One mini-batch on the Java kernels: assembled into the pass's own arrays, forward, loss and gradients in
     * Java, Adam's step on the heap copies of the weights (their masks applied in its loop). The net's
     * weights are written back at the end of each epoch. With a {@code clock}, times the phases as
     * {@link #batchStep} does.
     */
    private static BatchResult heapStep(JavaPass pass, Adam adam, List<NDArray> masks, ImageSet train, int[] order,
            int from, int to, int[] targets, long[] clock) {
        long t0 = clock == null ? 0 : System.nanoTime();
        pass.assemble(train, order, from, to, targets(order, from, to, targets, 1));
        long t1 = tick(clock, 0, t0);
        pass.forward();
        long t2 = tick(clock, 1, t1);
        double loss = pass.loss();
        long t3 = tick(clock, 2, t2);
        pass.backward();
        long t4 = tick(clock, 3, t3);
        adam.stepInHeap(masks);
        tick(clock, 4, t4);
        return new BatchResult(loss, pass.correct());
    }

    /**
     * @return the Java pass that trains {@code net} as {@code config.kernels()} asks, or null for the engine
     * @throws IllegalArgumentException if the config asks for the Java kernels and they do not take the net
     */
    private static JavaPass javaPass(Trainable net, Examples train, int batch, TrainConfig config, Adam adam) {
        if (config.kernels() == TrainConfig.Kernels.ENGINE) {
            return null;
        }
        String why = javaUnsupported(net, train, config);
        if (why == null && !adam.allInHeap()) {
            why = "a weight is not a float32 array on the CPU";
        }
        if (why == null) {
            return JavaPass.of((Net) net, batch, JavaPass.ParameterArrays.of(adam::heapValues, adam::heapGradients));
        }
        if (config.kernels() == TrainConfig.Kernels.JAVA) {
            throw new IllegalArgumentException("The training config asks for the Java kernels, but " + why
                    + ". Train with TrainConfig.Kernels.AUTO (the engine where the Java kernels do not apply) or"
                    + " ENGINE.");
        }
        return null;
    }

    /**
     * What {@link #fit} computes a training step of {@code net} with, by {@code config.kernels()}: the Java
     * kernels, or the engine and why.
     *
     * @param net a net
     * @param data the data it would train on
     * @param config the settings it would train with
     * @return {@code "Java kernels"}, or {@code "engine"} followed by the reason when the Java kernels do not
     *     take the net, data or settings (or {@code "engine (as asked)"})
     * @throws IllegalArgumentException if the config asks for the Java kernels and they do not take the net
     */
    public static String kernels(Trainable net, ExampleSplit data, TrainConfig config) {
        if (config.kernels() == TrainConfig.Kernels.ENGINE) {
            return "engine (as asked)";
        }
        String why = javaUnsupported(net, data.train(), config);
        if (why != null && config.kernels() == TrainConfig.Kernels.JAVA) {
            throw new IllegalArgumentException("The training config asks for the Java kernels, but " + why + ".");
        }
        return why == null ? "Java kernels" : "engine (" + why + ")";
    }

    /** @return why the Java kernels cannot train {@code net} on {@code train} with {@code config}, or null */
    private static String javaUnsupported(Trainable net, Examples train, TrainConfig config) {
        if (!(net instanceof Net n)) {
            return net.name() + " is not a PruneKit Net";
        }
        if (!(train instanceof ImageSet) || train.targetsPerExample() != 1) {
            return "the Java kernels read images or rows of features with one class each, not " + train.noun();
        }
        if (config.distillation() != null) {
            return "they do not distil from a teacher";
        }
        if (config.l1() > 0) {
            return "they do not add an L1 penalty";
        }
        String why = JavaPass.unsupported(n);
        return why == null ? null : "for " + n.name() + ": " + why;
    }

    /**
     * Softmax cross-entropy of integer labels over the last axis, averaged over every target: the
     * value of DJL's {@code Loss.softmaxCrossEntropyLoss()} in five native calls (DJL's goes
     * through its index parser and costs ~3x more per batch on small nets). Logits
     * {@code (b, classes)} with labels {@code (b)}, or a language model's {@code (b, T, vocabulary)}
     * with next tokens {@code (b, T)}: flattened to {@code b·T} rows first.
     *
     * @param logits the net's output
     * @param labels the targets, int64
     * @return the mean cross-entropy, a scalar
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        if (logits.getShape().dimension() != 2) {
            logits = logits.reshape(-1, logits.getShape().get(logits.getShape().dimension() - 1));
        }
        PtNDArray logp = (PtNDArray) logits.logSoftmax(1);
        // the index stays with the labels' (batch) manager: autograd keeps it for the backward pass
        PtNDArray index = (PtNDArray) labels.reshape(labels.size(), 1);
        return JniUtils.gather(logp, index, 1).mean().neg();
    }

    private static long tick(long[] clock, int phase, long since) {
        if (clock == null) {
            return 0;
        }
        long now = System.nanoTime();
        clock[phase] += now - since;
        return now;
    }

    /**
     * Where a training batch spends its time: runs {@code warmUp} batches, then times each phase
     * of the next {@code batches} (assembly, forward, loss, backward, optimizer step, mask
     * re-application, loss/accuracy read-back, release of the batch's arrays) and returns the mean
     * per batch. The net is trained by these batches (changed in place): profile a copy.
     *
     * @param net the net to train while profiling
     * @param data the data; its batch size is used
     * @param config learning rate, regularisation, distillation (epochs are ignored)
     * @param warmUp batches run before timing starts (JIT and allocator warm-up)
     * @param batches batches timed
     * @return the mean time per batch of every phase
     */
    public static TrainingProfile profile(Trainable net, ExampleSplit data, TrainConfig config, int warmUp,
            int batches) {
        if (warmUp < 0 || batches < 1) {
            throw new IllegalArgumentException("Profile at least one batch after zero or more warm-up batches (got"
                    + " warmUp=" + warmUp + ", batches=" + batches + ").");
        }
        begin(net, data, config);
        long[] clock = new long[TrainingProfile.PHASES.size()];
        try (Adam adam = Adam.of(trainable(net), net.manager(), config.learningRate(), config.weightDecay())) {
            Random random = new Random(config.seed());
            Examples train = data.train();
            int[] targets = train.targets();
            int[] order = ImageSet.permutation(train.size(), random);
            int perEpoch = (order.length + data.batchSize() - 1) / data.batchSize();
            JavaPass pass = javaPass(net, train, data.batchSize(), config, adam);
            List<NDArray> masks = pass == null ? null : masksOf(net, adam);
            if (pass != null) {
                adam.readIntoHeap();
                pass.readState();
            }
            for (int b = 0; b < warmUp + batches; b++) {
                int from = (b % perEpoch) * data.batchSize();
                int to = Math.min(order.length, from + data.batchSize());
                long[] c = b < warmUp ? null : clock;
                if (pass != null) {
                    heapStep(pass, adam, masks, (ImageSet) train, order, from, to, targets, c);
                    continue;
                }
                long t0 = System.nanoTime();
                BatchAssembly.Batch current = BatchAssembly.assemble(net, train, order, from, to);
                tick(c, 0, t0);
                batchStep(net, current, train, targets, order, from, to, adam, config, c);
            }
            if (pass != null) {
                adam.writeFromHeap();
                pass.writeState();
                net.applyMasksExcept(adam.maskedBy(masks));
            }
        }
        double[] micros = new double[clock.length];
        for (int i = 0; i < clock.length; i++) {
            micros[i] = clock[i] / 1e3 / batches;
        }
        return new TrainingProfile(net.name(), data.batchSize(), batches, micros);
    }

    /** (1 − α)·CE + α·T²·KL(teacher ‖ student) at temperature T, averaged over the batch. */
    static NDArray distilled(NDArray hardLoss, NDArray logits, NDArray teacherLogits,
            TrainConfig.Distillation d) {
        float t = d.temperature();
        int last = logits.getShape().dimension() - 1; // the classes (per position of a sequence)
        // numbers through Tensors.times: autograd keeps the factor of a recorded product (see there)
        NDArray logStudent = Tensors.times(logits, 1.0 / t).logSoftmax(last);
        NDArray logTeacher = Tensors.times(teacherLogits, 1.0 / t).logSoftmax(last);
        NDArray kl = logTeacher.exp().mul(logTeacher.sub(logStudent)).sum(new int[] {last}).mean();
        return Tensors.times(hardLoss, 1 - d.alpha()).add(Tensors.times(kl, d.alpha() * t * t));
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

    /** The targets of the examples {@code order[from..to)}, flattened ({@code per} of them each). */
    private static int[] targets(int[] order, int from, int to, int[] targets, int per) {
        int[] out = new int[(to - from) * per];
        for (int i = from; i < to; i++) {
            System.arraycopy(targets, order[i] * per, out, (i - from) * per, per);
        }
        return out;
    }

    /** Counts correct answers on the Java side: one native call instead of three. */
    private static long countCorrect(NDArray logits, int[] labels) {
        long[] predicted = logits.argMax(logits.getShape().dimension() - 1).toLongArray();
        long correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    /** @return the mask of every weight Adam updates, in its order (null where none), or null if the net has none */
    private static List<NDArray> masksOf(Trainable net, Adam adam) {
        java.util.Map<Parameter, NDArray> masks = net.masks();
        if (masks.isEmpty()) {
            return null;
        }
        List<NDArray> out = new ArrayList<>(adam.size());
        for (Parameter p : adam.parameters()) {
            out.add(masks.get(p));
        }
        return out;
    }

    /** The trainable weights of a net and, if asked for, their L1 penalty. */
    private static List<Parameter> trainable(Trainable net) {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
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
        return Tensors.times(sum, lambda);
    }
}
