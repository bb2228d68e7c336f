package org.prunekit.notebook;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@link LiveDisplay} of a running Jupyter kernel, reached by reflection.
 *
 * <ul>
 *   <li>rapaio-jupyter-kernel 3.x: a {@code DisplayData} with HTML, text and a display id, sent by
 *       the kernel object {@code MainApp.kernel} ({@code display} / {@code updateDisplay}). Its
 *       {@code Global.display(mime, o)} would send HTML only, without the text form.
 *   <li>IJava: {@code io.github.spencerpark.ijava.runtime.Display.display(html, "text/html")}, which
 *       returns the id, and {@code updateDisplay(id, html, "text/html")} (HTML only).
 * </ul>
 *
 * A failure while showing (a kernel between cells, an incompatible kernel version) is dropped:
 * progress must never break the work it reports on.
 */
final class KernelDisplay {

    private static final String RAPAIO_MAIN = "org.rapaio.jupyter.kernel.MainApp";
    private static final String RAPAIO_DATA = "org.rapaio.jupyter.kernel.display.DisplayData";
    private static final String IJAVA_KERNEL = "io.github.spencerpark.ijava.IJava";
    private static final String IJAVA_DISPLAY = "io.github.spencerpark.ijava.runtime.Display";

    private static volatile Optional<LiveDisplay> found;

    private KernelDisplay() {}

    /** @return the running kernel's display (looked up once per JVM), or empty */
    static Optional<LiveDisplay> running() {
        Optional<LiveDisplay> f = found;
        if (f == null) {
            f = Optional.ofNullable(rapaio()).or(() -> Optional.ofNullable(ijava()));
            found = f;
        }
        return f;
    }

    /**
     * @return rapaio's display if this JVM is rapaio's kernel (its main class: reading
     *     {@code MainApp.kernel} elsewhere would start a kernel), else null
     */
    private static LiveDisplay rapaio() {
        String command = System.getProperty("sun.java.command", "");
        if (!command.startsWith(RAPAIO_MAIN) && !command.contains("rapaio-jupyter-kernel")) {
            return null;
        }
        try {
            Object kernel = type(RAPAIO_MAIN).getField("kernel").get(null);
            Class<?> data = type(RAPAIO_DATA);
            return kernel == null ? null : new Rapaio(kernel, data);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** @return IJava's display if an IJava kernel is running in this JVM, else null */
    private static LiveDisplay ijava() {
        try {
            Object kernel = type(IJAVA_KERNEL).getMethod("getKernelInstance").invoke(null);
            return kernel == null ? null : new IJava(type(IJAVA_DISPLAY));
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    private static Class<?> type(String name) throws ClassNotFoundException {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            try {
                return Class.forName(name, true, context);
            } catch (ClassNotFoundException e) {
                // fall through to the loader of this class
            }
        }
        return Class.forName(name, true, KernelDisplay.class.getClassLoader());
    }

    /** Invokes a method, dropping what the kernel throws (see the class comment). */
    private static Object quietly(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            return null;
        }
    }

    /** rapaio-jupyter-kernel: DisplayData sent through the kernel object. */
    private static final class Rapaio implements LiveDisplay {
        private final Object kernel;
        private final Method fromHtml;
        private final Method putText;
        private final Method setId;
        private final Method display;
        private final Method update;

        Rapaio(Object kernel, Class<?> data) throws NoSuchMethodException {
            this.kernel = kernel;
            fromHtml = data.getMethod("fromHtml", String.class);
            putText = data.getMethod("putText", String.class);
            setId = data.getMethod("setDisplayId", String.class);
            display = kernel.getClass().getMethod("display", data);
            update = kernel.getClass().getMethod("updateDisplay", data);
        }

        @Override
        public String show(String html, String text) {
            String id = UUID.randomUUID().toString();
            send(display, id, html, text);
            return id;
        }

        @Override
        public void update(String id, String html, String text) {
            send(update, id, html, text);
        }

        private void send(Method how, String id, String html, String text) {
            Object data = quietly(fromHtml, null, html);
            if (data != null) {
                quietly(putText, data, text);
                quietly(setId, data, id);
                quietly(how, kernel, data);
            }
        }
    }

    /** IJava: its runtime Display class, showing the HTML (IJava renders a String as the MIME type asked for). */
    private static final class IJava implements LiveDisplay {
        private static final String[] HTML = {"text/html"};
        private final Method display;
        private final Method update;

        IJava(Class<?> displayClass) throws NoSuchMethodException {
            display = displayClass.getMethod("display", Object.class, String[].class);
            update = displayClass.getMethod("updateDisplay", String.class, Object.class, String[].class);
        }

        @Override
        public String show(String html, String text) {
            Object id = quietly(display, null, html, HTML);
            return id instanceof String s ? s : "";
        }

        @Override
        public void update(String id, String html, String text) {
            if (!id.isEmpty()) {
                quietly(update, null, id, html, HTML);
            }
        }
    }
}
