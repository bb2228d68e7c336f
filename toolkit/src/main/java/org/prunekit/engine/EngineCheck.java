package org.prunekit.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.prunekit.PruneKit;
import org.prunekit.model.Tensors;

/**
 * Checks the engine's arithmetic against an independent computation: every operation PruneKit's
 * networks are made of — 2-D convolution forward and backward (1 to 64 channels, kernels 1, 3 and
 * 5, strides 1 and 2, in the default and the channels-last memory layout), linear layers, batch
 * normalisation (training and inference mode) and pooling — run once by the engine on seeded
 * random float32 values and once by plain Java loops in double precision ({@code Reference}).
 * An element passes when the engine is within {@code 1e-4} of the sum of the absolute values of
 * the terms that make it up (plus {@code 1e-5}): float32 rounding stays far below that, a wrong
 * kernel is off by the size of the values themselves.
 *
 * <p>Why: native kernels are chosen per CPU at run time (oneDNN picks its code by instruction
 * set) and can be wrong on some. libtorch 2.7.1's oneDNN 3.7.1 computed 3x3 convolutions of 17 to
 * 33 channels wrong on a 2-core AMD EPYC VM with AVX-512 BF16/VP2INTERSECT (errors of 10 on values
 * of order 1), which made training diverge and masked and shrunk nets disagree. PruneKit runs this
 * check once per machine and engine version, in a separate process, before its engine's first
 * operation, and applies a remedy where it fails: see {@link PruneKit#engineStatus()}.
 *
 * <pre>{@code
 * EngineCheck.Report r = EngineCheck.run();     // in this process, with the engine as configured now
 * r.passed();                                   // every check within tolerance
 * r                                             // a table of failures, or "all 620 checks passed in ..."
 * }</pre>
 */
public final class EngineCheck {

    /** Relative tolerance against the sum of absolute terms. */
    static final double RELATIVE = 1e-4;
    /** Absolute tolerance added to it. */
    static final double ABSOLUTE = 1e-5;

    /** System property that makes the check see a simulated fault (for testing the remedies; see {@link Fault}). */
    public static final String SIMULATE_FAULT = "prunekit.engine.simulateFault";

    private EngineCheck() {}

    /**
     * One compared quantity of one case.
     *
     * @param op the operation, e.g. {@code "conv2d 3x3/1 20->20 NCHW"}
     * @param quantity what was compared: {@code output}, {@code grad input}, {@code grad weight}, ...
     * @param maxError the largest absolute difference between engine and reference
     * @param tolerance the tolerance at the element that came closest to (or went furthest past) it
     * @param passed whether every element was within its tolerance (and finite)
     */
    public record Outcome(String op, String quantity, double maxError, double tolerance, boolean passed) {
        @Override
        public String toString() {
            return String.format("%s %s: max error %.3g (tolerance %.3g) %s", op, quantity, maxError, tolerance,
                    passed ? "ok" : "WRONG");
        }
    }

    /**
     * The result of a check: every outcome, and how long the check took. A value.
     *
     * @param outcomes every compared quantity, in the order checked
     * @param millis wall time of the whole check
     */
    public record Report(List<Outcome> outcomes, double millis) {

        public Report {
            outcomes = List.copyOf(outcomes);
        }

        /** @return whether every outcome passed */
        public boolean passed() {
            return outcomes.stream().allMatch(Outcome::passed);
        }

        /** @return the outcomes that failed */
        public List<Outcome> failures() {
            return outcomes.stream().filter(o -> !o.passed()).toList();
        }

        @Override
        public String toString() {
            List<Outcome> bad = failures();
            if (bad.isEmpty()) {
                return String.format("engine check: all %d checks passed in %.0f ms", outcomes.size(), millis);
            }
            StringBuilder sb = new StringBuilder(String.format("engine check: %d of %d checks WRONG (%.0f ms):",
                    bad.size(), outcomes.size(), millis));
            bad.stream().limit(20).forEach(o -> sb.append("\n  ").append(o));
            if (bad.size() > 20) {
                sb.append("\n  ... and ").append(bad.size() - 20).append(" more");
            }
            return sb.toString();
        }
    }

