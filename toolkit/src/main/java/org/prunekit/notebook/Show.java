package org.prunekit.notebook;

import java.awt.image.BufferedImage;
import java.lang.reflect.Method;
import org.prunekit.Tabular;
import tech.tablesaw.api.Table;

/**
 * Shows results inline in a Java notebook, the same call in either kernel: the
 * rapaio-jupyter-kernel that PruneKit installs (and CI and Binder use) or IJava. Outside a
 * notebook (JShell, a plain program) the text form is printed instead.
 *
 * <pre>{@code
 * Show.table(report);                      // an HTML table
 * Show.image(Charts.trainingCurves(h));    // a PNG
 * }</pre>
 *
 * <p>Every method returns nothing, so a cell ending in {@code Show.x(...)} shows only the
 * result. PruneKit's results ({@link Tabular}) also show as HTML tables on their own when a
 * cell ends with them (rapaio kernel).
 */
public final class Show {

    private static final String RAPAIO = "org.rapaio.jupyter.kernel.global.Global";
    private static final String IJAVA = "io.github.spencerpark.ijava.runtime.Display";
    private static final String IJAVA_DATA = "io.github.spencerpark.jupyter.kernel.display.DisplayData";

    private Show() {}

    /**
     * @param result a PruneKit result (report, history, sweep, ...), shown as an HTML table with its
     *     notes and warnings under it
     */
    public static void table(Tabular result) {
        html(result.toHtml(), result.toText());
    }

    /** @param table a Tablesaw table, shown as an HTML table */
    public static void table(Table table) {
        html(Html.table(table), TableFormat.text(table));
    }

    /** @param image an image (a chart from {@code Charts}), shown as a PNG */
    public static void image(BufferedImage image) {
        if (!call(RAPAIO, "display", new Class<?>[] {Object.class}, image)
                && !call(IJAVA, "display", new Class<?>[] {Object.class, String[].class}, image, new String[0])) {
            System.out.println("[image " + image.getWidth() + "x" + image.getHeight()
                    + ": run in a Jupyter notebook to see it, or save it with Charts.savePng]");
        }
    }

    /**
     * @param html an HTML fragment
     * @param text its plain-text form, for front-ends without HTML
     */
    public static void html(String html, String text) {
        if (call(RAPAIO, "display", new Class<?>[] {String.class, Object.class}, "text/html", html)) {
            return;
        }
        Object data = ijavaData(html, text);
        if (data != null && call(IJAVA, "display", new Class<?>[] {Object.class, String[].class}, data,
                new String[0])) {
            return;
        }
        System.out.println(text);
    }

    private static Object ijavaData(String html, String text) {
        try {
            Class<?> c = Class.forName(IJAVA_DATA, true, Thread.currentThread().getContextClassLoader());
            Object d = c.getConstructor().newInstance();
            c.getMethod("putHTML", String.class).invoke(d, html);
            c.getMethod("putText", String.class).invoke(d, text);
            return d;
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** Calls a static display method of a kernel if that kernel is present; false if it is not. */
    private static boolean call(String className, String method, Class<?>[] types, Object... args) {
        Class<?> c;
        try {
            c = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            try {
                c = Class.forName(className);
            } catch (ClassNotFoundException | LinkageError e2) {
                return false;
            }
        }
        try {
            Method m = c.getMethod(method, types);
            m.invoke(null, args);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        } catch (ReflectiveOperationException e) {
            // the kernel is there but not running (e.g. a plain program that has it on the class path)
            return false;
        }
    }
}
