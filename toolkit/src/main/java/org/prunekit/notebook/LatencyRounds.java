package org.prunekit.notebook;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prunekit.PruneKit;
import org.prunekit.Tabular;
import org.prunekit.data.ImageSet;
import org.prunekit.train.Latency;
import org.prunekit.train.Trainable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Several nets timed in turns, round after round, with every round kept: the spread behind a
 * speed-up. Every net is first warmed up until its pass time is steady ({@link Latency#compare}'s
 * warm-up, once per net), then the nets take turns: in each round every net runs {@code passes}
 * timed passes, and the round's median is kept. The order rotates from round to round (round r
 * starts with net r), so that no net always runs first. A net's time is the median of its rounds,
 * and a speed-up compares a net with the first (reference) net within each round, where both were
 * timed moments apart, taking the median over the rounds. On a machine shared with other work a
 * round can be slowed for one net and not the next; the medians ignore such a round, where the
 * fastest round of each net (what {@link Latency#compare} keeps) may come from different moments
 * of the machine's load and so make a net with the very same shapes look faster. The rounds'
 * range is kept and shown. A value.
 *
 * <p>A pass is what {@link Latency} times: {@code net.forward(x, false)} on one batch built before
 * the clock starts, plus copying the logits out. Every array the pass creates belongs to a scope of
 * that pass and is freed after the clock has stopped, so native memory stays flat however many
 * rounds run. Warming up once, not once per round, keeps a long comparison short on a loaded
 * machine, where the warm-up runs to its 10-second limit.
 *
 * <pre>{@code
 * LatencyRounds t = LatencyRounds.of(Map.of("dense", net, "units removed", slim), data.test(), 1000, 5, 7);
 * t.time("units removed")             // 31.2 (ms: the median round)
 * t.speedUp("units removed")          // 1.81 (the median over the rounds of dense / units removed)
 * t.speedUpPerRound("units removed")  // ...: 1.8100 ± 0.0400 over 5 runs (1.7600 .. 1.8600)
 * }</pre>
 */
public final class LatencyRounds implements Tabular {

    private final int batchSize;
    private final int passes;
    private final Map<String, double[]> millis;

    private LatencyRounds(int batchSize, int passes, Map<String, double[]> millis) {
        this.batchSize = batchSize;
        this.passes = passes;
        this.millis = millis;
    }

    /**
     * @param nets label → net, the reference (e.g. the dense net) first (use a {@code LinkedHashMap})
     * @param images the first {@code batchSize} images are classified
     * @param batchSize images per pass
     * @param rounds rounds of turns (at least 1)
     * @param passes timed passes per net and round (at least 1)
     * @return every round's median pass time of every net
     */
    public static LatencyRounds of(Map<String, ? extends Trainable> nets, ImageSet images, int batchSize, int rounds,
            int passes) {
        if (nets.isEmpty() || rounds < 1) {
            throw new IllegalArgumentException("Give at least one net and one round, got " + nets.size() + " nets and "
                    + rounds + " rounds.");
        }
        if (passes < 1) {
            throw new IllegalArgumentException("Give at least one pass per round, got " + passes + ".");
        }
        PruneKit.noGrad();
        List<String> names = new ArrayList<>(nets.keySet());
        List<Trainable> list = new ArrayList<>(nets.values());
        Latency.compare(list, images, batchSize, 1, 1);        // every net warmed up until steady
        int b = Math.min(batchSize, images.size());
        double[][] byNet = new double[list.size()][rounds];
        List<NDManager> managers = new ArrayList<>();
        try {
            List<NDArray> inputs = new ArrayList<>();
            for (Trainable net : list) {
                NDManager m = net.manager().newSubManager();
                managers.add(m);
                inputs.add(images.batch(m, ImageSet.inOrder(b), 0, b, net.inputShape()).get(0));
                timedMedian(net, inputs.get(inputs.size() - 1), passes);   // untimed: the new batch's first passes
            }
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < list.size(); k++) {
                    int i = (r + k) % list.size();      // round r starts with net r: no net is always first
                    byNet[i][r] = timedMedian(list.get(i), inputs.get(i), passes);
                }
            }
        } finally {
            managers.forEach(NDManager::close);
        }
        Map<String, double[]> millis = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            millis.put(names.get(i), byNet[i]);
        }
        return new LatencyRounds(Math.min(batchSize, images.size()), passes, millis);
    }

    /** The median of {@code passes} passes; each pass's arrays live in a scope closed after its clock stops. */
    private static double timedMedian(Trainable net, NDArray x, int passes) {
        double[] t = new double[passes];
        for (int p = 0; p < passes; p++) {
            try (NDScope pass = new NDScope()) {
                long start = System.nanoTime();
                net.forward(x, false).toFloatArray();
                t[p] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(t);
        return t[passes / 2];
    }

    /** @return the nets' labels, the reference first */
    public List<String> names() {
        return List.copyOf(millis.keySet());
    }

    /** @return the reference net's label (the first) */
    public String reference() {
        return millis.keySet().iterator().next();
    }

    /** @return the number of rounds */
    public int rounds() {
        return millis.values().iterator().next().length;
    }

    /**
     * @param name a net's label
     * @return its median pass time in every round, in milliseconds
     */
    public Replicates millis(String name) {
        return Replicates.of(name + " (ms per " + batchSize + " images)", times(name));
    }

    /**
     * @param name a net's label
     * @return its time in milliseconds: the median of its round medians
     */
    public double time(String name) {
        return median(times(name));
    }

    /**
     * @param name a net's label
     * @return the median over the rounds of the reference's time over this net's in the same round
     *     (above 1: faster)
     */
    public double speedUp(String name) {
        return median(speedUpPerRound(name).values());
    }

    private static double median(double[] values) {
        double[] r = values.clone();
        Arrays.sort(r);
        return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }

    /**
     * @param name a net's label
     * @return the reference's time over this net's within each round
     */
    public Replicates speedUpPerRound(String name) {
        double[] ref = times(reference());
        double[] own = times(name);
        double[] ratio = new double[ref.length];
        for (int r = 0; r < ref.length; r++) {
            ratio[r] = ref[r] / own[r];
        }
        return Replicates.of("speed-up of " + name + " per round", ratio);
    }

    private double[] times(String name) {
        double[] m = millis.get(name);
        if (m == null) {
            throw new IllegalArgumentException("No net '" + name + "' was timed; the nets are " + names() + ".");
        }
        return m;
    }

    @Override
    public Table toTable() {
        StringColumn net = StringColumn.create("net");
        DoubleColumn time = DoubleColumn.create("ms per " + batchSize + " images (median round)");
        StringColumn range = StringColumn.create("ms, every round (min – max)");
        DoubleColumn speedUp = DoubleColumn.create("speed-up vs " + reference() + " (median of the rounds)");
        StringColumn perRound = StringColumn.create("speed-up, every round (min – max)");
        for (String name : names()) {
            Replicates m = millis(name);
            Replicates s = speedUpPerRound(name);
            net.append(name);
            time.append(time(name));
            range.append(String.format(Locale.ROOT, "%.2f – %.2f", m.min(), m.max()));
            speedUp.append(speedUp(name));
            perRound.append(String.format(Locale.ROOT, "%.2f – %.2f", s.min(), s.max()));
        }
        return Table.create(String.format(Locale.ROOT, "Timed in turns: %d rounds of %d passes per net", rounds(),
                passes), net, time, range, speedUp, perRound);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "Timed in turns, %d rounds of %d passes of %d images per net:%n", rounds(), passes, batchSize));
        for (String name : names()) {
            Replicates m = millis(name);
            Replicates s = speedUpPerRound(name);
            sb.append(String.format(Locale.ROOT, "  %-28s %8.3f ms (rounds %.3f .. %.3f)  speed-up %.2fx"
                    + " (rounds %.2f .. %.2f)%n", name, time(name), m.min(), m.max(), speedUp(name), s.min(), s.max()));
        }
        return sb.toString();
    }
}
