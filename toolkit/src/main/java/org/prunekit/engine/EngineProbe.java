package org.prunekit.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import java.io.PrintStream;
import java.util.Arrays;
import org.prunekit.PruneKit;
import org.prunekit.model.Tensors;

/**
 * The process that checks one {@link Remedy}: started by {@link EngineGuard} with the remedy's
 * environment, it starts the engine, applies the remedy's run-time switch, runs the
 * {@link EngineCheck} and times a small convolutional training step, and prints what it found as
 * tab-separated lines ({@code case}, {@code wrong}, {@code checks}, {@code step-ms}, {@code done}).
 * A crash of the engine ends this process, not the one that asked; the last {@code case} line
 * names the operation it crashed in.
 */
final class EngineProbe {

    private EngineProbe() {}

    /**
     * @param args the remedy's setting name, then optionally {@code --time-only} (time a training
     *     step instead of running the check)
     */
    public static void main(String[] args) {
        Remedy remedy = Remedy.parse(args[0]);
        boolean check = !Arrays.asList(args).contains("--time-only");
        System.setProperty(EngineGuard.CHECK_SETTING, "off");
        PruneKit.init();
        if (remedy.disablesOneDnn()) {
            NativeSwitches.setOneDnnEnabled(false);
        }
        PrintStream out = System.out;
        if (check) {
            EngineCheck.Fault fault = remedy == Remedy.NONE ? EngineCheck.Fault.fromProperty() : null;
            EngineCheck.Report report = EngineCheck.run(label -> {
                out.println("case\t" + label);
                out.flush();
            }, fault);
            for (EngineCheck.Outcome o : report.failures()) {
                out.println("wrong\t" + o);
            }
            out.println("checks\t" + report.outcomes().size() + "\t" + report.failures().size() + "\t"
                    + Math.round(report.millis()));
        }
        if (!check) {
            out.println("case\ttiming a training step");
            out.flush();
            out.println("step-ms\t" + stepMillis());
        }
        out.println("done");
        out.flush();
        System.exit(0);
    }

    /**
     * The time of a training step of a small CNN (batch 64, 28x28 images, channels-last as PruneKit
     * runs them; two 3x3 convolutions of 16 and 32 channels with ReLU and 2x2 max pooling, a linear
     * layer; forward and backward): the fastest of 15 steps after 3 warm-up steps (other load on
     * the machine only ever slows a step down). Each step's arrays are freed with its scope.
     *
     * @return milliseconds
     */
    static double stepMillis() {
        double[] times = new double[15];
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.channelsLast(m.randomNormal(new Shape(64, 1, 28, 28)));
            NDArray w1 = m.randomNormal(0, 0.3f, new Shape(16, 1, 3, 3), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray w2 = m.randomNormal(0, 0.1f, new Shape(32, 16, 3, 3), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray w3 = m.randomNormal(0, 0.05f, new Shape(10, 32 * 7 * 7), ai.djl.ndarray.types.DataType.FLOAT32);
            for (NDArray w : new NDArray[] {w1, w2, w3}) {
                w.setRequiresGradient(true);
            }
            Shape one = new Shape(1, 1);
            Shape two = new Shape(2, 2);
            for (int i = 0; i < 3 + times.length; i++) {
                try (NDScope scope = new NDScope()) {
                    long start = System.nanoTime();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray h = Conv2d.conv2d(x, w1, null, one, one, one, 1).singletonOrThrow();
                        h = Pool.maxPool2d(Activation.relu(h), two, two, new Shape(0, 0), false);
                        h = Conv2d.conv2d(h, w2, null, one, one, one, 1).singletonOrThrow();
                        h = Pool.maxPool2d(Activation.relu(h), two, two, new Shape(0, 0), false);
                        NDArray y = Linear.linear(h.reshape(64, -1), w3, null).singletonOrThrow();
                        gc.backward(y.square().sum());
                    }
                    w1.getGradient().toFloatArray();
                    if (i >= 3) {
                        times[i - 3] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
        }
        return Arrays.stream(times).min().orElseThrow();
    }
}
