package org.prunekit.compress;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.prunekit.Tabular;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What quantizing a net did to each weight layer: the bits, the range of the per-unit scales,
 * and the rounding error. A value: print it or show {@link #toTable()}.
 *
 * @param net the net's name
 * @param bits bits per weight
 * @param rows one row per Linear/Conv2d layer
 */
public record QuantizationReport(String net, int bits, List<Row> rows) implements Tabular {

    /**
     * One layer.
     *
     * @param layer its name
     * @param shape its weight's shape
     * @param bits bits per weight
     * @param minScale the smallest non-zero unit scale (the value of code 1)
     * @param maxScale the largest unit scale
     * @param maxError the largest |w − q(w)|
     * @param relativeError ‖w − q(w)‖ / ‖w‖
     */
    public record Row(String layer, Shape shape, int bits, float minScale, float maxScale, double maxError,
            double relativeError) {}

    /** Copies the rows. */
    public QuantizationReport {
        rows = List.copyOf(rows);
    }

    /**
     * @param layer a layer name
     * @return its row
     */
    public Row row(String layer) {
        return rows.stream().filter(r -> r.layer().equals(layer)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("No layer '" + layer + "' in this report; layers are "
                        + rows.stream().map(Row::layer).toList() + "."));
    }

    @Override
    public Table toTable() {
        return Table.create(bits + "-bit symmetric per-channel quantization of " + net,
                StringColumn.create("layer", rows.stream().map(Row::layer)),
                StringColumn.create("shape", rows.stream().map(r -> r.shape().toString())),
                IntColumn.create("bits", rows.stream().mapToInt(Row::bits).toArray()),
                DoubleColumn.create("smallest scale", rows.stream().mapToDouble(Row::minScale)),
                DoubleColumn.create("largest scale", rows.stream().mapToDouble(Row::maxScale)),
                DoubleColumn.create("max |error|", rows.stream().mapToDouble(Row::maxError)),
                DoubleColumn.create("relative error", rows.stream().mapToDouble(Row::relativeError)));
    }

    /** @return the report as aligned text: the same table a notebook shows */
    @Override
    public String toString() {
        return toText();
    }
}
