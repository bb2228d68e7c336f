package org.prunekit.train;

/**
 * How to train: epochs, Adam's learning rate, weight decay, the seed of the data order, and
 * optionally distillation from a teacher.
 * Immutable; build with {@link #builder()} or the shortcut {@link #epochs(int)}.
 *
 * <pre>{@code
 * TrainConfig config = TrainConfig.builder().optEpochs(5).optLearningRate(1e-3f).build();
 * }</pre>
 *
 * @param epochs passes over the training data
 * @param learningRate Adam's step size
 * @param weightDecay L2 penalty added to the gradient (0 for none)
 * @param l1 L1 penalty strength λ (loss + λ·Σ|w| over all Linear/Conv weights, 0 for none)
 * @param seed seed of the shuffling of the training data
 * @param schedule how the learning rate changes from epoch to epoch
 * @param distillation soft targets from a teacher net mixed into the loss, or null for none
 * @param kernels what computes each step's forward and backward pass ({@link Kernels#AUTO} by default)
 */
public record TrainConfig(int epochs, float learningRate, float weightDecay, float l1, long seed,
        LearningRateSchedule schedule, Distillation distillation, Kernels kernels) {

    /**
     * What computes a training step's forward pass, loss and gradients. Either way the optimizer is the same
     * Adam, the data order the same, and the results equal within float rounding (sums are added up in another
     * order, so weights drift apart by rounding over many steps, as they would between two CPUs).
     */
    public enum Kernels {
        /**
         * PruneKit's Java kernels where they take the net (a sequential net of dense layers, stride-1
         * convolutions, ReLUs, max poolings and flattens, trained without distillation or an L1 penalty, on a JVM
         * with the Vector API), else the engine. The default: on a 2-core CPU they train LeNet-300-100 and
         * LeNet-5 faster than libtorch (see the README's training benchmark).
         */
        AUTO,
        /** Always the engine (libtorch's autograd). */
        ENGINE,
        /** Always the Java kernels: a net, data or setting they do not take is an error that says why. */
        JAVA
    }

    /**
     * Knowledge distillation (Hinton et al. 2015): the loss becomes
     * {@code (1 − α)·CE(y, z) + α·T²·KL(softmax(z_teacher / T) ‖ softmax(z / T))}, so the student
     * (a pruned net, say) learns from the teacher's full output distribution, softened by the
     * temperature, as well as from the labels. The T² keeps the soft term's gradients on the
     * scale of the hard one's. The teacher runs in inference mode and is not changed.
     *
     * @param teacher the teacher (for example the dense net before pruning)
     * @param temperature the softening temperature T, positive (2 to 8 is usual)
     * @param alpha the weight of the soft term, in [0, 1] (0: labels only; 1: teacher only)
     */
    public record Distillation(Trainable teacher, float temperature, float alpha) {
        /** Checks the settings. */
        public Distillation {
            java.util.Objects.requireNonNull(teacher, "teacher");
            if (!(temperature > 0) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("The distillation temperature must be positive, got " + temperature
                        + " (1 leaves the teacher's probabilities as they are, 4 softens them).");
            }
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("The distillation weight alpha must be in [0, 1], got " + alpha
                        + ": it mixes the teacher's soft targets (alpha) with the labels (1 - alpha).");
            }
        }

        @Override
        public String toString() {
            return "distillation from " + teacher.name() + " (T=" + temperature + ", alpha=" + alpha + ")";
        }
    }

    /** Checks the settings. */
    public TrainConfig {
        if (epochs < 0) {
            throw new IllegalArgumentException("Epochs must be 0 or more, got " + epochs + ".");
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("Learning rate must be a positive number, got " + learningRate + ".");
        }
        if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("Weight decay must be 0 or positive, got " + weightDecay + ".");
        }
        if (!(l1 >= 0) || Float.isInfinite(l1)) {
            throw new IllegalArgumentException("The L1 strength must be 0 or positive, got " + l1 + ".");
        }
        java.util.Objects.requireNonNull(schedule, "schedule");
        java.util.Objects.requireNonNull(kernels, "kernels");
    }

    /** The settings with the kernels picked automatically. */
    public TrainConfig(int epochs, float learningRate, float weightDecay, float l1, long seed,
            LearningRateSchedule schedule, Distillation distillation) {
        this(epochs, learningRate, weightDecay, l1, seed, schedule, distillation, Kernels.AUTO);
    }

    /** The settings without distillation. */
    public TrainConfig(int epochs, float learningRate, float weightDecay, float l1, long seed,
            LearningRateSchedule schedule) {
        this(epochs, learningRate, weightDecay, l1, seed, schedule, null);
    }

    /**
     * @param epochs passes over the training data
     * @return the default settings with that many epochs
     */
    public static TrainConfig epochs(int epochs) {
        return builder().optEpochs(epochs).build();
    }

    /** @return a builder with the defaults: 5 epochs, Adam 1e-3 (constant), no weight decay, no L1, seed 42 */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param moreEpochs the new epoch count
     * @return these settings with another epoch count
     */
    public TrainConfig withEpochs(int moreEpochs) {
        return new TrainConfig(moreEpochs, learningRate, weightDecay, l1, seed, schedule, distillation, kernels);
    }

    /**
     * @param newSeed another data-order seed
     * @return these settings with that seed
     */
    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(epochs, learningRate, weightDecay, l1, newSeed, schedule, distillation, kernels);
    }

    @Override
    public String toString() {
        return "epochs=" + epochs + ", Adam lr=" + learningRate + (weightDecay > 0 ? ", weightDecay=" + weightDecay : "")
                + (l1 > 0 ? ", L1=" + l1 : "") + (schedule == LearningRateSchedule.CONSTANT ? "" : ", " + schedule)
                + ", seed=" + seed + (distillation == null ? "" : ", " + distillation)
                + (kernels == Kernels.AUTO ? "" : kernels == Kernels.JAVA ? ", Java kernels" : ", engine kernels");
    }

    /** Builder of {@link TrainConfig}; every setting is optional. */
    public static final class Builder {
        private int epochs = 5;
        private float learningRate = 1e-3f;
        private float weightDecay;
        private float l1;
        private long seed = 42;
        private LearningRateSchedule schedule = LearningRateSchedule.CONSTANT;
        private Distillation distillation;
        private Kernels kernels = Kernels.AUTO;

        Builder() {}

        /**
         * @param kernels what computes each step's forward and backward pass (default {@link Kernels#AUTO}: the
         *     Java kernels where they take the net, else the engine)
         * @return this builder
         */
        public Builder optKernels(Kernels kernels) {
            this.kernels = java.util.Objects.requireNonNull(kernels, "kernels");
            return this;
        }

        /**
         * Trains with soft targets from a teacher as well as the labels (knowledge distillation,
         * see {@link Distillation}); works in fine-tuning, iterative pruning and sweeps alike.
         *
         * @param teacher the teacher net, e.g. a copy of the dense net before pruning (same input
         *     shape and classes as the net trained)
         * @param temperature the softening temperature T, positive (e.g. 4)
         * @param alpha the weight of the soft term, in [0, 1] (e.g. 0.7)
         * @return this builder
         */
        public Builder optDistillation(Trainable teacher, float temperature, float alpha) {
            this.distillation = new Distillation(teacher, temperature, alpha);
            return this;
        }

        /**
         * @param schedule how the learning rate changes across epochs (default constant)
         * @return this builder
         */
        public Builder optSchedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * @param epochs passes over the training data (default 5)
         * @return this builder
         */
        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * @param learningRate Adam's step size (default 1e-3)
         * @return this builder
         */
        public Builder optLearningRate(float learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * @param weightDecay L2 penalty, i.e. the seeds' λ/2·Σw² regulariser (default 0)
         * @return this builder
         */
        public Builder optWeightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * @param l1 L1 penalty λ·Σ|w|, which drives weights to exactly-small values (default 0)
         * @return this builder
         */
        public Builder optL1(float l1) {
            this.l1 = l1;
            return this;
        }

        /**
         * @param seed seed of the training-data order (default 42)
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @return the settings */
        public TrainConfig build() {
            return new TrainConfig(epochs, learningRate, weightDecay, l1, seed, schedule, distillation, kernels);
        }
    }
}
