package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.prunekit.notebook.LiveDisplay;

/** The progress displays without a kernel: a fake clock, a fake notebook display, a captured terminal. */
class ProgressTest {

    private static final long MS = 1_000_000L;

    /** The time the progress under test sees: tests move it forward by hand. */
    private final AtomicLong now = new AtomicLong();
    private final FakeDisplay d = new FakeDisplay();

    /** A notebook display that records what was shown, as Jupyter would store it. */
    static final class FakeDisplay implements LiveDisplay {
        final List<String> shown = new ArrayList<>();
        final List<String> updates = new ArrayList<>();
        String html;
        String text;

        @Override
        public String show(String h, String t) {
            shown.add(h);
            html = h;
            text = t;
            return "id-" + shown.size();
        }

        @Override
        public void update(String id, String h, String t) {
            assertEquals("id-" + shown.size(), id, "updates go to the display shown last");
            updates.add(h);
            html = h;
            text = t;
        }
    }

    @Test
    void throttleLetsOneRedrawThroughPerInterval() {
        Throttle t = new Throttle(now::get, 250 * MS);
        assertTrue(t.due(), "the first redraw is always due");
        now.addAndGet(100 * MS);
        assertFalse(t.due());
        now.addAndGet(149 * MS);
        assertFalse(t.due());
        now.addAndGet(1 * MS);
        assertTrue(t.due(), "250 ms after the last redraw");
        assertFalse(t.due(), "and not again at once");
        now.addAndGet(200 * MS);
        t.drawn(); // a redraw forced by a start or an end counts too
        now.addAndGet(200 * MS);
        assertFalse(t.due());
    }

    @Test
    void meterTellsCountsTimeAndTimeLeft() {
        TaskMeter m = new TaskMeter("LeNet-5 training", 400, "batches", now::get);
        now.addAndGet(2000 * MS);
        m.advance(100, "epoch 1/4  batch 100/100  loss 0.4321");
        assertEquals("100/400 batches (25%)", m.counts());
        assertEquals("2.0 s, ~6.0 s left", m.timing(), "100 batches took 2 s: 300 more take about 6 s");
        assertEquals("LeNet-5 training  100/400 batches (25%)  epoch 1/4  batch 100/100  loss 0.4321  2.0 s,"
                + " ~6.0 s left", m.line());
        assertEquals("LeNet-5 training stopped after 100/400 batches (25%) (2.0 s)", m.endLine());
        m.done("LeNet-5: 4 epochs, loss 0.1000, test accuracy 0.9700 (8.0 s)");
        assertEquals("LeNet-5: 4 epochs, loss 0.1000, test accuracy 0.9700 (8.0 s)", m.endLine());
        assertEquals("4.2 s", TaskMeter.duration(4.24));
        assertEquals("2 min 05 s", TaskMeter.duration(125));
        assertEquals("1 h 02 min", TaskMeter.duration(3725));
        TaskMeter unknown = new TaskMeter("scan", 0, "layers", now::get);
        unknown.advance(3, "");
        assertEquals("3 layers", unknown.counts());
        assertEquals(-1, unknown.remaining(), "no total, no estimate");
    }

    @Test
    void notebookShowsOneBarUpdatedAFewTimesASecondThenTheSummary() {
        Progress p = new NotebookProgress(d, now::get);
        try (Progress.Task t = p.start("MLP training", 1000, "batches")) {
            assertEquals(1, d.shown.size());
            assertTrue(d.html.contains("data-state=\"running\"") && d.html.contains("0/1000 batches (0%)"), d.html);
            for (int b = 1; b <= 1000; b++) {
                now.addAndGet(2 * MS); // 500 batches a second: 2 s in all
                t.advance(b, "epoch " + (b <= 500 ? 1 : 2) + "/2  loss 0.5000");
                if (b % 500 == 0) {
                    t.log("MLP  epoch " + b / 500 + "/2  loss 0.5000");
                }
                if (b == 300) { // last drawn at batch 250, 0.5 s in
                    assertTrue(d.html.contains("width:25.0%") && d.html.contains("0.5 s, ~1.5 s left"), d.html);
                    assertEquals("MLP training  250/1000 batches (25%)  epoch 1/2  loss 0.5000  0.5 s, ~1.5 s left",
                            d.text);
                }
            }
            t.done("MLP: 2 epochs, loss 0.5000, test accuracy 0.9000 (2.0 s)");
        }
        assertEquals(1, d.shown.size(), "one display for the whole task");
        // 2 s at 4 updates a second, plus the final one: never one per batch
        assertTrue(d.updates.size() >= 7 && d.updates.size() <= 10, d.updates.size() + " updates");
        assertEquals("MLP: 2 epochs, loss 0.5000, test accuracy 0.9000 (2.0 s)", d.text);
        assertTrue(d.html.startsWith("<details class=\"prunekit-progress\" data-state=\"done\""), d.html);
        assertTrue(d.html.contains("✔</span> MLP: 2 epochs, loss 0.5000, test accuracy 0.9000 (2.0 s)</summary>"),
                d.html);
        assertTrue(d.html.contains("MLP  epoch 1/2  loss 0.5000\nMLP  epoch 2/2  loss 0.5000"), d.html);
    }

