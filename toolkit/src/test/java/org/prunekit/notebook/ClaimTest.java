package org.prunekit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Claims a tutorial makes: shown with their evidence when they hold, a failing cell when they do not. */
class ClaimTest {

    @Test
    void aClaimThatHoldsShowsItsEvidence() {
        Claim c = Claim.check("removing the masked units keeps the outputs", 3.2e-7 <= 1e-5,
                "largest logit difference %.1e over %,d images", 3.2e-7, 2000);
        assertEquals("\u2713 removing the masked units keeps the outputs (largest logit difference 3.2e-07 over"
                + " 2,000 images)", c.toString());
    }

    @Test
    void aClaimTheNumbersContradictFailsTheCell() {
        Claim.ClaimFailedException e = assertThrows(Claim.ClaimFailedException.class, () -> Claim.check(
                "fine-tuning brings most of the accuracy back", 0.1070 > 0.8, "test accuracy %.4f after fine-tuning",
                0.1070));
        assertTrue(e.getMessage().contains("\"fine-tuning brings most of the accuracy back\""), e.getMessage());
        assertTrue(e.getMessage().contains("test accuracy 0.1070 after fine-tuning"), e.getMessage());
    }

    @Test
    void replicatesGiveMeanSpreadAndWords() {
        Replicates r = Replicates.of("random", 0.80, 0.82, 0.81);
        assertEquals(0.81, r.mean(), 1e-12);
        assertEquals(0.01, r.sd(), 1e-12);
        assertEquals(0.02, r.spread(), 1e-12);
        assertEquals("random: 0.8100 ± 0.0100 over 3 runs (0.8000 .. 0.8200)", r.toString());
        assertEquals("magnitude (0.8700) is above every random run (+0.0600 against the mean of 3)",
                r.compare("magnitude", 0.87));
        assertEquals("entropy (0.8150) lies within the range of the random runs (+0.0050 against the mean of 3)",
                r.compare("entropy", 0.815));
        assertTrue(r.compare("fpgm", 0.5).contains("is below every random run"));
        assertTrue(r.outside(0.83));
        assertFalse(r.outside(0.805));
        assertThrows(IllegalArgumentException.class, () -> Replicates.of("x"));
        assertThrows(IllegalArgumentException.class, () -> Replicates.of("x", 1, Double.NaN));
        assertEquals("one: 0.5000 (1 run)", Replicates.of("one", 0.5).toString());
    }
}
