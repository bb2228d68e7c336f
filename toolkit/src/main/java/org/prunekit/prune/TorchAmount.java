package org.prunekit.prune;

/**
 * An amount as {@code torch.nn.utils.prune} takes it: a fraction (Python float) of the entries or
 * channels still unpruned, or a count (Python int) of them.
 *
 * @param fraction the fraction, if not a count
 * @param count the count, if one
 * @param isCount whether it is a count
 */
record TorchAmount(double fraction, int count, boolean isCount) {

    /**
     * @param amount a fraction in [0, 1]
     * @return the amount
     * @throws IllegalArgumentException outside [0, 1]
     */
    static TorchAmount fraction(double amount) {
        if (!(amount >= 0 && amount <= 1)) {
            throw new IllegalArgumentException("amount=" + amount + " is not a fraction in [0, 1]. As in"
                    + " torch.nn.utils.prune, a double amount is the fraction of the entries still unpruned to"
                    + " prune now (e.g. 0.3), an int amount a count of them (e.g. 5).");
        }
        return new TorchAmount(amount, 0, false);
    }

    /**
     * @param amount a count, 0 or more
     * @return the amount
     * @throws IllegalArgumentException if negative
     */
    static TorchAmount count(int amount) {
        if (amount < 0) {
            throw new IllegalArgumentException("amount=" + amount + " is negative. As in torch.nn.utils.prune, an"
                    + " int amount is how many of the entries still unpruned to prune now (0 or more), a double"
                    + " amount a fraction of them (e.g. 0.3).");
        }
        return new TorchAmount(0, amount, true);
    }

    /**
     * @param unpruned how many entries (or channels) are still unpruned
     * @param what what they are, for the message
     * @return how many to prune now: the count, or {@code round(fraction·unpruned)} half to even
     */
    int of(int unpruned, String what) {
        if (!isCount) {
            return (int) Selection.count(fraction, unpruned);
        }
        if (count > unpruned) {
            throw new IllegalArgumentException("amount=" + count + " is more than the " + unpruned + " " + what
                    + " that are still unpruned (torch: \"amount=" + count + " should be smaller than the number of"
                    + " parameters to prune=" + unpruned + "\"). Prune at most " + unpruned + ", or pass a fraction"
                    + " (1.0 prunes all that remain).");
        }
        return count;
    }
}
