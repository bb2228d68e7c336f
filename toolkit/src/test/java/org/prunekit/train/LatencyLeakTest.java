package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.ImageSet;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Comparison;
import org.prunekit.prune.NetComparison;
import org.prunekit.reliability.Memory;

/**
 * Timing does not keep the passes' arrays (issue 19): over 100 timed passes of ResNet-8 on 1,000
 * Fashion-MNIST images the number of live native arrays stays exactly the same and the RSS flat,
 * warm-up included; the same for {@link Latency#compare} and {@link NetComparison#run}. The test JVM
 * runs with a fixed, pre-touched heap (see the Surefire argLine), so RSS growth is native growth.
 */
class LatencyLeakTest {

    private static final int BATCH = 1000;

    /**
     * RSS may rise this much (MB) from the second pass on. Every pass needs the same memory, but glibc
     * keeps part of it in its heap (MALLOC_TRIM_THRESHOLD_ is 1 GiB in the Surefire environment, as in
     * the kernel) and its heap grows in steps of 12-60 MB until it stops fragmenting. Measured with the
     * fix, one ResNet-8 in a fresh JVM: +178 MB over the first 100 passes, then +73 MB over 900 more;
     * other runs +13, +240, and +360 MB over passes 220-400; the live native arrays never changed.
     * Before the fix every 1,000-image pass of ResNet-8 kept ~290 MB and 32 native arrays, so this
     * bound was crossed within 3 passes. The exact count of live arrays is the fine-grained leak
     * detector.
     */
    private static final long FLAT_MB = 512;

    /**
     * RSS may rise this much (MB) while {@link NetComparison#run} runs: one pass's own arrays (those over
     * 32 MB are mapped for the pass and unmapped after it), the allocator's steps (see
     * {@link #FLAT_MB}), and the first use of evaluation and saving. Measured with the fix: peaks of
     * +216 to +349 MB. Before it, a comparison kept every pass's arrays until its timing ended, ~290 MB
     * for each of its 45 or more ResNet-8 passes: it ran out of a 14 GB address space.
     */
    private static final long PEAK_MB = 768;

    /**
     * A leaking run is stopped here, long before it takes the machine's memory: a probe throws, and
     * while {@link NetComparison#run} runs (no probe can reach its nets) the JVM is halted.
     */
    private static final long GUARD_MB = 3000;

    private static ImageSet images;

    @BeforeAll
    static void dataAndFirstUse() {
        DataSplit fashion = Datasets.fashionMnist().optLimit(100).optTestLimit(BATCH).build();
        images = fashion.test();
        // the engine's and the allocator's first-use memory, outside every measurement: one pass of each
        // net and batch size the tests use, and an evaluation
        try (Net resNet = Models.resNet8(); Net lenet = Models.lenet5()) {
            Latency.measure(resNet, images, BATCH, 1);
            Latency.measure(lenet, images, BATCH, 1);
            resNet.evaluate(images);
            lenet.evaluate(images);
        }
    }

    @Test
    void measureKeepsLiveArraysAndRssFlatOverAHundredPassesOfResNet8() {
        try (Net net = Models.resNet8()) {
            Probe probe = new Probe(net);
            Latency.Result r = Latency.measure(probe.timed(), images, BATCH, 100);
            assertEquals(BATCH, r.batchSize());
            assertEquals(r.warmupPasses() + 100, probe.passes(), "every pass went through the probe");
            assertTrue(r.warmupPasses() <= Latency.MAX_WARMUP_PASSES, r.toString());
            probe.report("measure, " + r.warmupPasses() + " warm-up + 100 timed passes", r.warmupPasses());
            probe.assertFlat(0);
            double[] ms = r.millis();
            System.out.printf("  pass time: first 10 median %.1f ms, last 10 median %.1f ms%n",
                    median(Arrays.copyOfRange(ms, 0, 10)), median(Arrays.copyOfRange(ms, ms.length - 10, ms.length)));
        }
    }

    @Test
    void compareKeepsLiveArraysAndRssFlat() {
        try (Net resNet = Models.resNet8(); Net lenet = Models.lenet5()) {
            Probe a = new Probe(resNet);
            Probe b = new Probe(lenet);
            int rounds = 3;
            int passes = 5;
            double[] ms = Latency.compare(List.of(a.timed(), b.timed()), images, BATCH, rounds, passes);
            assertEquals(2, ms.length);
            // both nets' inputs exist from the second net's warm-up on: compare the passes after it
            for (Probe p : List.of(a, b)) {
                int timed = rounds * passes;
                int warm = p.passes() - timed;
                assertTrue(warm >= 1 && warm <= Latency.MAX_WARMUP_PASSES, "warm-up passes: " + warm);
                p.report("compare, " + p.net.name() + ", " + warm + " warm-up + " + timed + " timed passes", warm);
                p.assertFlat(warm);
            }
        }
    }

