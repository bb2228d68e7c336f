package org.prunekit.compress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.prunekit.PruneKit;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import org.prunekit.model.Quantization;

/**
 * Post-training quantization of a net's Linear and Conv2d weights: symmetric, one scale per
 * output unit, {@code b} bits per weight (see {@link Quantization}). {@link #apply(Net)} rounds
 * the weights in place to the values {@code b}-bit codes stand for, so evaluating the net
 * measures exactly what a quantized file ({@link org.prunekit.model.NetIO#saveQuantized}) holds.
 * Zeros stay zero: pruning and quantization combine, as in Han et al.'s "deep compression".
 *
 * <pre>{@code
 * QuantizationReport q = Quantizer.perChannel(8).apply(net);    // then net.accuracy(...)
 * long bytes = NetIO.saveQuantized(net, Path.of("net-int8.pk"), 8);
 * }</pre>
 *
 * <p>Biases and batch norms stay 32-bit. Training the net afterwards moves the weights off the
 * grid again (this is post-training quantization, not quantization-aware training).
 */
public final class Quantizer {

    private final int bits;

    private Quantizer(int bits) {
        this.bits = Quantization.checkBits(bits);
    }

    /**
     * @param bits bits per weight, 2 to 16 (8 is the usual choice)
     * @return the quantizer
     * @throws IllegalArgumentException if {@code bits} is outside 2..16
     */
    public static Quantizer perChannel(int bits) {
        return new Quantizer(bits);
    }

    /** @return bits per weight */
    public int bits() {
        return bits;
    }

    /**
     * Rounds every Linear and Conv2d weight of the net to its {@code b}-bit value, in place.
     *
     * @param net the net (changed)
     * @return per layer the scales and the rounding error
     * @throws IllegalArgumentException if the net has no Linear or Conv2d layer
     */
    public QuantizationReport apply(Net net) {
        PruneKit.noGrad();
        List<Layer> layers = net.prunableLayers();
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("Net " + net.name() + " has no Linear or Conv2d weights to quantize.");
        }
        List<QuantizationReport.Row> rows = new ArrayList<>();
        NDManager m = net.manager();
        for (Layer l : layers) {
            NDArray w = l.weight().getArray();
            float[] before = w.toFloatArray();
            int units = (int) w.getShape().get(0);
            float[] after = Quantization.roundTrip(before, units, bits);
            float[] scales = Quantization.scales(before, units, bits);
            double maxError = 0;
            double sumSq = 0;
            double sumW = 0;
            for (int i = 0; i < before.length; i++) {
                double e = Math.abs(before[i] - after[i]);
                maxError = Math.max(maxError, e);
                sumSq += e * e;
                sumW += (double) before[i] * before[i];
            }
            float minScale = Float.MAX_VALUE;
            float maxScale = 0;
            for (float s : scales) {
                if (s > 0) {
                    minScale = Math.min(minScale, s);
                }
                maxScale = Math.max(maxScale, s);
            }
            try (NDArray q = m.create(after, w.getShape())) {
                w.set(new ai.djl.ndarray.index.NDIndex("..."), q);
            }
            rows.add(new QuantizationReport.Row(l.name(), w.getShape(), bits, minScale == Float.MAX_VALUE ? 0 : minScale,
                    maxScale, maxError, sumW == 0 ? 0 : Math.sqrt(sumSq / sumW)));
        }
        net.applyMasks();
        return new QuantizationReport(net.name(), bits, rows);
    }

    @Override
    public String toString() {
        return "Quantizer{symmetric per channel, " + bits + " bits}";
    }
}
