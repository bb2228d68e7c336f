package org.prunekit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prunekit.PruneKit;

/**
 * A net's pruning masks: one 0/1 array per masked parameter, owned by the net's manager,
 * multiplied into the parameter when added and after every optimizer step. Masks combine: a new
 * mask for a masked parameter is multiplied into the old one, so re-pruning only removes more.
 */
final class MaskSet {

    private final Net net;
    private final Map<Parameter, NDArray> masks = new LinkedHashMap<>();

    MaskSet(Net net) {
        this.net = net;
    }

    void add(Parameter parameter, NDArray mask) {
        PruneKit.noGrad();
        NDArray w = parameter.getArray();
        if (!w.getShape().equals(mask.getShape())) {
            throw new IllegalArgumentException("Mask shape " + mask.getShape() + " does not match parameter "
                    + parameter.getName() + " of shape " + w.getShape() + ".");
        }
        // duplicate() is a real copy: toType(..., true) keeps sharing the storage of an array made from a
        // Java array, whose direct buffer the GC may free once the caller closes it
        NDArray owned = mask.getDataType() == DataType.FLOAT32 ? mask.duplicate() : mask.toType(DataType.FLOAT32, true)
                .duplicate();
        owned.attach(net.manager());
        NDArray old = masks.get(parameter);
        if (old != null) {
            owned.muli(old);
            old.close();
        }
        masks.put(parameter, owned);
        w.muli(owned);
    }

    /** @return a read-only view */
    Map<Parameter, NDArray> view() {
        return Collections.unmodifiableMap(masks);
    }

    void clear() {
        masks.values().forEach(NDArray::close);
        masks.clear();
    }

    void apply() {
        applyExcept(java.util.Set.of());
    }

    /** Multiplies every mask into its parameter, except those of {@code applied}. */
    void applyExcept(java.util.Set<Parameter> applied) {
        if (masks.isEmpty()) {
            return;
        }
        PruneKit.noGrad();
        for (Map.Entry<Parameter, NDArray> e : masks.entrySet()) {
            if (!applied.contains(e.getKey())) {
                e.getKey().getArray().muli(e.getValue());
            }
        }
    }

    /** Drops every mask and takes these instead (already owned by the net's manager). */
    void replaceAll(Map<Parameter, NDArray> newMasks) {
        clear();
        masks.putAll(newMasks);
    }

    /** Copies {@code other}'s mask of {@code from}, if there is one, as this set's mask of {@code to}. */
    void copyFrom(MaskSet other, Parameter from, Parameter to) {
        NDArray mask = other.masks.get(from);
        if (mask != null) {
            NDArray m = mask.duplicate();
            m.attach(net.manager());
            masks.put(to, m);
        }
    }
}
