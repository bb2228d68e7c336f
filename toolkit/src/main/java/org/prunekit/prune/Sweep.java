package org.prunekit.prune;

import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Result of a sweep: criteria × sparsities → accuracy, size and measured latency, with how it
 * was made (net, data, fine-tuning budget, seed).
 *
 * @param net the net's name
 * @param data the data's name
 * @param settings how each point was made, e.g. "global unstructured, 1 fine-tune epoch, seed 42"
 * @param baseline the dense accuracy
 * @param points one per criterion and sparsity
 */
public record Sweep(String net, String data, String settings, double baseline, List<Point> points) {

    /**
     * @param criterion the importance criterion
     * @param sparsity the target sparsity
     * @param accuracyPruned test accuracy right after pruning
     * @param accuracy test accuracy after fine-tuning
     * @param nonZero non-zero weights of the prunable layers
     * @param parameters all parameters (fewer after structured removal)
     * @param latencyMs median inference time for a batch of test images, in milliseconds
     */
    public record Point(String criterion, double sparsity, double accuracyPruned, double accuracy, long nonZero,
            long parameters, double latencyMs) {}

    /** Copies the points. */
    public Sweep {
        points = List.copyOf(points);
    }

    /** @return the criteria, in order of first appearance */
    public List<String> criteria() {
        return points.stream().map(Point::criterion).distinct().toList();
    }

    /**
     * @param criterion a criterion's name
     * @return its points, in order of sparsity
     */
    public List<Point> of(String criterion) {
        return points.stream().filter(p -> p.criterion().equals(criterion)).toList();
    }

    /** @return one row per point */
    public Table toTable() {
        return Table.create("Sweep of " + net + " on " + data + " (" + settings + ")",
                StringColumn.create("criterion", points.stream().map(Point::criterion)),
                DoubleColumn.create("sparsity", points.stream().mapToDouble(Point::sparsity)),
                DoubleColumn.create("acc pruned", points.stream().mapToDouble(Point::accuracyPruned)),
                DoubleColumn.create("acc fine-tuned", points.stream().mapToDouble(Point::accuracy)),
                LongColumn.create("non-zero", points.stream().mapToLong(Point::nonZero).toArray()),
                LongColumn.create("parameters", points.stream().mapToLong(Point::parameters).toArray()),
                DoubleColumn.create("latency ms", points.stream().mapToDouble(Point::latencyMs)));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format("Sweep of %s on %s (%s); dense accuracy %.4f%n", net, data,
                settings, baseline));
        sb.append(String.format("%-18s %8s %11s %14s %10s %11s %10s%n", "criterion", "sparsity", "acc pruned",
                "acc fine-tuned", "non-zero", "parameters", "latency ms"));
        for (Point p : points) {
            sb.append(String.format("%-18s %8.2f %11.4f %14.4f %10d %11d %10.3f%n", p.criterion(), p.sparsity(),
                    p.accuracyPruned(), p.accuracy(), p.nonZero(), p.parameters(), p.latencyMs()));
        }
        return sb.toString();
    }
}
