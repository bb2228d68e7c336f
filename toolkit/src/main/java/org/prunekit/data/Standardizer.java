package org.prunekit.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * Feature standardisation {@code z = (x - mean) / std}, one mean and standard deviation per
 * feature, measured on the <b>training</b> part only and applied unchanged to the test part and to
 * any new rows. A feature that is constant in the training part (std 0) is only centred: its
 * divisor is 1, so its values stay finite.
 *
 * <p>A split made by {@link Datasets#fromTable} keeps the one it used in its
 * {@link DataSplit#provenance() provenance}; apply it to new rows before giving them to the model
 * the split trained:
 *
 * <pre>{@code
 * Standardizer z = data.provenance().standardizer();
 * float[][] rows = z.apply(newPatients);          // a Table with the same feature columns
 * float[] one = z.apply(new float[] {14.1f, ...}); // or one raw row, features in order
 * }</pre>
 *
 * <p>The standard deviation is the population one (divided by {@code n}, as in scikit-learn's
 * {@code StandardScaler}). Instances are immutable.
 */
public final class Standardizer {

    private final List<String> features;
    private final double[] means;
    private final double[] stds;
    private final boolean identity;

    private Standardizer(List<String> features, double[] means, double[] stds, boolean identity) {
        this.features = List.copyOf(features);
        this.means = means;
        this.stds = stds;
        this.identity = identity;
    }

    /**
     * The standardisation that changes nothing (means 0, divisors 1): what a split records when it
     * was not standardised.
     *
     * @param features the feature names, in order
     * @return the identity standardisation
     */
    public static Standardizer identity(List<String> features) {
        double[] zeros = new double[features.size()];
        double[] ones = new double[features.size()];
        Arrays.fill(ones, 1);
        return new Standardizer(features, zeros, ones, true);
    }

    /**
     * Measures means and standard deviations on the given rows of a row-major array.
     *
     * @param values examples one after another, {@code features.size()} values each
     * @param rows the examples to measure on (the training part)
     */
    static Standardizer fit(List<String> features, float[] values, int[] rows) {
        int d = features.size();
        double[] sum = new double[d];
        for (int r : rows) {
            for (int j = 0; j < d; j++) {
                sum[j] += values[r * d + j];
            }
        }
        double[] mean = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = sum[j] / rows.length;
        }
        double[] sq = new double[d];
        for (int r : rows) {
            for (int j = 0; j < d; j++) {
                double c = values[r * d + j] - mean[j];
                sq[j] += c * c;
            }
        }
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(sq[j] / rows.length);
        }
        return new Standardizer(features, mean, std, false);
    }

    /** Measures on the given rows of table columns (read as doubles, not rounded to float first). */
    static Standardizer fit(List<String> features, List<NumericColumn<?>> columns, int[] rows) {
        int d = columns.size();
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            NumericColumn<?> col = columns.get(j);
            double sum = 0;
            for (int r : rows) {
                sum += col.getDouble(r);
            }
            double m = sum / rows.length;
            double sq = 0;
            for (int r : rows) {
                double c = col.getDouble(r) - m;
                sq += c * c;
            }
            mean[j] = m;
            std[j] = Math.sqrt(sq / rows.length);
        }
        return new Standardizer(features, mean, std, false);
    }

    /** @return true if this standardisation changes nothing (the split was not standardised) */
    public boolean isIdentity() {
        return identity;
    }

    /** @return the feature names, in the order of a row's values */
    public List<String> features() {
        return features;
    }

    /** @return the training mean of each feature (a copy) */
    public double[] means() {
        return means.clone();
    }

    /** @return the training standard deviation of each feature; 0 for a constant feature (a copy) */
    public double[] stds() {
        return stds.clone();
    }

    /**
     * @param feature a feature index
     * @return what the feature is divided by after centring: its std, or 1 if the std is 0
     */
    public double divisor(int feature) {
        double s = stds[feature];
        return s > 0 ? s : 1;
    }

    /**
     * Standardises one raw row.
     *
     * @param row the raw feature values, in the order of {@link #features()}
     * @return the standardised values (a new array; {@code row} is not changed)
     * @throws DatasetException if the row has the wrong length or a value that is not finite
     */
    public float[] apply(float[] row) {
        if (row.length != means.length) {
            throw new DatasetException("A row of " + row.length + " values cannot be standardised with " + means.length
                    + " features " + Checks.shortList(features) + ". Give the raw values of exactly these features, in order.");
        }
        float[] out = new float[row.length];
        for (int j = 0; j < row.length; j++) {
            if (!Float.isFinite(row[j])) {
                throw new DatasetException("Value " + row[j] + " of feature \"" + features.get(j)
                        + "\" is not a finite number; it cannot be standardised. Fill or drop it first.");
            }
            out[j] = (float) ((row[j] - means[j]) / divisor(j));
        }
        return out;
    }

    /**
     * Standardises raw rows.
     *
     * @param rows raw rows, each in the order of {@link #features()}
     * @return the standardised rows (new arrays; {@code rows} is not changed)
     * @throws DatasetException if a row has the wrong length or a value that is not finite
     */
    public float[][] apply(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            try {
                out[i] = apply(rows[i]);
            } catch (DatasetException e) {
                throw new DatasetException("Row " + i + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Standardises the feature columns of a table of new rows (found by name; other columns, such
     * as the label, are ignored). The table is not changed.
     *
     * @param table new rows with numeric columns named as {@link #features()}
     * @return one standardised row per table row
     * @throws DatasetException if a feature column is missing or not numeric, or a cell is missing
     */
    public float[][] apply(Table table) {
        List<NumericColumn<?>> cols = new ArrayList<>();
        for (String f : features) {
            cols.add(TableReader.numeric(table, f));
        }
        float[][] out = new float[table.rowCount()][features.size()];
        for (int j = 0; j < cols.size(); j++) {
            NumericColumn<?> col = cols.get(j);
            for (int r = 0; r < out.length; r++) {
                double v = TableReader.value(table, col, r);
                out[r][j] = (float) ((v - means[j]) / divisor(j));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        if (identity) {
            return "no standardisation (" + features.size() + " features used as they are)";
        }
        StringBuilder b = new StringBuilder("standardised with train means/stds: ");
        int shown = Math.min(features.size(), 6);
        for (int j = 0; j < shown; j++) {
            b.append(j > 0 ? ", " : "").append(features.get(j)).append(' ')
                    .append(String.format(Locale.ROOT, "%.4g ± %.4g", means[j], stds[j]));
        }
        if (shown < features.size()) {
            b.append(", ... (").append(features.size()).append(" features; see means() and stds())");
        }
        return b.toString();
    }
}
