package org.prunekit.train;

import org.prunekit.PruneKit;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015) exactly as {@code torch.optim.Adam} computes it (ε added after
 * the bias correction of the second moment, L2 weight decay added to the gradient), written
 * with as few passes over memory as it can.
 *
 * <p>Three paths, chosen per parameter. Small parameters (biases, small kernels) use the
 * engine's fused Adam kernel: one native call, where call overhead dominates. Large ones
 * (a 784x300 weight) are memory-bound. On the CPU they are updated by one Java loop over the
 * weight's and the gradient's own native memory (no copies), with the moments in Java arrays:
 * every array is read and written once, and the gradient is zeroed in the same pass, where
 * torch's Adam makes about nine passes and the NDArray form below about eleven. Elsewhere
 * (another device, or with the loop turned off) the NDArray form keeps the moments unscaled,
 * {@code M = m/(1−β₁)} and {@code V = v/(1−β₂)}, so each update is {@code M ← β₁M + g} and
 * {@code V ← β₂V + g²} (two in-place passes each instead of three) with the constant factors
 * folded into the step size and ε; the Java loop uses the same unscaled moments and the same
 * float operations in the same order. Every path computes torch's update (a step-by-step test
 * checks all three against torch's formulas).
 */
final class Adam implements AutoCloseable {

    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPSILON = 1e-8f;

    private final NDManager state;
    private final List<NDArray> weights;
    /** How a parameter is updated (see the class comment). */
    private enum Path { FUSED, JAVA_LOOP, TENSORS }

    private final List<Path> paths = new ArrayList<>();
    // the moments as tensors (FUSED, TENSORS) or, for JAVA_LOOP, unscaled in Java arrays; null where unused
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final List<float[]> mj = new ArrayList<>();
    private final List<float[]> vj = new ArrayList<>();
    // JAVA_LOOP: whether the weight's and gradient's memory can be written in place (checked at the first step)
    private final List<Boolean> inPlace = new ArrayList<>();
    // 0-d tensors for the constants: an op with a Java float operand creates a scalar tensor on
    // every call (~10-25 us each through DJL); an op with a tensor operand costs ~1 us
    private final NDArray beta1;
    private final NDArray beta2;
    private final NDArray decay;
    private float learningRate;
    private final float weightDecay;
    private int t;

    /**
     * @param weights the parameters to update (their gradients are attached by this constructor)
     * @param parent the manager under which the moment arrays are kept
     * @param learningRate the step size
     * @param weightDecay L2 penalty added to the gradient
     */
    Adam(List<NDArray> weights, NDManager parent, float learningRate, float weightDecay) {
        this(weights, parent, learningRate, weightDecay, 16_384, true);
    }

    /**
     * @param weights the parameters to update (their gradients are attached by this constructor)
     * @param parent the manager under which the moment arrays are kept
     * @param learningRate the step size
     * @param weightDecay L2 penalty added to the gradient
     * @param fusedBelow parameters with fewer elements use the engine's fused kernel
     * @param javaLoop whether the larger parameters on the CPU are updated by one Java loop over their
     *        memory (else by NDArray operations)
     */
    Adam(List<NDArray> weights, NDManager parent, float learningRate, float weightDecay, long fusedBelow,
            boolean javaLoop) {
        this.state = parent.newSubManager();
        this.weights = List.copyOf(weights);
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.beta1 = state.create(BETA1);
        this.beta2 = state.create(BETA2);
        this.decay = state.create(weightDecay);
        for (NDArray w : this.weights) {
            w.setRequiresGradient(true);
            Path path = w.size() < fusedBelow ? Path.FUSED : javaLoop && w.size() <= Integer.MAX_VALUE
                    && w.getDevice().equals(ai.djl.Device.cpu()) && w.getDataType() == DataType.FLOAT32
                            ? Path.JAVA_LOOP : Path.TENSORS;
            boolean inJava = path == Path.JAVA_LOOP;
            paths.add(path);
            m.add(inJava ? null : state.zeros(w.getShape(), DataType.FLOAT32));
            v.add(inJava ? null : state.zeros(w.getShape(), DataType.FLOAT32));
            mj.add(inJava ? new float[Math.toIntExact(w.size())] : null);
            vj.add(inJava ? new float[Math.toIntExact(w.size())] : null);
            inPlace.add(null);
        }
    }

    /** @param learningRate the step size from the next step on */
    void setLearningRate(float learningRate) {
        this.learningRate = learningRate;
    }

    /** @return how many steps were taken */
    int steps() {
        return t;
    }

