package org.prunekit.notebook;

/**
 * Quick or full mode for tutorials. The full mode (default) gives the real numbers; the quick
 * mode, switched on with the environment variable {@code PRUNEKIT_QUICK=1}, makes every
 * notebook run in well under a few minutes on 2 cores (as the tests run them). Notebook cells
 * read the same way in both: {@code TrainConfig.epochs(Mode.epochs(16, 2))}.
 */
public final class Mode {

    /** The environment variable that selects the quick mode. */
    public static final String QUICK_ENV = "PRUNEKIT_QUICK";

    private Mode() {}

    /** @return whether {@code PRUNEKIT_QUICK} is set to something other than {@code 0}/{@code false} */
    public static boolean isQuick() {
        String v = System.getenv(QUICK_ENV);
        return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }

    /**
     * @param full epochs in full mode
     * @param quick epochs in quick mode
     * @return the one for the current mode
     */
    public static int epochs(int full, int quick) {
        return isQuick() ? quick : full;
    }

    /**
     * @param full a row limit in full mode (0 = all rows)
     * @param quick a row limit in quick mode
     * @return the one for the current mode
     */
    public static int rows(int full, int quick) {
        return isQuick() ? quick : full;
    }

    /**
     * @param full a value in full mode
     * @param quick a value in quick mode
     * @param <T> its type
     * @return the one for the current mode
     */
    public static <T> T pick(T full, T quick) {
        return isQuick() ? quick : full;
    }

    /** @return "quick" or "full", for a notebook's first output */
    public static String describe() {
        return isQuick() ? "quick mode (PRUNEKIT_QUICK is set): short runs, rough numbers"
                : "full mode: real numbers (set PRUNEKIT_QUICK=1 for a short run)";
    }
}
