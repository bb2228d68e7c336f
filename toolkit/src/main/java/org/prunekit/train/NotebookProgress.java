package org.prunekit.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.prunekit.notebook.Html;
import org.prunekit.notebook.LiveDisplay;

/**
 * Progress in a notebook: one HTML progress bar in the cell's output, replaced in place a few
 * times a second (steps done of the total, the status — epoch, batch, loss — time elapsed and
 * time left), that becomes a one-line summary when the task is done; the lines the task logged
 * (one per epoch for training) fold under the summary. The saved notebook keeps only that
 * summary: Jupyter stores the last content of an updated display, not every update.
 *
 * <p>A task started while another is open (a fine-tuning inside a sweep) shows as a second bar in
 * the same display; when it closes, its summary joins the outer task's lines.
 *
 * <p>The HTML carries {@code class="prunekit-progress"} and {@code data-state} ({@code running},
 * {@code done}, {@code stopped}), which {@code toolkit/bin/check-notebooks} looks for.
 */
final class NotebookProgress extends DrawnProgress {

    private static final long INTERVAL_NANOS = 250_000_000L;
    private static final String STYLE = "font:12px/1.5 monospace;max-width:860px;margin:2px 0";

    private final LiveDisplay display;
    private String id;

    /**
     * @param display where to show the bar
     * @param clock the time in nanoseconds
     */
    NotebookProgress(LiveDisplay display, LongSupplier clock) {
        super(clock, INTERVAL_NANOS);
        this.display = display;
    }

    @Override
    void started(TaskMeter meter) {
        if (open.size() == 1) {
            id = display.show(html(), text());
        } else {
            redraw(); // a nested task: a second bar in the outer task's display
        }
        throttle.drawn();
    }

    @Override
    void logged(TaskMeter meter, String line) {
        if (throttle.due()) {
            redraw();
        }
    }

    @Override
    void finished(TaskMeter meter) {
        // shown when the task closes: as the summary if it is the outermost, else among the outer task's lines
    }

    @Override
    void closed(TaskMeter meter, int at) {
        if (at == 0) {
            display.update(id, finalHtml(meter), meter.endLine());
            open.clear();
            id = null;
        } else {
            open.get(at - 1).log(meter.endLine());
            redraw();
            throttle.drawn();
        }
    }

    @Override
    void redraw() {
        display.update(id, html(), text());
    }

    /** @return the open tasks as text, one line each, with the outer task's last logged line */
    String text() {
        List<String> lines = new ArrayList<>();
        for (TaskMeter m : open) {
            lines.add(m.line());
        }
        String last = open.get(0).lastLine();
        if (!last.isEmpty()) {
            lines.add(last);
        }
        return String.join("\n", lines);
    }

    /** @return the open tasks as HTML bars, with the outer task's last logged line under them */
    String html() {
        StringBuilder sb = new StringBuilder("<div class=\"prunekit-progress\" data-state=\"running\" style=\"")
                .append(STYLE).append("\">");
        for (TaskMeter m : open) {
            sb.append("<div><b>").append(Html.escape(m.label())).append("</b> <span style=\"color:#555\">")
                    .append(Html.escape(String.join(" · ", parts(m)))).append("</span></div>")
                    .append("<div style=\"background:#e3e3e3;height:6px;border-radius:3px;margin:2px 0 4px\">")
                    .append(String.format(Locale.ROOT, "<div style=\"width:%.1f%%;height:6px;border-radius:3px;"
                            + "background:#3b7dd8\"></div></div>", 100 * m.fraction()));
        }
        String last = open.get(0).lastLine();
        if (!last.isEmpty()) {
            sb.append("<div style=\"color:#555\">").append(Html.escape(last)).append("</div>");
        }
        return sb.append("</div>").toString();
    }

    /**
     * @param m the outermost task, ended
     * @return its summary in one line ({@code ✔} done, {@code ✘} stopped), its logged lines folded
     *     under it
     */
    static String finalHtml(TaskMeter m) {
        boolean done = m.finished();
        String head = (done ? "<span style=\"color:#2a7d2a\">✔</span> " : "<span style=\"color:#b00020\">✘</span> ")
                + Html.escape(m.endLine());
        String open = "class=\"prunekit-progress\" data-state=\"" + (done ? "done" : "stopped") + "\" style=\""
                + STYLE + "\"";
        if (m.lines().isEmpty()) {
            return "<div " + open + ">" + head + "</div>";
        }
        return "<details " + open + "><summary>" + head + "</summary><div style=\"white-space:pre;color:#555;"
                + "padding-left:1.2em\">" + Html.escape(String.join("\n", m.lines())) + "</div></details>";
    }

    private static List<String> parts(TaskMeter m) {
        List<String> out = new ArrayList<>(List.of(m.counts()));
        if (!m.status().isBlank()) {
            out.add(m.status());
        }
        out.add(m.timing());
        return out;
    }
}
