package org.prunekit.notebook;

import java.util.Optional;

/**
 * One output area of a notebook cell that is shown once and then replaced in place: what a live
 * progress bar needs. Jupyter calls this a display with an id: {@code display_data} creates it,
 * {@code update_display_data} replaces its content, and a saved notebook keeps only the last
 * content (so an executed notebook shows the final state, not every update).
 *
 * <p>{@link #kernel()} finds the display of the running kernel — the rapaio-jupyter-kernel that
 * PruneKit installs, or IJava — by reflection, so the library has no compile-time dependency on
 * either; outside a notebook it is empty. Tests and other front-ends can implement this interface.
 *
 * <pre>{@code
 * LiveDisplay d = LiveDisplay.kernel().orElseThrow();
 * String id = d.show("<b>starting</b>", "starting");
 * d.update(id, "<b>done</b>", "done");
 * }</pre>
 */
public interface LiveDisplay {

    /**
     * Shows new content in the output of the running cell.
     *
     * @param html the content as an HTML fragment
     * @param text the same content as plain text, for front-ends without HTML
     * @return the display's id, to {@link #update} it
     */
    String show(String html, String text);

    /**
     * Replaces the content of a display shown before.
     *
     * @param id the id {@link #show} returned
     * @param html the new content as an HTML fragment
     * @param text the new content as plain text
     */
    void update(String id, String html, String text);

    /**
     * @return the display of the Jupyter kernel this code runs in (rapaio or IJava), or empty when
     *     it runs outside a notebook (a terminal, a test, a plain program)
     */
    static Optional<LiveDisplay> kernel() {
        return KernelDisplay.running();
    }
}
