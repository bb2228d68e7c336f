package org.prunekit.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToLongFunction;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.prunekit.PruneKit;
import org.prunekit.Tabular;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Dynamic sparse training: the mask changes during training while the number of active weights
 * stays fixed. This is the mask update of SET (Sparse Evolutionary Training, Mocanu et al. 2018,
 * "Scalable training of artificial neural networks with adaptive sparse connectivity inspired by
 * network science"): in every masked weight tensor, drop the {@code dropFraction} of the active
 * weights with the smallest {@code |w|}, and regrow as many connections at random positions that
 * were inactive, starting at zero. Call {@link #update(Net)} between epochs (or every few
 * batches) of training with the masks held ({@link Net#addMask}); the optimizer then trains the
 * regrown weights from zero.
 *
 * <pre>{@code
 * DynamicSparsity set = DynamicSparsity.set(0.3, 42);
 * for (int epoch = 1; epoch <= 10; epoch++) {
 *     Training.fit(net, data, TrainConfig.epochs(1).withSeed(epoch), Progress.none());
 *     if (epoch < 10) set.update(net);        // drop 30 % of the active weights, regrow as many
 * }
 * }</pre>
 *
 * <p>Rules: only weights of Linear and Conv2d layers that already have a mask take part (prune
 * first, e.g. with {@link Pruner} or {@link TorchPrune}); other masks (biases, say) are kept as
 * they are. The count of active weights of every tensor is the same after an update as before.
 * The dropped count is {@code round(dropFraction · active)}, at most the number of inactive
 * positions. Regrowth draws among the positions that were inactive <em>before</em> the update, so
 * a connection just dropped is not regrown in the same step. Equal magnitudes are dropped in
 * index order. RigL (Evci et al. 2020) regrows where the gradient is largest instead of at
 * random; this class implements SET's random regrowth.
 */
public final class DynamicSparsity {

    private final double dropFraction;
    private final Random random;

    private DynamicSparsity(double dropFraction, long seed) {
        if (!(dropFraction >= 0 && dropFraction <= 1)) {
            throw new IllegalArgumentException("The drop fraction must be in [0, 1], got " + dropFraction
                    + " (SET uses 0.3: 30 % of the active weights are dropped and regrown each time).");
        }
        this.dropFraction = dropFraction;
        this.random = new Random(seed);
    }

    /**
     * SET's update: magnitude drop, random regrowth.
     *
     * @param dropFraction the share of the active weights of each tensor to drop and regrow per
     *     update, in [0, 1] (Mocanu et al. use 0.3)
     * @param seed the seed of the random regrowth (the same seed and net give the same masks)
     * @return the update rule
     */
    public static DynamicSparsity set(double dropFraction, long seed) {
        return new DynamicSparsity(dropFraction, seed);
    }

    /** @return the share of the active weights dropped and regrown per update */
    public double dropFraction() {
        return dropFraction;
    }

    /**
     * Drops and regrows in every masked weight tensor of the net: the dropped weights are set to
     * zero and masked, the regrown ones unmasked at zero.
     *
     * @param net a net with masks on some Linear/Conv2d weights; changed in place
     * @return per layer, the active weights and what moved
     * @throws IllegalArgumentException if no Linear/Conv2d weight of the net has a mask
     */
    public Update update(Net net) {
        PruneKit.noGrad();
        Map<Parameter, float[]> masks = new LinkedHashMap<>();
        for (Map.Entry<Parameter, NDArray> e : net.masks().entrySet()) {
            masks.put(e.getKey(), e.getValue().toFloatArray());
        }
        List<Update.Row> rows = new ArrayList<>();
        for (Layer layer : net.prunableLayers()) {
            Parameter p = layer.weight();
            float[] mask = masks.get(p);
            if (mask == null) {
                continue;
            }
            float[] w = p.getArray().toFloatArray();
            int[] active = positions(mask, true);
            int[] inactive = positions(mask, false);
            int k = (int) Math.min(Math.round(dropFraction * active.length), inactive.length);
            Integer[] byMagnitude = new Integer[active.length];
            for (int i = 0; i < active.length; i++) {
                byMagnitude[i] = active[i];
            }
            Arrays.sort(byMagnitude, Comparator.comparingDouble((Integer i) -> Math.abs(w[i])).thenComparingInt(i -> i));
            float[] next = mask.clone();
            for (int i = 0; i < k; i++) {
                next[byMagnitude[i]] = 0f;
            }
            for (int i = 0; i < k; i++) { // partial Fisher-Yates: k distinct inactive positions
                int j = i + random.nextInt(inactive.length - i);
                int t = inactive[i];
                inactive[i] = inactive[j];
                inactive[j] = t;
                next[inactive[i]] = 1f;
            }
            masks.put(p, next);
            rows.add(new Update.Row(layer.name(), mask.length, active.length, k, k, active.length));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("Net " + net.name() + " has no masked Linear or Conv2d weight to update;"
                    + " prune it first (a Pruner plan applied, or TorchPrune), then call update between epochs.");
        }
        net.clearMasks();
        for (Map.Entry<Parameter, float[]> e : masks.entrySet()) {
            try (NDArray m = net.manager().create(e.getValue(), e.getKey().getArray().getShape())) {
                net.addMask(e.getKey(), m); // zeroes the dropped weights; regrown ones are zero already
            }
        }
        return new Update(net.name(), dropFraction, rows);
    }

    private static int[] positions(float[] mask, boolean active) {
        int n = 0;
        for (float v : mask) {
            n += (v != 0f) == active ? 1 : 0;
        }
        int[] out = new int[n];
        int at = 0;
        for (int i = 0; i < mask.length; i++) {
            if ((mask[i] != 0f) == active) {
                out[at++] = i;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SET: drop %.0f %% of the active weights by |w|, regrow as many at random",
                100 * dropFraction);
    }

    /**
     * What one update did. A value.
     *
     * @param net the net's name
     * @param dropFraction the share of the active weights dropped
     * @param rows one per masked weight tensor, in layer order
     */
    public record Update(String net, double dropFraction, List<Row> rows) implements Tabular {

        /**
         * One weight tensor.
         *
         * @param layer the layer's name
         * @param weights all entries of the weight
         * @param activeBefore unmasked entries before the update
         * @param dropped entries masked by the update (the smallest |w| among the active)
         * @param regrown entries unmasked by the update (at zero)
         * @param activeAfter unmasked entries after the update
         */
        public record Row(String layer, long weights, long activeBefore, long dropped, long regrown, long activeAfter) {

            /** @return the share of the entries masked after the update */
            public double sparsity() {
                return 1 - activeAfter / (double) weights;
            }
        }

        /** Copies the rows. */
        public Update {
            rows = List.copyOf(rows);
        }

        /** @return the entries of every masked weight tensor */
        public long weights() {
            return total(Row::weights);
        }

        /** @return the unmasked entries before the update */
        public long activeBefore() {
            return total(Row::activeBefore);
        }

        /** @return the unmasked entries after the update */
        public long activeAfter() {
            return total(Row::activeAfter);
        }

        /** @return the entries dropped (and as many regrown) */
        public long moved() {
            return total(Row::dropped);
        }

        /** @return the share of the masked tensors' entries masked after the update */
        public double sparsity() {
            return 1 - activeAfter() / (double) weights();
        }

        private long total(ToLongFunction<Row> count) {
            return rows.stream().mapToLong(count).sum();
        }

        /** @return one row per weight tensor plus a total row */
        @Override
        public Table toTable() {
            double[] sparsity = DoubleStream.concat(rows.stream().mapToDouble(Row::sparsity), DoubleStream.of(sparsity()))
                    .toArray();
            return Table.create(String.format(Locale.ROOT, "Drop and regrow in %s (%.0f %% of the active weights)", net,
                            100 * dropFraction),
                    StringColumn.create("layer", Stream.concat(rows.stream().map(Row::layer), Stream.of("total"))),
                    LongColumn.create("weights", withTotal(Row::weights)),
                    LongColumn.create("active before", withTotal(Row::activeBefore)),
                    LongColumn.create("dropped", withTotal(Row::dropped)),
                    LongColumn.create("regrown", withTotal(Row::regrown)),
                    LongColumn.create("active after", withTotal(Row::activeAfter)),
                    DoubleColumn.create("mask sparsity", sparsity));
        }

        /** @return the count of every row, then their sum */
        private long[] withTotal(ToLongFunction<Row> count) {
            return LongStream.concat(rows.stream().mapToLong(count), LongStream.of(total(count))).toArray();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "Drop and regrow in %s: %,d of %,d weights active (mask sparsity %.4f), %,d moved%n", net,
                    activeAfter(), weights(), sparsity(), moved()));
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "  %-8s active %,d -> %,d, dropped %,d, regrown %,d%n", r.layer(),
                        r.activeBefore(), r.activeAfter(), r.dropped(), r.regrown()));
            }
            return sb.toString();
        }
    }
}