    /** Updates every weight from its gradient, then zeroes the gradients. Call outside recording. */
    void step() {
        PruneKit.noGrad();
        t++;
        double bias1 = 1 - Math.pow(BETA1, t);
        double bias2 = 1 - Math.pow(BETA2, t);
        // m̂/(√v̂+ε) = (1−β₁)M/bias1 / (c·(√V + ε/c)) with c = √((1−β₂)/bias2)
        double c = Math.sqrt((1 - BETA2) / bias2);
        float step = (float) (learningRate * (1 - BETA1) / bias1 / c);
        float eps = (float) (EPSILON / c);
        // fused kernel: w −= lrc·m/(√v + ε'), with lrc = lr·√bias2/bias1 and ε' = ε·√bias2 matches torch
        float fusedRate = (float) (learningRate * Math.sqrt(bias2) / bias1);
        float fusedEps = (float) (EPSILON * Math.sqrt(bias2));
        // the NDArray form's scalars as tensors, made only if a parameter takes that path
        boolean tensors = paths.contains(Path.TENSORS);
        try (NDArray stepTensor = tensors ? state.create(step) : null;
                NDArray epsTensor = tensors ? state.create(eps) : null) {
            for (int i = 0; i < weights.size(); i++) {
                NDArray w = weights.get(i);
                try (NDArray g = w.getGradient()) {
                    switch (paths.get(i)) {
                        // the engine's kernel also zeroes the gradient
                        case FUSED -> w.getNDArrayInternal().adamUpdate(new NDList(w, g, m.get(i), v.get(i)),
                                new NDList(w), learningRate, fusedRate, weightDecay, 1f, -1f, BETA1, BETA2, fusedEps,
                                true, false);
                        case JAVA_LOOP -> javaUpdate(i, w, g, step, eps);
                        case TENSORS -> tensorUpdate(w, g, m.get(i), v.get(i), stepTensor, epsTensor);
                    }
                }
            }
        }
    }

    /** The NDArray form: the unscaled moments updated by in-place tensor ops, then the gradient zeroed. */
    private void tensorUpdate(NDArray w, NDArray g, NDArray mom, NDArray sq, NDArray stepTensor, NDArray epsTensor) {
        NDArray grad = g;
        if (weightDecay > 0) {
            grad = w.mul(decay);
            grad.addi(g);
        }
        mom.muli(beta1).addi(grad);
        // the gradient is zeroed after the step anyway: square it in place (no new tensor)
        sq.muli(beta2).addi(grad.muli(grad));
        if (grad != g) {
            grad.close();
        }
        try (NDArray denom = sq.sqrt(); NDArray update = mom.div(denom.addi(epsTensor))) {
            w.subi(update.muli(stepTensor));
        }
        JniUtils.zeroGrad((PtNDArray) w);
    }

    /**
     * One pass over a large parameter's memory: the same float operations, in the same order, as
     * the NDArray path (M ← β₁M + g, V ← β₂V + g², w ← w − M/(√V + ε)·step), reading the gradient
     * and writing the weight in place through the tensors' own native memory, and zeroing the
     * gradient in the same pass. Four arrays read and written once, where the NDArray path makes
     * about eleven passes and torch's kernel-per-op Adam about nine.
     */
    private void javaUpdate(int i, NDArray w, NDArray g, float step, float eps) {
        float[] mom = mj.get(i);
        float[] sq = vj.get(i);
        FloatBuffer wb = memory(w);
        FloatBuffer gb = memory(g);
        if (inPlace.get(i) == null) {
            inPlace.set(i, wb != null && gb != null && writesThrough(w, wb) && writesThrough(g, gb));
        }
        // a strided tensor (a view, a transposed weight): DJL hands out a copy of its values, so work on copies
        boolean copies = !inPlace.get(i);
        if (copies) {
            wb = FloatBuffer.wrap(w.toFloatArray());
            gb = FloatBuffer.wrap(g.toFloatArray());
        }
        float b1 = BETA1;
        float b2 = BETA2;
        float wd = weightDecay;
        for (int j = 0; j < mom.length; j++) {
            float wj = wb.get(j);
            float gj = wd > 0 ? wj * wd + gb.get(j) : gb.get(j);
            float mm = mom[j] * b1 + gj;
            float vv = sq[j] * b2 + gj * gj;
            mom[j] = mm;
            sq[j] = vv;
            wb.put(j, wj - mm / ((float) Math.sqrt(vv) + eps) * step);
            gb.put(j, 0f);
        }
        if (copies) {
            w.set(wb.array());
            JniUtils.zeroGrad((PtNDArray) w);
        }
    }

    /**
     * @return the tensor's memory as floats, or null if it is not one dense block; for a strided
     *     tensor this is a copy in logical order (see {@link #writesThrough})
     */
    private static FloatBuffer memory(NDArray a) {
        java.nio.ByteBuffer b = JniUtils.getByteBuffer((PtNDArray) a, true);
        return b.isDirect() && b.capacity() == a.size() * Float.BYTES ? b.order(ByteOrder.nativeOrder())
                .asFloatBuffer() : null;
    }

    /**
     * Whether {@code memory} is the tensor's own memory in its logical order: it holds the tensor's
     * values in that order, and a value written into it shows in the tensor (restored after).
     */
    private static boolean writesThrough(NDArray a, FloatBuffer memory) {
        float[] values = a.toFloatArray();
        for (int j = 0; j < values.length; j++) {
            if (Float.floatToRawIntBits(memory.get(j)) != Float.floatToRawIntBits(values[j])) {
                return false;
            }
        }
        if (values.length == 0) {
            return true;
        }
        int probe = Float.floatToRawIntBits(values[0]) ^ 1;
        memory.put(0, Float.intBitsToFloat(probe));
        float seen;
        try (NDArray flat = a.reshape(-1)) {
            seen = flat.getFloat(0);
        }
        memory.put(0, values[0]);
        return Float.floatToRawIntBits(seen) == probe;
    }

    @Override
    public void close() {
        state.close();
    }
}