    /**
     * A simulated engine fault, for testing what PruneKit does on a CPU where the engine is
     * wrong: cases whose label contains {@code labelPart} get a wrong output (1.0 added to their
     * first element), or, with {@code crash}, end the process at once with exit code 134 as a
     * heap corruption abort would. Read from the system property {@value #SIMULATE_FAULT} (or
     * the environment variable {@code PRUNEKIT_ENGINE_SIMULATEFAULT}), e.g. {@code "conv2d 3x3/1
     * 20->20"} or {@code "crash:conv2d 1x1/2"}; only the engine as it is ({@link Remedy#NONE})
     * is affected, so every remedy cures it. Never set it outside tests.
     *
     * @param labelPart the part of a case label that selects the faulty cases
     * @param crash whether to crash instead of computing wrong
     */
    record Fault(String labelPart, boolean crash) {
        static Fault fromProperty() {
            String spec = EngineGuard.setting(SIMULATE_FAULT, null);
            if (spec == null || spec.isBlank()) {
                return null;
            }
            return spec.startsWith("crash:") ? new Fault(spec.substring(6), true) : new Fault(spec, false);
        }

        boolean hits(String label) {
            return label.contains(labelPart);
        }
    }

    /**
     * Runs the whole check in this process, with the engine as it is configured now (after
     * PruneKit's remedy, if one was applied).
     *
     * @return the report
     */
    public static Report run() {
        PruneKit.init();
        return run(label -> { }, Fault.fromProperty());
    }

    /**
     * @param beforeCase told the label of each case before it runs (a probe process prints it, so a crash names its case)
     * @param fault a simulated fault, or null
     * @return the report
     */
    static Report run(Consumer<String> beforeCase, Fault fault) {
        long start = System.nanoTime();
        List<Outcome> out = new ArrayList<>();
        boolean wasGrad = ai.djl.pytorch.jni.JniUtils.isGradMode();
        try (NDManager m = NDManager.newBaseManager()) {
            for (Case c : cases()) {
                beforeCase.accept(c.label());
                if (fault != null && fault.crash() && fault.hits(c.label())) {
                    Runtime.getRuntime().halt(134);
                }
                try (NDManager sub = m.newSubManager()) {
                    out.addAll(c.run(sub, new Random(c.label().hashCode()), fault != null && !fault.crash()
                            && fault.hits(c.label())));
                }
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(wasGrad);
        }
        return new Report(out, (System.nanoTime() - start) / 1e6);
    }

    /** @return every case, cheapest first within each family */
    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // the shape that exposed the fault: 3x3, stride 1, every channel count from 1 to 64 (backward for some)
        for (int c = 1; c <= 64; c++) {
            cases.add(new ConvCase(new Reference.Conv(2, c, c, 7, 7, 3, 1, 1), false, c % 8 == 1 || c == 64));
        }
        int[] some = {1, 2, 3, 4, 6, 7, 8, 9, 12, 15, 16, 17, 20, 24, 31, 32, 33, 40, 48, 63, 64};
        int[] upTo33 = {1, 3, 6, 8, 16, 17, 20, 24, 32, 33};
        int[][] kernels = {{1, 1}, {1, 2}, {3, 2}, {5, 1}, {5, 2}};
        for (int[] ks : kernels) {
            for (int c : ks[0] == 5 ? upTo33 : some) {
                cases.add(new ConvCase(new Reference.Conv(2, c, c, 7, 7, ks[0], ks[1], ks[0] / 2), false, true));
            }
        }
        // channels-last, as PruneKit runs image batches of 2 or more
        int[] layoutChannels = {1, 3, 6, 8, 13, 16, 17, 20, 24, 26, 32, 33, 64};
        int[][] layoutKernels = {{3, 1}, {3, 2}, {1, 2}, {5, 1}};
        for (int[] ks : layoutKernels) {
            for (int c : layoutChannels) {
                if (ks[0] < 5 || c <= 33) {
                    cases.add(new ConvCase(new Reference.Conv(8, c, c, 4, 4, ks[0], ks[1], ks[0] / 2), true, true));
                }
            }
        }
        // channel counts changing, as in real nets (LeNet-5, SmallCNN, ResNet-8 and pruned versions)
        int[][] pairs = {{1, 6, 5, 1, 0}, {6, 16, 5, 1, 0}, {1, 16, 3, 1, 1}, {16, 32, 3, 2, 1}, {16, 32, 1, 2, 0},
            {32, 64, 3, 2, 1}, {32, 64, 1, 2, 0}, {8, 8, 1, 2, 0}, {3, 20, 3, 1, 1}, {20, 3, 3, 1, 1},
            {6, 13, 3, 1, 1}, {13, 26, 3, 2, 1}, {13, 26, 1, 2, 0}, {26, 45, 3, 2, 1}, {64, 10, 1, 1, 0}};
        for (boolean last : new boolean[] {false, true}) {
            for (int[] p : pairs) {
                cases.add(new ConvCase(new Reference.Conv(8, p[0], p[1], 8, 8, p[2], p[3], p[4]), last, true));
            }
        }
        int[][] linear = {{1, 1}, {17, 33}, {64, 10}, {100, 10}, {300, 100}, {784, 300}};
        for (int[] l : linear) {
            cases.add(new LinearCase(16, l[0], l[1]));
        }
        for (boolean last : new boolean[] {false, true}) {
            for (int c : new int[] {1, 6, 13, 16, 26, 64}) {
                cases.add(new BatchNormCase(8, c, 4, last));
            }
            for (int c : new int[] {6, 16, 17}) {
                cases.add(new PoolCase(true, 8, c, 8, 2, 2, last));
                cases.add(new PoolCase(true, 8, c, 9, 3, 2, last));
                cases.add(new PoolCase(false, 8, c, 8, 2, 2, last));
            }
        }
        cases.add(new BatchNormCase(16, 100, 0, false));
        return cases;
    }

