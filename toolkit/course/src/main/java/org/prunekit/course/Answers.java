package org.prunekit.course;

/**
 * Comparing an answer with the checker's own: shapes of nested arrays, tolerances, the largest
 * value (the scale of a relative tolerance), top-k masks with ties.
 */
final class Answers {

    private Answers() {}

    /** @return whether got equals want within 1e-4 relative (1e-7 absolute near 0) */
    static boolean near(double got, double want) {
        return Math.abs(got - want) <= 1e-4 * Math.max(1e-3, Math.abs(want));
    }

    static boolean sameShape(Object got, Object want) {
        if (got == null || !got.getClass().isArray() || java.lang.reflect.Array.getLength(got)
                != java.lang.reflect.Array.getLength(want)) {
            return false;
        }
        for (int i = 0; i < java.lang.reflect.Array.getLength(want); i++) {
            Object a = java.lang.reflect.Array.get(got, i);
            if (a == null || java.lang.reflect.Array.getLength(a) != java.lang.reflect.Array.getLength(
                    java.lang.reflect.Array.get(want, i))) {
                return false;
            }
        }
        return true;
    }

    static String describe(Object a) {
        if (a == null) {
            return "null";
        }
        int rows = java.lang.reflect.Array.getLength(a);
        Object first = rows == 0 ? null : java.lang.reflect.Array.get(a, 0);
        return rows + " rows" + (first == null ? "" : " of " + java.lang.reflect.Array.getLength(first));
    }

    static double max(double[][] a) {
        double m = 0;
        for (double[] row : a) {
            for (double v : row) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    static double max(float[][] a) {
        return java.util.Arrays.stream(a).mapToDouble(row -> java.util.stream.IntStream.range(0, row.length)
                .mapToDouble(j -> Math.abs(row[j])).max().orElse(0)).max().orElse(0);
    }

    static int[] mismatch(float[][] got, double[][] want, double tol) {
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[i].length; j++) {
                if (!(Math.abs(got[i][j] - want[i][j]) <= tol)) {
                    return new int[] {i, j};
                }
            }
        }
        return null;
    }

    static boolean close(double[][] got, double[][] want, double tol) {
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[i].length; j++) {
                if (!(Math.abs(got[i][j] - want[i][j]) <= tol * Math.max(1, Math.abs(want[i][j])))) {
                    return false;
                }
            }
        }
        return true;
    }

    static double[][] round(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                out[i][j] = Math.round(a[i][j] * 1e4) / 1e4;
            }
        }
        return out;
    }

    static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) {
            n += x ? 1 : 0;
        }
        return n;
    }

    /** @return whether every kept score is at least every dropped score (up to {@code tol}, for ties) */
    static boolean topK(boolean[] keep, double[] scores, double tol) {
        double minKept = Double.POSITIVE_INFINITY;
        double maxDropped = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < scores.length; j++) {
            if (keep[j]) {
                minKept = Math.min(minKept, scores[j]);
            } else {
                maxDropped = Math.max(maxDropped, scores[j]);
            }
        }
        return minKept >= maxDropped - tol;
    }

    static boolean topK(boolean[] keep, float[] scores, double tol) {
        double[] d = new double[scores.length];
        for (int j = 0; j < d.length; j++) {
            d[j] = scores[j];
        }
        return topK(keep, d, tol);
    }
}
