package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Net.forward runs a ReLU that is followed by a max pooling after the pooling: logits and every
 * gradient must be exactly those of the architecture's own order (DJL's sequential block).
 */
class ExecutionOrderTest {

    @Test
    void poolingBeforeReluGivesTheSameLogitsAndGradients() {
        List<Net> nets = List.of(Models.lenet5(5), Models.smallCnn(5), Models.resNet8(5),
                Models.sequential("Overlapping", 2, 15, 15).conv(6, 3).relu().maxPool(3, 2).conv(4, 3, 1, 1).relu()
                        .maxPool(2).flatten().dense(8).relu().dense(3).build(5));
        for (Net net : nets) {
            try (net; NDManager m = net.manager().newSubManager()) {
                NDArray x = NetBuilderTest.input(m, net.inputShape(), 16, 9).sub(0.5f);
                NDArray probe = NetBuilderTest.input(m, new ai.djl.ndarray.types.Shape(net.numClasses()), 16, 4);
                List<float[]> ours = gradients(net, m, x, probe, net::forward);
                // the same layout on both sides: only the order differs
                List<float[]> architecture = gradients(net, m, x, probe, (in, training) -> net.block().forward(
                        new ParameterStore(m, false), new NDList(Tensors.channelsLast(in)), training).singletonOrThrow());
                for (int i = 0; i < ours.size(); i++) {
                    assertArrayEquals(architecture.get(i), ours.get(i), net.name() + " output/gradient " + i);
                }
            }
        }
    }

    /** The logits, then the gradient of every parameter, of sum(logits * probe). */
    private static List<float[]> gradients(Net net, NDManager m, NDArray x, NDArray probe,
            BiFunction<NDArray, Boolean, NDArray> forward) {
        List<Parameter> params = new ArrayList<>();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
                params.add(p.getValue());
            }
        }
        List<float[]> out = new ArrayList<>();
        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
            NDArray logits = forward.apply(x, true);
            out.add(logits.toFloatArray());
            c.backward(logits.mul(probe).sum());
        }
        for (Parameter p : params) {
            try (NDArray g = p.getArray().getGradient()) {
                out.add(g.toFloatArray());
            }
            JniUtils.zeroGrad((PtNDArray) p.getArray());
        }
        return out;
    }
}
