package org.prunekit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.prunekit.PruneKit;
import org.prunekit.Tabular;
import org.prunekit.data.Examples;
import org.prunekit.engine.NativeHeap;
import org.prunekit.notebook.Replicates;
import org.prunekit.sparse.SparseInference;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Inference time of several nets against the first (the baseline), round by round, with the
 * spread a claim of a speed-up needs. Every net is first warmed up once until its pass time is
 * steady ({@link Latency}'s warm-up); then the nets take turns pass by pass, round after round: a
 * round is {@code passes} turns, in each of which every net runs one timed pass on its own batch, so
 * a burst of other load on a shared machine falls on all of them alike; a net keeps the median of
 * its passes in the round. The net that goes first rotates from turn to turn, so no net always runs
 * first. Each pass's arrays belong to that pass and are freed after its clock stops ({@link Latency}'s
 * pass), so native memory stays flat however many rounds run. A net's time is the median of its rounds; its
 * speed-up is the median over the rounds of baseline time / net time within each round, where both
 * were timed moments apart. Two summaries decide: the median of the round ratios (the typical
 * round), and the ratio of the two nets' fastest rounds (other load only ever slows a pass down, so
 * the fastest round is the least disturbed one). A net counts as faster or slower only if both say
 * so by more than {@value #BAND_PERCENT} %, and as "no faster" if both lie within that band; a single
 * round hit by a burst of load elsewhere moves neither much. The range of the round ratios is always
 * shown with them. A value.
 *
 * <pre>{@code
 * SpeedUp s = SpeedUp.measure(Map.of("dense", dense, "half the channels", slim), data.test(), 500, 5, 7);
 * s.isFaster("half the channels")   // median round and fastest rounds both more than 10 % faster
 * s.words("half the channels")      // "1.92x faster than dense (median of 5 rounds; fastest rounds 1.95x; rounds 1.85x .. 1.97x)"
 * s.time("half the channels")       // 31.2 (ms: the median round)
 * s.speedUp("half the channels")    // 1.92 (the median over the rounds of dense / half the channels)
 * s.speedUpPerRound("half the channels")  // ...: 1.9100 ± 0.0500 over 5 runs (1.8500 .. 1.9700)
 * }</pre>
 *
 * @param baseline the first net's label
 * @param batchSize images per timed pass
 * @param passes timed passes per net and round
 * @param rows one per net, the baseline first, in the order given
 * @param noun what a pass's examples are called ({@link Examples#noun()}: images, texts, windows)
 */
public record SpeedUp(String baseline, int batchSize, int passes, List<Row> rows, String noun) implements Tabular {

    /** The band, in percent, within which a round counts as neither faster nor slower. */
    public static final int BAND_PERCENT = 10;

    private static final double BAND = 1 + BAND_PERCENT / 100.0;

    /**
     * One net.
     *
     * @param name its label
     * @param roundMillis its median pass of every round, in milliseconds, in the order measured
     * @param ratios per round, the baseline's median divided by this net's (above 1: faster)
     */
    public record Row(String name, double[] roundMillis, double[] ratios) {

        /** Copies the arrays. */
        public Row {
            roundMillis = roundMillis.clone();
            ratios = ratios.clone();
        }

        @Override
        public double[] roundMillis() {
            return roundMillis.clone();
        }

        @Override
        public double[] ratios() {
            return ratios.clone();
        }

        /** @return the median of the round medians, in milliseconds */
        public double medianMillis() {
            return median(roundMillis);
        }

        /** @return the median speed-up over the rounds */
        public double medianRatio() {
            return median(ratios);
        }

        /** @return the smallest speed-up of a round */
        public double minRatio() {
            return Arrays.stream(ratios).min().orElseThrow();
        }

        /** @return the largest speed-up of a round */
        public double maxRatio() {
            return Arrays.stream(ratios).max().orElseThrow();
        }
    }

    /** Copies the rows. */
    public SpeedUp {
        rows = List.copyOf(rows);
        Objects.requireNonNull(noun, "noun");
    }

    /**
     * A measurement of passes over images.
     *
     * @param baseline the first net's label
     * @param batchSize images per timed pass
     * @param passes timed passes per net and round
     * @param rows one per net, the baseline first
     */
    public SpeedUp(String baseline, int batchSize, int passes, List<Row> rows) {
        this(baseline, batchSize, passes, rows, "images");
    }

    /**
     * Times the nets in turns, pass by pass, {@code rounds} rounds after one warm-up per net (see the class comment).
     *
     * @param nets label → net, the baseline first (use a {@code LinkedHashMap}); at least two
     * @param images the first {@code batchSize} images are classified
     * @param batchSize images per pass
     * @param rounds rounds (at least 1; 5 or more to see the spread)
     * @param passes timed passes per net and round: turns per round (at least 1)
     * @return the measurement
     * @throws IllegalArgumentException for fewer than two nets, or no rounds or passes
     */
    public static SpeedUp measure(Map<String, ? extends Trainable> nets, Examples images, int batchSize, int rounds,
            int passes) {
        List<Timed> timed = new ArrayList<>();
        nets.forEach((name, net) -> timed.add(new Timed(name, net.manager(), net.inputShape(), Latency.inference(net))));
        return time(timed, images, batchSize, rounds, passes);
    }

    /**
     * The same measurement for nets as PruneKit runs them for inference ({@link SparseInference}: each layer on the
     * faster of the engine and PruneKit's Java kernels, sparse kernels where the weights' zeros pay). A net's speed
     * on the engine depends on how the CPU's kernels handle its shapes (oneDNN, for one, pads channel counts to blocks
     * of 8 or 16, so halving 6 or 16 channels may save it nothing); here a net with fewer units or more zeros is
     * compared with the dense net each at its fastest.
     *
     * @param forms label → a net's inference form, the baseline first (use a {@code LinkedHashMap}); at least two,
     *     each built for {@code batchSize}
     * @param images the first {@code batchSize} images are classified
     * @param batchSize images per pass
     * @param rounds rounds (at least 1; 5 or more to see the spread)
     * @param passes timed passes per form and round: turns per round (at least 1)
     * @return the measurement
     * @throws IllegalArgumentException for fewer than two forms, or no rounds or passes
     */
    public static SpeedUp measureInference(Map<String, SparseInference> forms, Examples images, int batchSize,
            int rounds, int passes) {
        List<Timed> timed = new ArrayList<>();
        forms.forEach((name, form) -> timed.add(new Timed(name, form.net().manager(), form.net().inputShape(),
                form::forward)));
        return time(timed, images, batchSize, rounds, passes);
    }

    /** One entry to time: where its batch lives, its input shape and its pass. */
    private record Timed(String name, NDManager manager, Shape inputShape, UnaryOperator<NDArray> forward) {}

    private static SpeedUp time(List<Timed> list, Examples images, int batchSize, int rounds, int passes) {
        if (list.size() < 2) {
            throw new IllegalArgumentException("A speed-up needs a baseline and at least one other net, got "
                    + list.stream().map(Timed::name).toList() + ".");
        }
        if (rounds < 1 || passes < 1) {
            throw new IllegalArgumentException("Give at least one round of one pass, got " + rounds + " and " + passes
                    + ".");
        }
        PruneKit.noGrad();
        int b = Math.min(batchSize, images.size());
        int n = list.size();
        double[][] millis = new double[n][rounds];
        List<NDManager> managers = new ArrayList<>();
        try {
            List<NDArray> inputs = new ArrayList<>();
            for (Timed t : list) {
                NDManager m = t.manager().newSubManager();
                managers.add(m);
                inputs.add(images.batch(m, Examples.inOrder(b), 0, b, t.inputShape()).get(0));
                Latency.warmUp(t.forward(), inputs.get(inputs.size() - 1));   // once per net, until steady
            }
            for (int r = 0; r < rounds; r++) {
                double[][] times = new double[n][passes];
                for (int p = 0; p < passes; p++) {
                    for (int k = 0; k < n; k++) {
                        int i = (r * passes + p + k) % n;   // one pass each, in turns; the first net rotates
                        times[i][p] = Latency.pass(list.get(i).forward(), inputs.get(i));
                    }
                }
                for (int i = 0; i < n; i++) {
                    millis[i][r] = median(times[i]);
                }
            }
        } finally {
            managers.forEach(NDManager::close);
            NativeHeap.trim();   // the passes' freed arrays go back to the system (see NativeHeap)
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = millis[0][r] / millis[i][r];
            }
            rows.add(new Row(list.get(i).name(), millis[i], ratios));
        }
        return new SpeedUp(list.get(0).name(), b, passes, rows, images.noun());
    }

    /** @return the nets' labels, the baseline first */
    public List<String> names() {
        return rows.stream().map(Row::name).toList();
    }

    /**
     * @param name a net's label
     * @return its time in milliseconds: the median of its round medians
     */
    public double time(String name) {
        return row(name).medianMillis();
    }

    /**
     * @param name a net's label
     * @return the median over the rounds of the baseline's time over this net's in the same round (above 1: faster)
     */
    public double speedUp(String name) {
        return row(name).medianRatio();
    }

    /**
     * @param name a net's label
     * @return its median pass time in every round, in milliseconds, as replicates (mean, spread, range)
     */
    public Replicates millis(String name) {
        return Replicates.of(name + " (ms per " + batchSize + " " + noun + ")", row(name).roundMillis);
    }

    /**
     * @param name a net's label
     * @return the baseline's time over this net's within each round, as replicates (mean, spread, range)
     */
    public Replicates speedUpPerRound(String name) {
        return Replicates.of("speed-up of " + name + " per round", row(name).ratios);
    }

    /**
     * @param name a label given to {@link #measure}
     * @return its row
     */
    public Row row(String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("No net '" + name + "' in this measurement; it has "
                        + rows.stream().map(Row::name).toList() + "."));
    }

    /** @return the number of rounds */
    public int rounds() {
        return rows.get(0).roundMillis.length;
    }

    /**
     * @param name a net's label
     * @return the baseline's fastest round median divided by this net's fastest round median
     */
    public double fastestRatio(String name) {
        return fastest(rows.get(0)) / fastest(row(name));
    }

    /**
     * @param name a net's label
     * @return whether the median round and the fastest rounds both put it more than {@value #BAND_PERCENT} %
     *     ahead of the baseline
     */
    public boolean isFaster(String name) {
        return isFaster(name, 0);
    }

    /**
     * Whether a net is faster beyond a measured noise: like {@link #isFaster(String)}, with the band widened to
     * {@code noise} where that is larger. A claim that a net is "no faster" is {@code !isFaster(name, noise)}: a
     * burst of other load that slows the baseline in a few rounds moves the median round, but not both summaries.
     *
     * @param name a net's label
     * @param noise the relative difference that counts as noise, e.g. {@link #noise(String)}; at least
     *     {@value #BAND_PERCENT} % is used
     * @return whether the median round and the fastest rounds both put it more than that ahead of the baseline
     */
    public boolean isFaster(String name, double noise) {
        double band = Math.max(BAND, 1 + noise);
        return row(name).medianRatio() > band && fastestRatio(name) > band;
    }

    /**
     * How far two identical nets time apart in this measurement: for a second copy of the baseline timed with the
     * others, the larger of its median-round and fastest-rounds speed-ups' distances from 1, and at least
     * {@value #BAND_PERCENT} %. Whatever separates two copies of one net is noise.
     *
     * @param copyOfBaseline the label of a copy of the baseline net
     * @return the noise as a fraction (0.10 for 10 %)
     */
    public double noise(String copyOfBaseline) {
        double median = Math.abs(row(copyOfBaseline).medianRatio() - 1);
        double fastest = Math.abs(fastestRatio(copyOfBaseline) - 1);
        return Math.max(BAND - 1, Math.max(median, fastest));
    }

    /**
     * @param name a net's label
     * @return whether the median round and the fastest rounds both put it more than {@value #BAND_PERCENT} %
     *     behind the baseline
     */
    public boolean isSlower(String name) {
        return row(name).medianRatio() < 1 / BAND && fastestRatio(name) < 1 / BAND;
    }

    /**
     * @param name a net's label
     * @return whether the median round and the fastest rounds both put it within {@value #BAND_PERCENT} % of
     *     the baseline: no faster
     */
    public boolean isSame(String name) {
        double m = row(name).medianRatio();
        double f = fastestRatio(name);
        return m >= 1 / BAND && m <= BAND && f >= 1 / BAND && f <= BAND;
    }

    /**
     * Says in words what the rounds show for one net.
     *
     * @param name a net's label
     * @return e.g. {@code "1.92x faster than dense (median of 5 rounds; fastest rounds 1.95x; rounds 1.85x ..
     *     1.97x)"}, {@code "no faster than dense: within 10 % (median of 5 rounds 1.01x; fastest rounds 0.99x;
     *     rounds 0.97x .. 1.04x)"}, {@code "slower than dense: 0.79x (median of 5 rounds; fastest rounds 0.80x;
     *     rounds 0.76x .. 0.82x)"} or {@code "no steady difference from dense (median of 5 rounds 1.15x; fastest
     *     rounds 1.02x; rounds 0.85x .. 1.21x)"}
     */
    public String words(String name) {
        Row r = row(name);
        String detail = String.format(Locale.ROOT, "fastest rounds %.2fx; rounds %.2fx .. %.2fx", fastestRatio(name),
                r.minRatio(), r.maxRatio());
        int n = rounds();
        if (isFaster(name)) {
            return String.format(Locale.ROOT, "%.2fx faster than %s (median of %d rounds; %s)", r.medianRatio(), baseline,
                    n, detail);
        }
        if (isSlower(name)) {
            return String.format(Locale.ROOT, "slower than %s: %.2fx (median of %d rounds; %s)", baseline, r.medianRatio(),
                    n, detail);
        }
        if (isSame(name)) {
            return String.format(Locale.ROOT, "no faster than %s: within %d %% (median of %d rounds %.2fx; %s)", baseline,
                    BAND_PERCENT, n, r.medianRatio(), detail);
        }
        return String.format(Locale.ROOT, "no steady difference from %s (median of %d rounds %.2fx; %s)", baseline, n,
                r.medianRatio(), detail);
    }

    /** @return one row per net: the round medians' median and range, the speed-ups (median, fastest rounds, range), in words */
    @Override
    public Table toTable() {
        Map<String, Row> byName = new LinkedHashMap<>();
        rows.forEach(r -> byName.put(r.name(), r));
        return Table.create(String.format(Locale.ROOT, "Inference time, %d rounds of %d passes (nets timed in turns)",
                        rounds(), passes),
                StringColumn.create("net", byName.keySet()),
                DoubleColumn.create("ms per " + batchSize + " " + noun + " (median of rounds)",
                        rows.stream().mapToDouble(Row::medianMillis)),
                DoubleColumn.create("ms, fastest round", rows.stream().mapToDouble(SpeedUp::fastest)),
                DoubleColumn.create("ms, slowest round", rows.stream().mapToDouble(r -> Arrays.stream(r.roundMillis).max()
                        .orElseThrow())),
                DoubleColumn.create("speed-up vs " + baseline + " (median)", rows.stream().mapToDouble(Row::medianRatio)),
                DoubleColumn.create("speed-up, fastest rounds", rows.stream().mapToDouble(r -> fastestRatio(r.name()))),
                DoubleColumn.create("speed-up, lowest round", rows.stream().mapToDouble(Row::minRatio)),
                DoubleColumn.create("speed-up, highest round", rows.stream().mapToDouble(Row::maxRatio)),
                StringColumn.create("what the rounds show", rows.stream().map(r -> r.name().equals(baseline)
                        ? "baseline" : words(r.name()))));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "Inference time per %d %s, %d rounds of %d passes (nets timed in turns)%n", batchSize, noun, rounds(),
                passes));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "  %s: %.3f ms (median of rounds)%s%n", r.name(), r.medianMillis(),
                    r.name().equals(baseline) ? ", baseline" : "; " + words(r.name())));
        }
        return sb.toString();
    }

    private static double fastest(Row r) {
        return Arrays.stream(r.roundMillis).min().orElseThrow();
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