    /** One engine computation compared with its reference. */
    interface Case {
        String label();

        List<Outcome> run(NDManager m, Random r, boolean corrupt);
    }

    private static String layout(boolean channelsLast) {
        return channelsLast ? "channels-last" : "NCHW";
    }

    /** A convolution with bias; forward, and with {@code backward} the three gradients too. */
    record ConvCase(Reference.Conv g, boolean channelsLast, boolean backward) implements Case {
        @Override
        public String label() {
            return String.format("conv2d %dx%d/%d %d->%d %s", g.k(), g.k(), g.s(), g.cin(), g.cout(),
                    layout(channelsLast));
        }

        @Override
        public List<Outcome> run(NDManager m, Random r, boolean corrupt) {
            float[] x = normal(r, g.inputSize());
            float[] w = normal(r, g.weightSize());
            float[] b = normal(r, g.cout());
            float[] dy = normal(r, g.outputSize());
            NDArray xa = m.create(x, new Shape(g.n(), g.cin(), g.h(), g.w()));
            if (channelsLast) {
                xa = Tensors.channelsLast(xa);
            }
            NDArray wa = m.create(w, new Shape(g.cout(), g.cin(), g.k(), g.k()));
            NDArray ba = m.create(b, new Shape(g.cout()));
            NDArray dya = m.create(dy, new Shape(g.n(), g.cout(), g.ho(), g.wo()));
            Shape s = new Shape(g.s(), g.s());
            Shape p = new Shape(g.p(), g.p());
            List<Outcome> out = new ArrayList<>();
            if (!backward) {
                ai.djl.pytorch.jni.JniUtils.setGradMode(false);
                float[] y = Conv2d.conv2d(xa, wa, ba, s, p, new Shape(1, 1), 1).singletonOrThrow().toFloatArray();
                out.add(compare(label(), "output", corrupt(y, corrupt), Reference.convForward(g, x, w, b)));
                return out;
            }
            NDArray[] grads = withGradients(new NDArray[] {xa, wa, ba}, in -> Conv2d.conv2d(in[0], in[1], in[2], s, p,
                    new Shape(1, 1), 1).singletonOrThrow(), dya, out, label(), corrupt,
                    Reference.convForward(g, x, w, b));
            Reference.Values[] ref = Reference.convBackward(g, x, w, dy);
            String[] names = {"grad input", "grad weight", "grad bias"};
            for (int i = 0; i < 3; i++) {
                out.add(compare(label(), names[i], grads[i].toFloatArray(), ref[i]));
            }
            return out;
        }
    }

