package org.prunekit.prune;

import org.prunekit.Tabular;
import java.util.List;
import org.prunekit.data.DataSplit;
import org.prunekit.model.ChannelGroup;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Result of a sensitivity analysis (Han et al. 2015, Li et al. 2017): each layer pruned alone
 * at several sparsities, with the accuracy measured right after (no fine-tuning). Layers whose
 * accuracy drops early are sensitive and should be pruned less.
 *
 * @param net the net's name
 * @param criterion the importance criterion used
 * @param granularity weights or units
 * @param baseline the unpruned accuracy
 * @param points one point per layer and sparsity
 */
public record Sensitivity(String net, String criterion, Granularity granularity, double baseline,
        List<Point> points) implements Tabular {

    /**
     * @param layer the layer pruned alone
     * @param sparsity its sparsity
     * @param accuracy the net's test accuracy then
     */
    public record Point(String layer, double sparsity, double accuracy) {}

    /** Copies the points. */
    public Sensitivity {
        points = List.copyOf(points);
    }

    /**
     * Prunes each layer (per unit: each channel group) alone, on a copy of the net, which is left
     * untouched, at each sparsity
     * and measures the test accuracy right after.
     *
     * @param net a trained net
     * @param data sample data for data-driven criteria, and the test set
     * @param importance the criterion
     * @param granularity weights or units
     * @param sparsities the levels to try, each in [0, 1)
     * @return the curves
     */
    public static Sensitivity measure(Net net, DataSplit data, Importance importance, Granularity granularity,
            double... sparsities) {
        if (sparsities.length == 0) {
            throw new IllegalArgumentException("Give at least one sparsity level, e.g. 0.5, 0.7, 0.9.");
        }
        for (double s : sparsities) {
            Pruner.checkSparsity(s);
        }
        double baseline = net.accuracy(data.test());
        List<Point> points = new java.util.ArrayList<>();
        // per weight: every prunable layer; per unit: every channel group (named after its first producer)
        List<String> layers = granularity.removesUnits()
                ? net.channelGroups().prunable().stream().map(ChannelGroup::name).toList()
                : net.prunableLayers().stream().map(Layer::name).toList();
        for (String layer : layers) {
            for (double s : sparsities) {
                try (Net copy = net.copy()) {
                    Pruner.builder().setImportance(importance).setSparsity(s).optGranularity(granularity)
                            .optLayers(layer).build().plan(copy, data).apply();
                    points.add(new Point(layer, s, copy.accuracy(data.test())));
                }
            }
        }
        return new Sensitivity(net.name(), importance.name(), granularity, baseline, points);
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
     * @param maxDrop the accuracy loss one accepts, e.g. 0.01
     * @param layer a layer
     * @return the highest measured sparsity of that layer whose accuracy is within {@code maxDrop} of the baseline
     */
    public double safeSparsity(String layer, double maxDrop) {
        return of(layer).stream().filter(p -> p.accuracy() >= baseline - maxDrop).mapToDouble(Point::sparsity).max()
                .orElse(0);
    }

    /** @return one row per point */
    @Override
    public Table toTable() {
        return Table.create("Sensitivity of " + net + " (" + criterion + ", " + granularity + ")",
                StringColumn.create("layer", points.stream().map(Point::layer)),
                DoubleColumn.create("sparsity", points.stream().mapToDouble(Point::sparsity)),
                DoubleColumn.create("accuracy", points.stream().mapToDouble(Point::accuracy)),
                DoubleColumn.create("drop", points.stream().mapToDouble(p -> baseline - p.accuracy())));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format("Sensitivity of %s (%s, %s), baseline accuracy %.4f%n", net,
                criterion, granularity, baseline));
        for (String l : layers()) {
            sb.append(String.format("  %-6s", l));
            for (Point p : of(l)) {
                sb.append(String.format("  %.2f→%.4f", p.sparsity(), p.accuracy()));
            }
            sb.append(String.format("   (safe within 1 pp: %.2f)%n", safeSparsity(l, 0.01)));
        }
        return sb.toString();
    }
}
