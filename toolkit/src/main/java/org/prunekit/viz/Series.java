package org.prunekit.viz;

import java.awt.Color;
import java.util.Arrays;

/**
 * One named line of an x–y chart: its points and how it is drawn (solid or dashed, a colour of
 * its own or the palette's next, on the left y axis or the second one at the right). A value:
 * the arrays are copied in and out, and the style methods return a new series.
 *
 * <pre>{@code
 * LineChart.of("Growth", "epoch", "accuracy (%)")
 *         .addSeries(Series.of("test", epochs, testAccuracy))
 *         .addSeries(Series.of("train", epochs, trainAccuracy).dashed())
 *         .image();
 * }</pre>
 *
 * @param name the legend entry; unique within a chart
 * @param x the x values
 * @param y the y values, as many as x
 * @param dashedLine whether the line is dashed (a reference, or a secondary quantity)
 * @param color the line's colour, or null for the palette's next
 * @param secondAxis whether the series is read against the second y axis, at the right
 */
public record Series(String name, double[] x, double[] y, boolean dashedLine, Color color, boolean secondAxis) {

    /** Checks the points and copies them. */
    public Series {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A series needs a name for the legend.");
        }
        if (x == null || y == null || x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("Series '" + name + "' needs as many x as y values, at least one each;"
                    + " got " + (x == null ? "no" : x.length) + " x and " + (y == null ? "no" : y.length) + " y.");
        }
        x = x.clone();
        y = y.clone();
    }

    /**
     * @param name the legend entry
     * @param x the x values
     * @param y the y values, as many as x
     * @return a solid line in the palette's next colour
     */
    public static Series of(String name, double[] x, double[] y) {
        return new Series(name, x, y, false, null, false);
    }

    /**
     * @param name the legend entry
     * @param y the y values, drawn at x = 1, 2, 3, ... (epochs, steps, rounds)
     * @return a solid line in the palette's next colour
     */
    public static Series of(String name, double[] y) {
        double[] x = new double[y == null ? 0 : y.length];
        Arrays.setAll(x, i -> i + 1);
        return of(name, x, y);
    }

    @Override
    public double[] x() {
        return x.clone();
    }

    @Override
    public double[] y() {
        return y.clone();
    }

    /** @return the number of points */
    public int size() {
        return x.length;
    }

    /** @return this series drawn dashed */
    public Series dashed() {
        return new Series(name, x, y, true, color, secondAxis);
    }

    /**
     * @param newColor the line's colour
     * @return this series in that colour
     */
    public Series color(Color newColor) {
        return new Series(name, x, y, dashedLine, newColor, secondAxis);
    }

    /** @return this series read against the second y axis, at the right of the plot */
    public Series onSecondAxis() {
        return new Series(name, x, y, dashedLine, color, true);
    }

    /**
     * @param factor a factor, e.g. 100 to draw fractions as percentages
     * @return this series with every y multiplied by {@code factor}
     */
    public Series scaleY(double factor) {
        return new Series(name, x, Arrays.stream(y).map(v -> v * factor).toArray(), dashedLine, color, secondAxis);
    }

    /** @return this series with its points in increasing x order */
    public Series sortedByX() {
        Integer[] order = new Integer[x.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
        double[] xs = new double[x.length];
        double[] ys = new double[x.length];
        for (int i = 0; i < order.length; i++) {
            xs[i] = x[order[i]];
            ys[i] = y[order[i]];
        }
        return new Series(name, xs, ys, dashedLine, color, secondAxis);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Series s && name.equals(s.name) && Arrays.equals(x, s.x) && Arrays.equals(y, s.y)
                && dashedLine == s.dashedLine && java.util.Objects.equals(color, s.color) && secondAxis == s.secondAxis;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, Arrays.hashCode(x), Arrays.hashCode(y), dashedLine, color, secondAxis);
    }

    @Override
    public String toString() {
        return "Series[" + name + ", " + x.length + " points" + (dashedLine ? ", dashed" : "")
                + (secondAxis ? ", second axis" : "") + "]";
    }
}