    /** A linear layer, forward and backward. */
    record LinearCase(int batch, int in, int out) implements Case {
        @Override
        public String label() {
            return String.format("linear %d->%d batch %d", in, out, batch);
        }

        @Override
        public List<Outcome> run(NDManager m, Random r, boolean corrupt) {
            float[] x = normal(r, batch * in);
            float[] w = normal(r, out * in);
            float[] b = normal(r, out);
            float[] dy = normal(r, batch * out);
            NDArray[] params = {m.create(x, new Shape(batch, in)), m.create(w, new Shape(out, in)),
                m.create(b, new Shape(out))};
            List<Outcome> results = new ArrayList<>();
            NDArray[] grads = withGradients(params, p -> Linear.linear(p[0], p[1], p[2]).singletonOrThrow(),
                    m.create(dy, new Shape(batch, out)), results, label(), corrupt,
                    Reference.linearForward(batch, in, out, x, w, b));
            Reference.Values[] ref = Reference.linearBackward(batch, in, out, x, w, dy);
            String[] names = {"grad input", "grad weight", "grad bias"};
            for (int i = 0; i < 3; i++) {
                results.add(compare(label(), names[i], grads[i].toFloatArray(), ref[i]));
            }
            return results;
        }
    }

    /**
     * Batch normalisation over axis 1: training mode forward and backward, then inference mode
     * with the running statistics. {@code hw == 0} means a 2-D (batch, features) input.
     */
    record BatchNormCase(int n, int c, int side, boolean channelsLast) implements Case {
        @Override
        public String label() {
            return side == 0 ? String.format("batchnorm %d features batch %d", c, n)
                    : String.format("batchnorm %d channels %dx%d batch %d %s", c, side, side, n, layout(channelsLast));
        }

        @Override
        public List<Outcome> run(NDManager m, Random r, boolean corrupt) {
            int hw = Math.max(1, side * side);
            Shape shape = side == 0 ? new Shape(n, c) : new Shape(n, c, side, side);
            float[] x = normal(r, n * c * hw);
            for (int i = 0; i < x.length; i++) {
                x[i] = x[i] * 2 + 0.5f;
            }
            float[] gamma = normal(r, c);
            float[] beta = normal(r, c);
            float[] dy = normal(r, n * c * hw);
            NDArray xa = m.create(x, shape);
            if (channelsLast) {
                xa = Tensors.channelsLast(xa);
            }
            NDArray runMean = m.zeros(new Shape(c));
            NDArray runVar = m.ones(new Shape(c));
            double eps = 1e-5;
            Reference.Values[] ref = Reference.batchNormTraining(n, c, hw, x, gamma, beta, dy, eps);
            List<Outcome> out = new ArrayList<>();
            NDArray[] grads = withGradients(new NDArray[] {xa, m.create(gamma, new Shape(c)), m.create(beta,
                    new Shape(c))}, p -> BatchNorm.batchNorm(p[0], runMean, runVar, p[1], p[2], 1, 0.1f, (float) eps,
                    true).singletonOrThrow(), m.create(dy, shape), out, label() + " training", corrupt, ref[0]);
            String[] names = {"grad input", "grad gamma", "grad beta"};
            for (int i = 0; i < 3; i++) {
                out.add(compare(label() + " training", names[i], grads[i].toFloatArray(), ref[i + 1]));
            }
            float[] mean = runMean.toFloatArray();
            float[] var = runVar.toFloatArray();
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            float[] y = BatchNorm.batchNorm(xa, runMean, runVar, m.create(gamma, new Shape(c)), m.create(beta,
                    new Shape(c)), 1, 0.1f, (float) eps, false).singletonOrThrow().toFloatArray();
            out.add(compare(label() + " inference", "output", y, Reference.batchNormInference(n, c, hw, x, mean, var,
                    gamma, beta, eps)));
            return out;
        }
    }

