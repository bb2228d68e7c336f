package org.prunekit.prune;

import org.prunekit.PruneKit;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.prunekit.model.Net;
import org.prunekit.model.Tensors;

/**
 * A copy of a net's weights at one moment, for lottery-ticket rewinding (Frankle and Carbin
 * 2019: reset the surviving weights to their initial values and train again) and for trying
 * several settings from the same starting point. Rewinding keeps the current masks, so pruned
 * weights stay zero.
 */
public final class Snapshot implements AutoCloseable {

    private final NDManager manager;
    private final List<NDArray> values = new ArrayList<>();
    private final List<String> shapes = new ArrayList<>();

    private Snapshot(Net net) {
        PruneKit.noGrad();
        this.manager = net.manager().newSubManager();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            NDArray copy = p.getValue().getArray().duplicate();
            copy.attach(manager);
            values.add(copy);
            shapes.add(p.getKey() + copy.getShape());
        }
    }

    /**
     * @param net a net
     * @return a copy of its weights now
     */
    public static Snapshot of(Net net) {
        return new Snapshot(net);
    }

    /**
     * Copies the saved weights back into {@code net} and re-applies its masks.
     *
     * @param net the same net (or one of the same architecture and shapes)
     * @throws IllegalArgumentException if the shapes differ (e.g. units were removed since)
     */
    public void rewind(Net net) {
        PruneKit.noGrad();
        List<Parameter> params = new ArrayList<>();
        List<String> now = new ArrayList<>();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            params.add(p.getValue());
            now.add(p.getKey() + p.getValue().getArray().getShape());
        }
        if (!now.equals(shapes)) {
            throw new IllegalArgumentException("Cannot rewind: the net's parameters " + now
                    + " differ from the snapshot's " + shapes + " (were units removed?).");
        }
        for (int i = 0; i < params.size(); i++) {
            Tensors.copy(values.get(i), params.get(i).getArray());
        }
        net.applyMasks();
    }

    @Override
    public void close() {
        manager.close();
    }
}
