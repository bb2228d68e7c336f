package org.prunekit.prune;

import org.prunekit.PruneKit;
import org.prunekit.Tabular;
import java.util.List;
import org.prunekit.model.Net;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A computed but not yet applied pruning decision: per layer, the new mask. Preview it with
 * {@link #toTable()} or {@link #toString()} (the same table, with the skipped layers and the
 * reasons a target was not reached as {@link #notes()} under it), then {@link #apply()} it (once).
 */
public final class PruningPlan implements Tabular {

    private final Net net;
    private final Pruner pruner;
    private final List<LayerPlan> layers;
    private final String sampleData;
    private boolean applied;

    private final java.util.Map<String, String> skipped;
    private final List<String> targetNotes;

    PruningPlan(Net net, Pruner pruner, List<LayerPlan> layers, String sampleData, java.util.Map<String, String> skipped,
            List<String> notes) {
        this.skipped = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(skipped));
        this.targetNotes = List.copyOf(notes);
        this.net = net;
        this.pruner = pruner;
        this.layers = List.copyOf(layers);
        this.sampleData = sampleData;
    }

    /** @return the per-layer plans, in layer order */
    public List<LayerPlan> layers() {
        return layers;
    }

    /** @return layers the pruner left out, with the reason (N:M: layers whose inputs M does not divide) */
    public java.util.Map<String, String> skipped() {
        return skipped;
    }

    /**
     * @return the plan's warnings, shown under its table in a notebook and in its text: first one
     *     {@code skipped <layer>: <why>} per layer the pruner left out ({@link #skipped()}), then
     *     why the plan's sparsity differs from the pruner's target, if it does (the counts are
     *     whole numbers, rounded half to even; a floor held layers back: a layer-wise plan keeps
     *     one weight or unit of each layer, a global plan the minimum density; or layers were
     *     already sparser); empty if no layer was skipped and the plan meets its target (within
     *     0.001)
     */
    @Override
    public List<String> notes() {
        List<String> all = new java.util.ArrayList<>();
        skipped.forEach((layer, why) -> all.add("skipped " + layer + ": " + why));
        all.addAll(targetNotes);
        return List.copyOf(all);
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
     * now and after every optimizer step. For a structured plan, a removed channel is masked in
     * every member of its channel group — the weights and bias of every producer, the scale and
     * shift of every batch norm — so its value is exactly zero wherever it is read, and
     * {@link Net#removePrunedUnits()} can then remove it physically without changing any output.
     *
     * @return the net's sparsity report after the change, labelled with this plan's pruner
     *     ({@link Pruner#label()}, e.g. {@code lamp, global 98 %}), which charts use to tell
     *     copies of one net apart
     * @throws IllegalStateException if the plan was applied already or the net changed shape since
     */
    public SparsityReport apply() {
        PruneKit.noGrad();
        if (applied) {
            throw new IllegalStateException("This plan was already applied; plan again to prune more.");
        }
        pruner.granularity().apply(net, layers);
        applied = true;
        return SparsityReport.of(net).withPruning(pruner.label());
    }

    /**
     * @return one row per layer (structured: per channel group, with the layers it touches):
     *     total, pruned before and after, sparsity after; then a total row. The caption names the
     *     net, the pruner, the sample data and whether the plan was applied.
     */
    @Override
    public Table toTable() {
        boolean structured = pruner.granularity().removesUnits();
        String unit = structured ? "units" : "weights";
        Table t = Table.create("Pruning plan for " + net.name() + ": " + pruner + "; sample data: " + sampleData
                + (applied ? " (applied)" : " (not applied)"));
        t.addColumns(StringColumn.create("layer", java.util.stream.Stream.concat(layers.stream().map(LayerPlan::layer),
                java.util.stream.Stream.of("total"))));
        if (structured) {
            t.addColumns(StringColumn.create("members", java.util.stream.Stream.concat(layers.stream()
                    .map(p -> String.join(", ", p.members())), java.util.stream.Stream.of(""))));
        }
        t.addColumns(
                LongColumn.create(unit, withTotal(LayerPlan::total)),
                LongColumn.create("pruned now", withTotal(LayerPlan::prunedBefore)),
                LongColumn.create("pruned after", withTotal(LayerPlan::prunedAfter)),
                DoubleColumn.create("sparsity after", java.util.stream.DoubleStream.concat(layers.stream()
                        .mapToDouble(LayerPlan::sparsityAfter), java.util.stream.DoubleStream.of(sparsityAfter()))));
        return t;
    }

    /** The column of one count: a value per layer, then their sum. */
    private long[] withTotal(java.util.function.ToLongFunction<LayerPlan> count) {
        long[] values = new long[layers.size() + 1];
        for (int i = 0; i < layers.size(); i++) {
            values[i] = count.applyAsLong(layers.get(i));
            values[layers.size()] += values[i];
        }
        return values;
    }

    /** @return the plan as aligned text: the same table and notes a notebook shows */
    @Override
    public String toString() {
        return toText();
    }
}
