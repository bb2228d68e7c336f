package org.prunekit.train;

import java.util.List;
import org.prunekit.Tabular;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Where one training batch spends its time, phase by phase (mean microseconds per batch), as
 * measured by {@link Training#profile}. The phases, in the order a batch runs them:
 * <ul>
 *   <li>{@code assembly}: the batch's images and labels copied into native tensors;</li>
 *   <li>{@code forward}: the net's forward pass, recorded for autograd;</li>
 *   <li>{@code loss}: softmax cross-entropy (and distillation / L1 terms if configured);</li>
 *   <li>{@code backward}: autograd's backward pass;</li>
 *   <li>{@code optimizer}: the Adam step over every parameter, gradients zeroed;</li>
 *   <li>{@code masks}: pruning masks re-applied to the weights;</li>
 *   <li>{@code read-back}: the loss value and the number of correct answers copied to Java;</li>
 *   <li>{@code release}: the batch's native arrays (activations, gradients of the activations)
 *       freed when its manager closes.</li>
 * </ul>
 *
 * @param net the profiled net's name
 * @param batchSize examples per batch
 * @param batches how many batches were timed
 * @param micros mean microseconds per batch, one per entry of {@link #PHASES}
 */
public record TrainingProfile(String net, int batchSize, int batches, double[] micros) implements Tabular {

    /** The phase names, in the order of {@link #micros()}. */
    public static final List<String> PHASES = List.of("assembly", "forward", "loss", "backward", "optimizer",
            "masks", "read-back", "release");

    /** Checks the shape of the values and copies them. */
    public TrainingProfile {
        if (micros.length != PHASES.size()) {
            throw new IllegalArgumentException("A profile has " + PHASES.size() + " phases " + PHASES + ", not "
                    + micros.length + ".");
        }
        micros = micros.clone();
    }

    @Override
    public double[] micros() {
        return micros.clone();
    }

    /**
     * @param phase one of {@link #PHASES}
     * @return its mean microseconds per batch
     */
    public double micros(String phase) {
        int i = PHASES.indexOf(phase);
        if (i < 0) {
            throw new IllegalArgumentException("Unknown phase '" + phase + "'; phases are " + PHASES + ".");
        }
        return micros[i];
    }

    /** @return the mean microseconds of a whole batch */
    public double totalMicros() {
        double sum = 0;
        for (double m : micros) {
            sum += m;
        }
        return sum;
    }

    /**
     * @return one row per phase, in the order a batch runs them, with its mean microseconds
     *     (rounded to whole ones; {@link #micros()} has them exact) and its share of the batch, then
     *     a total row; the caption names the net, the batch size and
     *     how many batches were timed
     */
    @Override
    public Table toTable() {
        double total = totalMicros();
        StringColumn phase = StringColumn.create("phase");
        LongColumn us = LongColumn.create("µs per batch");
        DoubleColumn share = DoubleColumn.create("share");
        for (int i = 0; i < micros.length; i++) {
            phase.append(PHASES.get(i));
            us.append(Math.round(micros[i]));
            share.append(micros[i] / total);
        }
        phase.append("total");
        us.append(Math.round(total));
        share.append(1.0);
        return Table.create("Where a training batch of " + net + " spends its time (batch " + batchSize
                + ", mean of " + batches + " batches)", phase, us, share);
    }

    /** @return the profile as aligned text: the same table a notebook shows */
    @Override
    public String toString() {
        return toText();
    }
}