    @Test
    void notebookTaskClosedWithoutSummaryShowsWhereItStopped() {
        Progress.Task t = new NotebookProgress(d, now::get).start("ResNet-8 training", 10, "batches");
        now.addAndGet(3000 * MS);
        t.advance(3, "epoch 1/1  batch 3/10  loss 2.3000");
        t.close();
        t.close(); // a second close changes nothing
        assertEquals("ResNet-8 training stopped after 3/10 batches (30%) (3.0 s)", d.text);
        assertTrue(d.html.contains("data-state=\"stopped\"") && d.html.contains("✘"), d.html);
        assertEquals(1, d.updates.size() - d.updates.stream().filter(h -> h.contains("running")).count());
    }

    @Test
    void notebookNestedTaskIsASecondBarInTheSameDisplay() {
        Progress p = new NotebookProgress(d, now::get);
        try (Progress.Task sweep = p.start("sweep", 2, "points")) {
            try (Progress.Task fit = p.start("fine-tuning", 5, "batches")) {
                assertEquals(1, d.shown.size(), "the inner task draws in the outer task's display");
                assertTrue(d.html.contains("<b>sweep</b>") && d.html.contains("<b>fine-tuning</b>"), d.html);
                assertEquals(2, d.text.lines().count(), d.text);
                fit.done("fine-tuned: accuracy 0.9100");
            }
            assertFalse(d.html.contains("fine-tuning</b>"), "the inner bar is gone once it closed");
            sweep.advance(1, "");
            sweep.done("2 points");
        }
        assertEquals(1, d.shown.size());
        assertEquals("2 points", d.text);
        assertTrue(d.html.contains("fine-tuned: accuracy 0.9100"), "the inner summary folds under the outer one");
    }

    @Test
    void terminalOnAConsoleRedrawsOneBarAndKeepsLoggedLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, now::get);
        try (Progress.Task t = p.start("MLP training", 100, "batches")) {
            for (int b = 1; b <= 100; b++) {
                now.addAndGet(10 * MS); // 1 s in all: about 5 redraws at 200 ms
                t.advance(b, "loss 0.5000");
                if (b == 50) {
                    t.log("MLP  epoch 1/2");
                }
            }
            t.log("MLP  epoch 2/2");
            t.done("MLP: 2 epochs (1.0 s)");
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        long redraws = out.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 5 && redraws <= 20, redraws + " carriage returns in " + out);
        // what stays on screen: each \r returns to the line start, so the last segment of a line wins
        List<String> screen = Stream.of(out.split("\n")).map(l -> l.substring(l.lastIndexOf('\r') + 1).strip())
                .filter(l -> !l.isEmpty()).toList();
        assertEquals(List.of("MLP  epoch 1/2", "MLP  epoch 2/2", "MLP: 2 epochs (1.0 s)"), screen);
        assertTrue(out.endsWith("MLP: 2 epochs (1.0 s)" + System.lineSeparator()), "no bar after the summary");
        assertTrue(out.contains("MLP training [############............] 50/100 batches (50%)  loss 0.5000  0.5 s,"
                + " ~0.5 s left"), out);
    }

    @Test
    void terminalIntoALogPrintsOnlyLinesThatStay() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = Progress.terminal(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        try (Progress.Task t = p.start("MLP training", 100, "batches")) {
            for (int b = 1; b <= 100; b++) {
                t.advance(b, "loss 0.5000");
            }
            t.log("MLP  epoch 1/1");
            t.done("MLP: 1 epoch");
        }
        assertEquals("MLP  epoch 1/1\nMLP: 1 epoch\n", bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    @Test
    void autoPicksTheTerminalOutsideAKernelAndSilenceOnRequest() {
        assertTrue(LiveDisplay.kernel().isEmpty(), "a test JVM is not a Jupyter kernel");
        assertInstanceOf(TerminalProgress.class, Progress.auto());
        assertInstanceOf(TerminalProgress.class, Progress.notebook(), "no kernel: the terminal instead");
        System.setProperty("prunekit.progress", "none");
        try {
            Progress silent = Progress.auto();
            assertFalse(silent instanceof TerminalProgress || silent instanceof NotebookProgress);
        } finally {
            System.clearProperty("prunekit.progress");
        }
    }
}
