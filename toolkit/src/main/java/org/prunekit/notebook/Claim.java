package org.prunekit.notebook;

import java.util.Locale;

/**
 * A statement a tutorial makes about its own numbers, checked when the cell runs. The reader sees
 * the statement with the evidence behind it; when the numbers contradict it, the cell fails with
 * {@link ClaimFailedException}, so a headless run (CI, {@code toolkit/bin/run-notebooks}) fails
 * instead of printing a sentence its own output disproves.
 *
 * <pre>{@code
 * Claim.check("removing the masked units keeps the outputs", agreement.maxDifference() <= 1e-5,
 *         "largest logit difference %.1e over %,d images", agreement.maxDifference(), agreement.images());
 * // ✓ removing the masked units keeps the outputs (largest logit difference 3.2e-07 over 2,000 images)
 * }</pre>
 *
 * <p>Use it for every sentence whose truth depends on a measured result. Where the result may go
 * either way (a criterion may or may not beat random pruning at some sparsity), do not claim: say
 * what happened in words computed from the numbers (e.g. with {@link Replicates#compare}).
 */
public final class Claim {

    private final String statement;
    private final String evidence;

    private Claim(String statement, String evidence) {
        this.statement = statement;
        this.evidence = evidence;
    }

    /**
     * Checks a statement against the numbers.
     *
     * @param statement what the tutorial says, as a sentence
     * @param holds whether the numbers bear it out
     * @param evidence a {@link String#format} pattern for the numbers behind it (formatted with a
     *     root locale, so {@code %,d} gives {@code 2,000} everywhere)
     * @param args its arguments
     * @return the claim, which shows as {@code ✓ statement (evidence)}
     * @throws ClaimFailedException if {@code holds} is false, with the statement and the evidence
     */
    public static Claim check(String statement, boolean holds, String evidence, Object... args) {
        String e = String.format(Locale.ROOT, evidence, args);
        if (!holds) {
            throw new ClaimFailedException(statement, e);
        }
        return new Claim(statement, e);
    }

    /** @return the statement */
    public String statement() {
        return statement;
    }

    /** @return the numbers behind it, formatted */
    public String evidence() {
        return evidence;
    }

    @Override
    public String toString() {
        return "\u2713 " + statement + (evidence.isEmpty() ? "" : " (" + evidence + ")");
    }

    /** A tutorial's statement that its own numbers contradict. */
    public static final class ClaimFailedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ClaimFailedException(String statement, String evidence) {
            super("The tutorial claims \"" + statement + "\", but its numbers say otherwise: " + evidence
                    + ". Either the run went wrong (check the outputs above) or the claim must change.");
        }
    }
}