    /** Max or average pooling (square window, no padding), forward and backward. */
    record PoolCase(boolean max, int n, int c, int side, int k, int s, boolean channelsLast) implements Case {
        @Override
        public String label() {
            return String.format("%s %dx%d/%d %d channels %dx%d %s", max ? "maxpool" : "avgpool", k, k, s, c, side,
                    side, layout(channelsLast));
        }

        @Override
        public List<Outcome> run(NDManager m, Random r, boolean corrupt) {
            int ho = (side - k) / s + 1;
            float[] x = normal(r, n * c * side * side);
            float[] dy = normal(r, n * c * ho * ho);
            NDArray xa = m.create(x, new Shape(n, c, side, side));
            if (channelsLast) {
                xa = Tensors.channelsLast(xa);
            }
            Shape kernel = new Shape(k, k);
            Shape stride = new Shape(s, s);
            Shape pad = new Shape(0, 0);
            Reference.Values[] ref = Reference.pool(max, n, c, side, side, k, s, x, dy);
            List<Outcome> out = new ArrayList<>();
            NDArray[] grads = withGradients(new NDArray[] {xa}, p -> max ? Pool.maxPool2d(p[0], kernel, stride, pad,
                    false) : Pool.avgPool2d(p[0], kernel, stride, pad, false, true), m.create(dy, new Shape(n, c, ho,
                    ho)), out, label(), corrupt, ref[0]);
            out.add(compare(label(), "grad input", grads[0].toFloatArray(), ref[1]));
            return out;
        }
    }

    /**
     * Runs {@code f} recording gradients, adds the comparison of its output with {@code expected}
     * to {@code out}, and back-propagates {@code Σ y·dy}.
     *
     * @return the gradient of each input
     */
    private static NDArray[] withGradients(NDArray[] inputs, java.util.function.Function<NDArray[], NDArray> f,
            NDArray dy, List<Outcome> out, String label, boolean corrupt, Reference.Values expected) {
        for (NDArray a : inputs) {
            a.setRequiresGradient(true);
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = f.apply(inputs);
            out.add(compare(label, "output", corrupt(y.toFloatArray(), corrupt), expected));
            gc.backward(y.mul(dy).sum());
        }
        NDArray[] grads = new NDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            grads[i] = inputs[i].getGradient();
        }
        return grads;
    }

    private static float[] corrupt(float[] values, boolean corrupt) {
        if (corrupt && values.length > 0) {
            values[0] += 1f;
        }
        return values;
    }

    static Outcome compare(String op, String quantity, float[] engine, Reference.Values ref) {
        if (engine.length != ref.value().length) {
            return new Outcome(op, quantity + " (" + engine.length + " values, expected " + ref.value().length + ")",
                    Double.POSITIVE_INFINITY, 0, false);
        }
        double maxError = 0;
        double worstRatio = -1;
        double worstTolerance = ABSOLUTE;
        boolean passed = true;
        for (int i = 0; i < engine.length; i++) {
            double err = Math.abs(engine[i] - ref.value()[i]);
            double tol = RELATIVE * ref.scale()[i] + ABSOLUTE;
            if (!(err <= tol)) {
                passed = false;
                err = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
            }
            maxError = Math.max(maxError, err);
            double ratio = err / tol;
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worstTolerance = tol;
            }
        }
        return new Outcome(op, quantity, maxError, worstTolerance, passed);
    }

    private static float[] normal(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** @return the labels of every case, in order (for documentation and tests) */
    static List<String> labels() {
        return cases().stream().map(Case::label).toList();
    }
}
