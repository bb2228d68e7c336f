package org.prunekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.prunekit.compress.QuantizationReport;
import org.prunekit.model.ChannelGroups;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Html;
import org.prunekit.notebook.TableFormat;
import org.prunekit.prune.PruningHistory;
import org.prunekit.prune.SparsityReport;
import org.prunekit.train.EpochStats;
import org.prunekit.train.Evaluation;
import org.prunekit.train.History;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.TrainingProfile;

/**
 * Every result renders from one source: its {@code toString()} is its {@link Tabular#toText()},
 * its notes appear under the table in the text and in the HTML, and no number shows more digits
 * than {@link TableFormat} gives it (values here are chosen to have long expansions: 1/3,
 * 0.9555..., 1 - 0.8^2).
 */
public class ResultsRenderTest {

    /** A decimal with more than 4 places: a raw {@code Double.toString} that slipped past TableFormat. */
    private static final Pattern RAW_DOUBLE = Pattern.compile("\\d\\.\\d{5,}");

    private static final double LONG = 0.9555555555555556;

    /**
     * @param result a result
     */
    public static void assertRendersFromOneSource(Tabular result) {
        String text = result.toText();
        String html = result.toHtml();
        assertEquals(text, result.toString(), "toString() is the text form");
        assertEquals(TableFormat.text(result.toTable(), result.notes()), text);
        assertEquals(Html.result(result.toTable(), result.notes()), html);
        for (String note : result.notes()) {
            assertTrue(text.contains(note), "note in the text: " + note + "\n" + text);
            assertTrue(html.contains("<li>" + Html.escape(note) + "</li>"), "note in the HTML: " + note + "\n" + html);
        }
        for (String shown : List.of(text, html)) {
            Matcher m = RAW_DOUBLE.matcher(shown);
            assertFalse(m.find(), () -> "unformatted number " + m.group() + " in\n" + shown);
        }
    }

    @Test
    void historyShowsHowItWasMade() {
        History h = new History("LeNet-5", "MNIST train", 64, TrainConfig.epochs(2), List.of(
                new EpochStats(1, 1 / 3.0, LONG, 2 / 3.0, 1.23456789), new EpochStats(2, 0.1, 0.97, LONG, 1.1)));
        assertEquals(List.of("On MNIST train, batch 64, " + TrainConfig.epochs(2) + "."), h.notes());
        assertRendersFromOneSource(h);
        assertTrue(h.toText().contains("0.3333") && h.toText().contains("0.9556"), h.toText());
    }

    @Test
    void pruningHistoryShowsItsSettingsAndDenseAccuracy() {
        PruningHistory h = new PruningHistory(org.prunekit.RunProvenance.given("LeNet-300-100", "MNIST",
                "magnitude-L1, global; 2 steps"), LONG, List.of(
                new PruningHistory.Step(1, 1 - 0.8 * 0.8, 1 / 3.0, 1234, 0.5, LONG),
                new PruningHistory.Step(2, 0.9, 0.9, 123, 0.4, 0.9)));
        assertEquals(List.of("Made by given on LeNet-300-100, data MNIST: description magnitude-L1, global; 2 steps.",
                "Dense accuracy before the first step: 0.9556."), h.notes());
        assertEquals("LeNet-300-100", h.net());
        assertRendersFromOneSource(h);
    }

    @Test
    void sparsityReportSaysWhatTheRowsDoNot() {
        SparsityReport r = new SparsityReport("net", List.of(
                new SparsityReport.Row("fc1", "Linear", new Shape(3, 3), 9, 4, 3, 3, 9, 4),
                new SparsityReport.Row("conv", "Conv2d", new Shape(2, 1, 1, 1), 2, 2, 2, 2, -1, -1)));
        assertEquals(List.of("45.45 % of the weights are zero: 6 of 11 non-zero.",
                "Masked weights are zeros in dense tensors: they save no time or memory until units are removed"
                        + " (Net.removePrunedUnits()) or the layer runs sparse (SparseInference).",
                "MACs unknown for [conv] (convolutions inside a DJL block PruneKit cannot look into); the totals leave"
                        + " them out."), r.notes());
        assertRendersFromOneSource(r);
        assertTrue(r.toText().contains("0.5556"), "fc1's sparsity 5/9: " + r.toText());
        SparsityReport dense = new SparsityReport("net", List.of(
                new SparsityReport.Row("fc1", "Linear", new Shape(3, 3), 9, 9, 3, 3, 9, 9)));
        assertEquals(1, dense.notes().size(), "nothing masked, nothing unknown: only the summary " + dense.notes());
    }

    @Test
    void evaluationShowsAccuracyAndSizeInItsCaption() {
        Evaluation e = Evaluation.fromConfusion("net", "test", List.of("a", "b", "c"),
                new long[][] {{1, 1, 1}, {0, 2, 1}, {0, 0, 3}});
        assertRendersFromOneSource(e);
        assertTrue(e.toText().startsWith("net on test: accuracy 0.6667 (9 images)\n"), e.toText());
    }

    @Test
    void channelGroupsCountThemselvesInANote() {
        try (Net net = Models.sequential("groups", 4).dense(5).relu().dense(3).relu().dense(2).build()) {
            ChannelGroups g = net.channelGroups();
            assertEquals(List.of(g.list().size() + " channel groups, " + g.prunable().size() + " prunable."), g.notes());
            assertRendersFromOneSource(g);
            assertTrue(g.toText().contains("fc1") && g.toText().contains("fc2"), g.toText());
        }
    }

    @Test
    void quantizationAndProfileRenderTheirTables() {
        QuantizationReport q = new QuantizationReport("net", 4, List.of(new QuantizationReport.Row("fc1",
                new Shape(3, 3), 4, 0.0123456f, 0.98765432f, 1 / 3.0, 2e-5 / 3)));
        assertRendersFromOneSource(q);
        assertTrue(q.toText().contains("6.667e-06"), q.toText());
        TrainingProfile p = new TrainingProfile("LeNet-5", 64, 250, new double[] {1 / 3.0, 100, 2, 200, 50, 1, 3, 4});
        assertRendersFromOneSource(p);
        assertEquals(TrainingProfile.PHASES.size() + 1, p.toTable().rowCount(), "one row per phase and a total");
        assertEquals(Math.round(p.totalMicros()), p.toTable().longColumn("µs per batch").get(TrainingProfile.PHASES.size()));
        assertEquals(50 / p.totalMicros(), p.toTable().doubleColumn("share").get(4), 1e-12, "the optimizer's share");
    }
}
