package org.prunekit.prune;

import java.util.List;
import java.util.Objects;
import org.prunekit.train.Metric;
import org.prunekit.RunProvenance;
import org.prunekit.RunResult;
import org.prunekit.notebook.TableFormat;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Result of a {@link SensitivityScan} (Han et al. 2015, Li et al. 2017): each layer pruned alone
 * at several sparsities, with the accuracy measured right after (no fine-tuning). Layers whose
 * accuracy drops early are sensitive and should be pruned less. A value, with how it was made
 * ({@link #provenance()}, shown in the notes).
 *
 * @param provenance how the scan was made: net, data, criterion, granularity, sparsities
 * @param criterion the importance criterion used
 * @param granularity weights or units
 * @param baseline the unpruned accuracy (perplexity for a language model)
 * @param points one point per layer and sparsity
 * @param metric what the values are: accuracy, or perplexity (lower is better) for a language model
 */
public record Sensitivity(RunProvenance provenance, Importance criterion, Granularity granularity, double baseline,
        List<Point> points, Metric metric) implements RunResult {

    /**
     * @param layer the layer pruned alone (per unit: its channel group, named after its first producer)
     * @param sparsity its sparsity
     * @param accuracy the net's test accuracy then (perplexity, for a language model: see {@link Sensitivity#metric()})
     */
    public record Point(String layer, double sparsity, double accuracy) {}

    /** Copies the points. */
    public Sensitivity {
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(criterion, "criterion");
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(metric, "metric");
        points = List.copyOf(points);
    }

    /**
     * The scan of a classifier: its values are accuracies.
     *
     * @param provenance how the scan was made
     * @param criterion the importance criterion used
     * @param granularity weights or units
     * @param baseline the unpruned accuracy
     * @param points one point per layer and sparsity
     */
    public Sensitivity(RunProvenance provenance, Importance criterion, Granularity granularity, double baseline,
            List<Point> points) {
        this(provenance, criterion, granularity, baseline, points, Metric.ACCURACY);
    }

    /** @return the layer names, in order of first appearance */
    public List<String> layers() {
        return points.stream().map(Point::layer).distinct().toList();
    }

    /**
     * @param layer a layer
     * @return its points, in order of sparsity
     */
    public List<Point> of(String layer) {
        return points.stream().filter(p -> p.layer().equals(layer)).toList();
    }

    /**
     * @param maxDrop the accuracy loss one accepts, e.g. 0.01 (for perplexity the relative rise, 0.01 = 1 %)
     * @param layer a layer
     * @return the highest measured sparsity of that layer whose accuracy is within {@code maxDrop} of the baseline
     */
    public double safeSparsity(String layer, double maxDrop) {
        return of(layer).stream().filter(p -> metric.within(p.accuracy(), baseline, maxDrop))
                .mapToDouble(Point::sparsity).max().orElse(0);
    }

    /** @return one row per point */
    @Override
    public Table toTable() {
        return Table.create("Sensitivity of " + net() + " (" + criterion + ", "
                        + granularity.displayName() + "; baseline " + metric + " "
                        + TableFormat.number(baseline) + ")",
                StringColumn.create("layer", points.stream().map(Point::layer)),
                DoubleColumn.create("sparsity", points.stream().mapToDouble(Point::sparsity)),
                DoubleColumn.create(metric.label(), points.stream().mapToDouble(Point::accuracy)),
                DoubleColumn.create(metric.higherIsBetter() ? "drop" : "rise",
                        points.stream().mapToDouble(p -> metric.drop(baseline, p.accuracy()))));
    }

    /** @return the safe sparsity of each layer within 1 pp, then how the scan was made */
    @Override
    public List<String> notes() {
        List<String> notes = new java.util.ArrayList<>();
        notes.add("Highest sparsity within 1 " + metric.marginUnit() + " of the baseline: " + String.join(", ", layers().stream()
                .map(l -> l + " " + TableFormat.number(safeSparsity(l, 0.01))).toList()) + ".");
        notes.addAll(provenance.notes());
        return notes;
    }

    @Override
    public String toString() {
        return toText();
    }

    /**
     * The natural chart of a sensitivity analysis: accuracy against the sparsity of each layer
     * pruned alone, one curve per layer, the dense accuracy dashed.
     *
     * @return the chart as an image
     * @throws IllegalArgumentException if the analysis has no points
     */
    public java.awt.image.BufferedImage plot() {
        return org.prunekit.viz.Charts.sensitivity(this);
    }
}
