package org.prunekit.notebook;

import java.util.List;
import java.util.function.Function;
import org.prunekit.Tabular;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.DisplayTransformer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;
import tech.tablesaw.api.Table;

/**
 * Registers PruneKit's renderers with the rapaio Jupyter kernel (found through
 * {@code META-INF/services}): a cell ending in a PruneKit result shows its {@link Tabular#toHtml()}
 * (the table with its notes under it) with its {@link Tabular#toText()} beside it, and a cell
 * ending in a Tablesaw table shows it the same way ({@link Html#table}, {@link TableFormat#text}).
 * Loaded only by the kernel.
 */
public final class RapaioDisplay implements DisplayProvider {

    /** Creates the provider (the kernel's service loader calls this). */
    public RapaioDisplay() {}

    @Override
    public List<DisplayRenderer> getDisplayRenderers() {
        return List.of(new TableRenderer<>(Tabular.class, Tabular::toHtml, Tabular::toText),
                new TableRenderer<>(Table.class, Html::table, TableFormat::text));
    }

    @Override
    public List<DisplayTransformer> getDisplayTransformers() {
        return List.of();
    }

    /**
     * Renders values of one type as HTML plus text, both from the one printer behind every
     * PruneKit table ({@link Html}, {@link TableFormat}).
     */
    private static final class TableRenderer<T> implements DisplayRenderer {
        private final Class<T> type;
        private final Function<T, String> html;
        private final Function<T, String> text;

        TableRenderer(Class<T> type, Function<T, String> html, Function<T, String> text) {
            this.type = type;
            this.html = html;
            this.text = text;
        }

        @Override
        public Class<?> rendererClass() {
            return type;
        }

        @Override
        public boolean canRender(String mime) {
            return mime == null || mime.equals("text/html") || mime.equals("text/plain");
        }

        @Override
        public DisplayData render(String mime, Object o) {
            T value = type.cast(o);
            if ("text/plain".equals(mime)) {
                return DisplayData.fromText(text.apply(value));
            }
            DisplayData d = DisplayData.fromHtml(html.apply(value));
            d.putText(text.apply(value));
            return d;
        }
    }
}
