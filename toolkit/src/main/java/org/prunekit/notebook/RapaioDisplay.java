package org.prunekit.notebook;

import java.util.List;
import org.prunekit.Tabular;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.DisplayTransformer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;
import tech.tablesaw.api.Table;

/**
 * Registers PruneKit's renderers with the rapaio Jupyter kernel (found through
 * {@code META-INF/services}): a cell ending in a PruneKit result or a Tablesaw table shows an
 * HTML table with the text form beside it. Loaded only by the kernel.
 */
public final class RapaioDisplay implements DisplayProvider {

    /** Creates the provider (the kernel's service loader calls this). */
    public RapaioDisplay() {}

    @Override
    public List<DisplayRenderer> getDisplayRenderers() {
        return List.of(new TableRenderer<>(Tabular.class) {
            @Override
            Table table(Tabular o) {
                return o.toTable();
            }

            @Override
            String html(Tabular o) {
                return o.toHtml();
            }

            @Override
            String text(Tabular o) {
                return o.toText();
            }
        }, new TableRenderer<>(Table.class) {
            @Override
            Table table(Table o) {
                return o;
            }

            @Override
            String text(Table o) {
                return TableFormat.text(o);
            }
        });
    }

    @Override
    public List<DisplayTransformer> getDisplayTransformers() {
        return List.of();
    }

    /** Renders values of one type as an HTML table plus text. */
    private abstract static class TableRenderer<T> implements DisplayRenderer {
        private final Class<T> type;

        TableRenderer(Class<T> type) {
            this.type = type;
        }

        abstract Table table(T o);

        String text(T o) {
            return o.toString();
        }

        String html(T o) {
            return Html.table(table(o));
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
                return DisplayData.fromText(text(value));
            }
            DisplayData d = DisplayData.fromHtml(html(value));
            d.putText(text(value));
            return d;
        }
    }
}