    @Test
    void comparisonOfLeavesNoArraysAndKeepsRssFlat() {
        try (Net resNet = Models.resNet8(); Net lenet = Models.lenet5()) {
            Map<String, Net> nets = new LinkedHashMap<>();
            nets.put("ResNet-8", resNet);
            nets.put("LeNet-5", lenet);
            long arraysBefore = Memory.liveArrays(resNet.manager());
            long before = Memory.rssMb();
            Comparison[] c = new Comparison[1];
            long peak = Memory.peakRssMb(() -> c[0] = NetComparison.builder().optBatchSize(BATCH)
                    .optProgress(Progress.none()).build().run(nets, images), GUARD_MB);
            long after = Memory.rssMb();
            long arraysAfter = Memory.liveArrays(resNet.manager());
            System.out.printf("NetComparison (ResNet-8 and LeNet-5, each warmed up, then 5 rounds of 7 timed passes,"
                    + " then evaluated and saved): RSS %d MB before, peak %d MB (+%d), after %d MB (+%d); live arrays"
                    + " %d -> %d%n", before, peak, peak - before, after, after - before, arraysBefore, arraysAfter);
            assertEquals(2, c[0].rows().size());
            assertEquals(arraysBefore, arraysAfter, "NetComparison left native arrays behind");
            assertTrue(peak - before <= PEAK_MB, "RSS rose from " + before + " MB to a peak of " + peak
                    + " MB during NetComparison");
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * Notes, as each pass of a net starts, the RSS and the native arrays alive in the process: what
     * the passes before it left behind. {@link #timed()} is the net to time, every other call goes
     * straight to the net.
     */
    private static final class Probe {

        final Net net;
        final long start = Memory.rssMb();
        final List<Long> rss = new ArrayList<>();
        final List<Long> arrays = new ArrayList<>();

        Probe(Net net) {
            this.net = net;
        }

        /** @return the net, but every {@code forward} is noted first */
        Trainable timed() {
            return (Trainable) Proxy.newProxyInstance(Trainable.class.getClassLoader(),
                    new Class<?>[] {Trainable.class}, (proxy, method, args) -> {
                        if (method.getName().equals("forward")) {
                            note();
                        }
                        try {
                            return method.invoke(net, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        int passes() {
            return rss.size();
        }

        void report(String what, int warm) {
            int last = passes() - 1;
            System.out.printf("%s: RSS %d MB before, %d MB at pass 2, %d MB at the first timed pass, %d MB at the"
                    + " last (max %d); live arrays %d at pass 1, %d at the first timed pass, %d at the last (max %d)%n",
                    what, start, rss.get(Math.min(1, last)), rss.get(warm), rss.get(last),
                    rss.stream().mapToLong(Long::longValue).max().orElseThrow(), arrays.get(0), arrays.get(warm),
                    arrays.get(last), arrays.stream().mapToLong(Long::longValue).max().orElseThrow());
            System.out.println("  RSS before each pass, MB: " + rss);
        }

        /**
         * From pass {@code from} on: the same live arrays before every pass, and the RSS within
         * {@link #FLAT_MB} of where it was once one pass had run.
         */
        void assertFlat(int from) {
            long arraysThen = arrays.get(from);
            long rssThen = rss.get(Math.max(from, Math.min(1, passes() - 1)));
            for (int i = from; i < passes(); i++) {
                assertEquals(arraysThen, arrays.get(i), "native arrays alive before pass " + (i + 1) + " of "
                        + net.name() + " (passes before it left arrays behind)");
                assertTrue(rss.get(i) - rssThen <= FLAT_MB, "RSS before pass " + (i + 1) + " of " + net.name()
                        + " is " + rss.get(i) + " MB, " + (rss.get(i) - rssThen) + " MB above " + rssThen + " MB");
            }
        }

        private void note() {
            long now = Memory.rssMb();
            rss.add(now);
            arrays.add(Memory.liveArrays(net.manager()));
            if (now - start > GUARD_MB) {
                throw new AssertionError("RSS grew by " + (now - start) + " MB since the probe of " + net.name()
                        + " was made, " + rss.size() + " passes ago (RSS before each: " + rss + " MB; live arrays "
                        + arrays + "); stopped before the machine runs out of memory");
            }
        }
    }
}
