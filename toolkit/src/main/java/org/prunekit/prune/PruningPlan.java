package org.prunekit.prune;

import org.prunekit.PruneKit;
import org.prunekit.Tabular;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A computed but not yet applied pruning decision: per layer, the new mask. Preview it with
 * {@link #toTable()} or {@link #toString()}, then {@link #apply()} it (once).
 */
public final class PruningPlan implements Tabular {

    private final Net net;
    private final Pruner pruner;
    private final List<LayerPlan> layers;
    private final String sampleData;
    private boolean applied;

    PruningPlan(Net net, Pruner pruner, List<LayerPlan> layers, String sampleData) {
        this.net = net;
        this.pruner = pruner;
        this.layers = List.copyOf(layers);
        this.sampleData = sampleData;
    }

    /** @return the per-layer plans, in layer order */
    public List<LayerPlan> layers() {
        return layers;
    }

    /** @return the pruner that made the plan */
    public Pruner pruner() {
        return pruner;
    }

    /** @return whether {@link #apply()} was called */
    public boolean isApplied() {
        return applied;
    }

    /** @return the fraction of all planned weights (or units) that will be pruned */
    public double sparsityAfter() {
        long total = layers.stream().mapToLong(LayerPlan::total).sum();
        return layers.stream().mapToLong(LayerPlan::prunedAfter).sum() / (double) total;
    }

    /**
     * Applies the plan: registers the masks with the net, which multiplies them into the weights
     * now and after every optimizer step. For a structured plan, a removed unit's weights, bias
     * and following batch-norm scale and shift are all masked, so its output is exactly zero and
     * {@link Net#removePrunedUnits()} can then remove it physically without changing any output.
     *
     * @return the net's sparsity report after the change
     * @throws IllegalStateException if the plan was applied already or the net changed shape since
     */
    public SparsityReport apply() {
        PruneKit.noGrad();
        if (applied) {
            throw new IllegalStateException("This plan was already applied; plan again to prune more.");
        }
        for (LayerPlan p : layers) {
            Layer l = net.layer(p.layer());
            long expected = p.granularity() == Granularity.UNSTRUCTURED ? l.weight().getArray().size()
                    : l.weight().getArray().getShape().get(0);
            if (expected != p.total()) {
                throw new IllegalStateException("Layer " + p.layer() + " changed since this plan was made (" + expected
                        + " instead of " + p.total() + "); plan again.");
            }
        }
        NDManager m = net.manager();
        for (LayerPlan p : layers) {
            Layer l = net.layer(p.layer());
            Shape shape = l.weight().getArray().getShape();
            if (p.granularity() == Granularity.UNSTRUCTURED) {
                try (NDArray mask = m.create(p.mask(), shape)) {
                    net.addMask(l.weight(), mask);
                }
                continue;
            }
            LayerStats shapeOnly = new LayerStats(p.layer(), shape, new float[(int) shape.size()], null, null, null,
                    null, null, null, null, 0);
            try (NDArray mask = m.create(shapeOnly.broadcast(p.mask()), shape)) {
                net.addMask(l.weight(), mask);
            }
            if (l.bias() != null) {
                try (NDArray mask = m.create(p.mask())) {
                    net.addMask(l.bias(), mask);
                }
            }
            for (Layer bn : followingBatchNorms(l)) {
                for (String key : new String[] {"gamma", "beta"}) {
                    try (NDArray mask = m.create(p.mask())) {
                        net.addMask(bn.parameter(key), mask);
                    }
                }
            }
        }
        applied = true;
        return SparsityReport.of(net);
    }

    private List<Layer> followingBatchNorms(Layer l) {
        List<Layer> all = net.layers();
        List<Layer> out = new java.util.ArrayList<>();
        for (int j = l.index() + 1; j < all.size() && !all.get(j).isPrunable(); j++) {
            if (all.get(j).isBatchNorm()) {
                out.add(all.get(j));
            }
        }
        return out;
    }

    /** @return one row per layer: total, pruned before and after, sparsity after */
    @Override
    public Table toTable() {
        String unit = pruner.granularity() == Granularity.UNSTRUCTURED ? "weights" : "units";
        Table t = Table.create("Plan: " + pruner);
        t.addColumns(StringColumn.create("layer", layers.stream().map(LayerPlan::layer)),
                IntColumn.create(unit, layers.stream().mapToInt(LayerPlan::total).toArray()),
                IntColumn.create("pruned now", layers.stream().mapToInt(LayerPlan::prunedBefore).toArray()),
                IntColumn.create("pruned after", layers.stream().mapToInt(LayerPlan::prunedAfter).toArray()),
                DoubleColumn.create("sparsity after", layers.stream().mapToDouble(LayerPlan::sparsityAfter)));
        return t;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format("Pruning plan for %s: %s, sample data: %s%s%n", net.name(),
                pruner, sampleData, applied ? " (applied)" : " (not applied)"));
        sb.append(String.format("%-8s %10s %11s %13s %15s%n", "layer",
                pruner.granularity() == Granularity.UNSTRUCTURED ? "weights" : "units", "pruned now", "pruned after",
                "sparsity after"));
        for (LayerPlan p : layers) {
            sb.append(String.format("%-8s %10d %11d %13d %15.4f%n", p.layer(), p.total(), p.prunedBefore(),
                    p.prunedAfter(), p.sparsityAfter()));
        }
        sb.append(String.format("%-8s %10s %11s %13s %15.4f%n", "total", "", "", "", sparsityAfter()));
        if (sparsityAfter() < pruner.sparsity() - 1e-3) {
            sb.append(String.format("note: target %.4f not reached, capped by the minimum density per layer%n",
                    pruner.sparsity()));
        }
        return sb.toString();
    }
}
