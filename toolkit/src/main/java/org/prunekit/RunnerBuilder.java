package org.prunekit;

import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;

/**
 * The settings every {@link Runner}'s builder shares, so that they are named, defaulted and
 * checked alike: {@link #optProgress(Progress)} (default {@link Runner#defaultProgress()}) and, for
 * runners that fine-tune after pruning, {@link WithFineTune#optFineTune(TrainConfig)} (default
 * {@link Runner#defaultFineTune()}, 1 epoch). Neither takes null: {@link Progress#none()} is
 * silence, {@code TrainConfig.epochs(0)} no fine-tuning.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class RunnerBuilder<B extends RunnerBuilder<B>> {

    private Progress progress = Runner.defaultProgress();

    /** For subclasses. */
    protected RunnerBuilder() {}

    /** @return this builder as its concrete type */
    protected abstract B self();

    /**
     * @param progress where to report the work as it goes (default {@link Runner#defaultProgress()};
     *     {@link Progress#none()} for silence)
     * @return this builder
     */
    public B optProgress(Progress progress) {
        this.progress = Runner.require(progress, "The progress (Progress.none() for silence)");
        return self();
    }

    /** @return the progress set so far (the default if none was) */
    public Progress progress() {
        return progress;
    }

    /**
     * A builder of a runner that fine-tunes after pruning.
     *
     * @param <B> the concrete builder
     */
    public abstract static class WithFineTune<B extends WithFineTune<B>> extends RunnerBuilder<B> {

        private TrainConfig fineTune = Runner.defaultFineTune();

        /** For subclasses. */
        protected WithFineTune() {}

        /**
         * @param fineTune the training after each pruning (default {@link Runner#defaultFineTune()},
         *     1 epoch; {@code TrainConfig.epochs(0)} for none)
         * @return this builder
         */
        public B optFineTune(TrainConfig fineTune) {
            this.fineTune = Runner.require(fineTune, "The fine-tuning (TrainConfig.epochs(0) for none)");
            return self();
        }

        /** @return the fine-tuning set so far (the default if none was) */
        public TrainConfig fineTune() {
            return fineTune;
        }
    }
}
