package org.prunekit.prune;

import org.prunekit.PruneKit;
import org.prunekit.Tabular;
import java.util.List;
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

    private final java.util.Map<String, String> skipped;
    private final List<String> notes;

    PruningPlan(Net net, Pruner pruner, List<LayerPlan> layers, String sampleData, java.util.Map<String, String> skipped,
            List<String> notes) {
        this.skipped = java.util.Map.copyOf(skipped);
        this.notes = List.copyOf(notes);
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
     * @return why the plan's sparsity differs from the pruner's target, if it does: the counts are
     *     whole numbers (rounded half to even), a floor held layers back (a layer-wise plan keeps
     *     one weight or unit of each layer; a global plan the minimum density), or layers were
     *     already sparser; empty if the plan meets its target (within 0.001)
     */
    public List<String> notes() {
        return notes;
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
     *     total, pruned before and after, sparsity after
     */
    @Override
    public Table toTable() {
        boolean structured = pruner.granularity().removesUnits();
        String unit = structured ? "units" : "weights";
        Table t = Table.create("Plan: " + pruner);
        t.addColumns(StringColumn.create("layer", layers.stream().map(LayerPlan::layer)));
        if (structured) {
            t.addColumns(StringColumn.create("members", layers.stream().map(p -> String.join(", ", p.members()))));
        }
        t.addColumns(
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
        boolean structured = pruner.granularity().removesUnits();
        int w = Math.max(8, layers.stream().mapToInt(p -> p.layer().length()).max().orElse(8));
        sb.append(String.format("%-" + w + "s %10s %11s %13s %15s%s%n", "layer", structured ? "units" : "weights",
                "pruned now", "pruned after", "sparsity after", structured ? "  members" : ""));
        for (LayerPlan p : layers) {
            sb.append(String.format("%-" + w + "s %10d %11d %13d %15.4f%s%n", p.layer(), p.total(), p.prunedBefore(),
                    p.prunedAfter(), p.sparsityAfter(), structured ? "  " + String.join(", ", p.members()) : ""));
        }
        sb.append(String.format("%-" + w + "s %10s %11s %13s %15.4f%n", "total", "", "", "", sparsityAfter()));
        skipped.forEach((layer, why) -> sb.append("skipped ").append(layer).append(": ").append(why).append('\n'));
        notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
        return sb.toString();
    }
}
