package org.prunekit.train;

/**
 * How to train: epochs, Adam's learning rate, weight decay and the seed of the data order.
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
 */
public record TrainConfig(int epochs, float learningRate, float weightDecay, float l1, long seed,
        LearningRateSchedule schedule) {

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
        return new TrainConfig(moreEpochs, learningRate, weightDecay, l1, seed, schedule);
    }

    /**
     * @param newSeed another data-order seed
     * @return these settings with that seed
     */
    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(epochs, learningRate, weightDecay, l1, newSeed, schedule);
    }

    @Override
    public String toString() {
        return "epochs=" + epochs + ", Adam lr=" + learningRate + (weightDecay > 0 ? ", weightDecay=" + weightDecay : "")
                + (l1 > 0 ? ", L1=" + l1 : "") + (schedule == LearningRateSchedule.CONSTANT ? "" : ", " + schedule)
                + ", seed=" + seed;
    }

    /** Builder of {@link TrainConfig}; every setting is optional. */
    public static final class Builder {
        private int epochs = 5;
        private float learningRate = 1e-3f;
        private float weightDecay;
        private float l1;
        private long seed = 42;
        private LearningRateSchedule schedule = LearningRateSchedule.CONSTANT;

        Builder() {}

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
            return new TrainConfig(epochs, learningRate, weightDecay, l1, seed, schedule);
        }
    }
}
