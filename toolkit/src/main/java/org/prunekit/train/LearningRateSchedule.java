package org.prunekit.train;

/** How the learning rate changes from one epoch to the next. */
public enum LearningRateSchedule {

    /** The same rate in every epoch. */
    CONSTANT {
        @Override
        public float rate(float base, int epoch, int epochs) {
            return base;
        }
    },

    /**
     * Cosine annealing (Loshchilov and Hutter 2017) without restarts: epoch {@code e} of
     * {@code n} uses {@code base · ½(1 + cos(π(e−1)/n))}, from the full rate down to nearly 0.
     */
    COSINE {
        @Override
        public float rate(float base, int epoch, int epochs) {
            return (float) (base * 0.5 * (1 + Math.cos(Math.PI * (epoch - 1) / epochs)));
        }
    };

    /**
     * @param base the configured learning rate
     * @param epoch the epoch, from 1
     * @param epochs the number of epochs
     * @return the learning rate of that epoch
     */
    public abstract float rate(float base, int epoch, int epochs);
}
