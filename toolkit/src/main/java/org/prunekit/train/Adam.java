package org.prunekit.train;

import org.prunekit.PruneKit;
import org.prunekit.model.EmbeddingGradients;
import org.prunekit.model.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015) exactly as {@code torch.optim.Adam} computes it (ε added after
 * the bias correction of the second moment, L2 weight decay added to the gradient), written
 * with as few passes over memory as it can.
 *
 * <p>Both paths keep the moments unscaled, {@code M = m/(1−β₁)} and {@code V = v/(1−β₂)}, so each
 * update is {@code M ← β₁M + g} and {@code V ← β₂V + g²} with the constant factors folded into
 * the step size and ε. On the CPU, a float32 parameter is updated in Java: its values and its
 * gradient are copied into the heap in bulk (at memcpy speed), one element-wise loop that the JIT
 * compiles to vector instructions updates them with the moments (kept in Java arrays), and the
 * values are copied back. That is a handful of passes and a few JNI calls per parameter, where
 * torch's Adam makes about nine passes and the engine's fused kernel about twelve native calls;
 * the optimizer step of LeNet-5 took ~90 us instead of ~320 us with that kernel. The price is
 * heap memory: four float arrays per parameter (the two moments and the two copies). Elsewhere
 * (another device or data type, or with the loop turned off) the NDArray form makes the same
 * float operations as in-place tensor ops. Both compute torch's update to float precision (tests
 * check both, step by step, against torch's formulas, on a few values and on 100,003).
 */
final class Adam implements AutoCloseable {

    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPSILON = 1e-8f;

    private final NDManager state;
    private final List<NDArray> weights;
    private List<Parameter> parameters = List.of();
    /** How a parameter is updated (see the class comment). */
    private enum Path { JAVA_LOOP, TENSORS }

    private final List<Path> paths = new ArrayList<>();
    // the unscaled moments as tensors (TENSORS) or Java arrays (JAVA_LOOP); null where unused
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final List<float[]> mj = new ArrayList<>();
    private final List<float[]> vj = new ArrayList<>();
    // JAVA_LOOP: whether the weight's and gradient's memory can be written in place (checked at the first step)
    private final List<Boolean> inPlace = new ArrayList<>();
    // JAVA_LOOP: the weight's and gradient's values, copied into the heap for the update
    private final List<float[]> wScratch = new ArrayList<>();
    private final List<float[]> gScratch = new ArrayList<>();
    // JAVA_LOOP: the mask last seen for a weight and its values in the heap (a mask is replaced, never changed)
    private final NDArray[] maskSeen;
    private final float[][] maskValues;
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
        this(weights, parent, learningRate, weightDecay, true);
    }

    /**
     * @param weights the parameters to update (their gradients are attached by this constructor)
     * @param parent the manager under which the moment arrays are kept
     * @param learningRate the step size
     * @param weightDecay L2 penalty added to the gradient
     * @param javaLoop whether float32 parameters on the CPU are updated by the Java loop (else by
     *        NDArray operations)
     */
    Adam(List<NDArray> weights, NDManager parent, float learningRate, float weightDecay, boolean javaLoop) {
        this.state = parent.newSubManager();
        this.weights = List.copyOf(weights);
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.beta1 = state.create(BETA1);
        this.beta2 = state.create(BETA2);
        this.decay = state.create(weightDecay);
        this.maskSeen = new NDArray[this.weights.size()];
        this.maskValues = new float[this.weights.size()][];
        for (NDArray w : this.weights) {
            w.setRequiresGradient(true);
            Path path = javaLoop && w.size() <= Integer.MAX_VALUE && w.getDevice().equals(ai.djl.Device.cpu())
                    && w.getDataType() == DataType.FLOAT32 ? Path.JAVA_LOOP : Path.TENSORS;
            boolean inJava = path == Path.JAVA_LOOP;
            paths.add(path);
            m.add(inJava ? null : state.zeros(w.getShape(), DataType.FLOAT32));
            v.add(inJava ? null : state.zeros(w.getShape(), DataType.FLOAT32));
            int n = inJava ? Math.toIntExact(w.size()) : 0;
            mj.add(inJava ? new float[n] : null);
            vj.add(inJava ? new float[n] : null);
            wScratch.add(inJava ? new float[n] : null);
            gScratch.add(inJava ? new float[n] : null);
            inPlace.add(null);
        }
    }

    /**
     * @param parameters the parameters to update
     * @param parent the manager under which the moment arrays are kept
     * @param learningRate the step size
     * @param weightDecay L2 penalty added to the gradient
     * @return an Adam over the parameters' arrays that knows their parameters (see {@link #parameters()})
     */
    static Adam of(List<Parameter> parameters, NDManager parent, float learningRate, float weightDecay) {
        Adam adam = new Adam(parameters.stream().map(Parameter::getArray).toList(), parent, learningRate, weightDecay);
        adam.parameters = List.copyOf(parameters);
        return adam;
    }

    /** @return the parameters of the weights, in their order (empty if made from arrays alone) */
    List<Parameter> parameters() {
        return parameters;
    }

    /**
     * @param masks masks as given to {@link #step(List)} (null for none)
     * @return the parameters whose masks that step applies (empty if made from arrays alone)
     */
    java.util.Set<Parameter> maskedBy(List<NDArray> masks) {
        if (masks == null || parameters.isEmpty()) {
            return java.util.Set.of();
        }
        java.util.Set<Parameter> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < masks.size(); i++) {
            if (masks.get(i) != null) {
                out.add(parameters.get(i));
            }
        }
        return out;
    }

    /** @return the number of weights updated */
    int size() {
        return weights.size();
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
        step(null);
    }

    /**
     * Updates every weight from its gradient, multiplies it by its pruning mask, then zeroes the
     * gradients. Call outside recording. The result is the same, bit for bit, as {@link #step()}
     * followed by {@code w.muli(mask)}; on the Java-loop path the mask is applied inside the
     * update's loop (its values copied into the heap once per mask), which saves a pass over every
     * masked weight's memory and a native call per mask and step.
     *
     * @param masks each weight's 0/1 mask, in the order of the weights (null entries, or a null
     *     list, for none); a mask must not be changed in place between steps (pass a new array)
     */
    void step(List<NDArray> masks) {
        step(masks, null);
    }

    /**
     * As {@link #step(List)}, with the embedding tables' row gradients of {@code rows} added to
     * their weights' gradients first (into the heap copy on the Java-loop path, else into the
     * weight's gradient tensor).
     *
     * @param masks each weight's 0/1 mask (see {@link #step(List)})
     * @param rows the training step's embedding gradients, or null
     */
    void step(List<NDArray> masks, EmbeddingGradients rows) {
        PruneKit.noGrad();
        float[] scale = nextStep();
        float step = scale[0];
        float eps = scale[1];
        // the NDArray form's scalars as tensors, made only if a parameter takes that path
        boolean tensors = paths.contains(Path.TENSORS);
        try (NDArray stepTensor = tensors ? state.create(step) : null;
                NDArray epsTensor = tensors ? state.create(eps) : null) {
            for (int i = 0; i < weights.size(); i++) {
                NDArray w = weights.get(i);
                NDArray mask = masks == null ? null : masks.get(i);
                try (NDArray g = w.getGradient()) {
                    switch (paths.get(i)) {
                        case JAVA_LOOP -> javaUpdate(i, w, g, step, eps, mask == null ? null : maskValues(i, mask),
                                rows);
                        case TENSORS -> {
                            if (rows != null) {
                                rows.flush();
                            }
                            tensorUpdate(w, g, m.get(i), v.get(i), stepTensor, epsTensor);
                            if (mask != null) {
                                w.muli(mask);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * @return whether every weight takes the Java loop, so that {@link #stepInHeap(List)} can update them all in
     *     the heap
     */
    boolean allInHeap() {
        return !paths.contains(Path.TENSORS);
    }

    /**
     * @param p one of the parameters this Adam updates
     * @return its heap copy, which {@link #stepInHeap(List)} updates ({@link #readIntoHeap()} fills it)
     */
    float[] heapValues(Parameter p) {
        return wScratch.get(indexOf(p));
    }

    /**
     * @param p one of the parameters this Adam updates
     * @return the heap array {@link #stepInHeap(List)} reads its gradient from
     */
    float[] heapGradients(Parameter p) {
        return gScratch.get(indexOf(p));
    }

    private int indexOf(Parameter p) {
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i) == p) {
                return i;
            }
        }
        throw new IllegalArgumentException("Parameter " + p.getName() + " is not one this optimizer updates.");
    }

    /** Copies every weight's values into its heap copy: the start of a run of {@link #stepInHeap(List)}. */
    void readIntoHeap() {
        for (int i = 0; i < weights.size(); i++) {
            Tensors.read(weights.get(i), wScratch.get(i));
        }
    }

    /** Copies every heap copy back into its weight: after a run of {@link #stepInHeap(List)}. */
    void writeFromHeap() {
        for (int i = 0; i < weights.size(); i++) {
            Tensors.write(weights.get(i), wScratch.get(i));
        }
    }

    /**
     * One step of {@link #step(List)} on the heap copies alone, from gradients written into
     * {@link #heapGradients} (by {@code JavaPass}): the same update, bit for bit, without copies in and out of
     * the engine's memory. The weights themselves change only at {@link #writeFromHeap()}.
     *
     * @param masks each weight's 0/1 mask (see {@link #step(List)})
     * @throws IllegalStateException if a weight does not take the Java loop ({@link #allInHeap()})
     */
    void stepInHeap(List<NDArray> masks) {
        if (!allInHeap()) {
            throw new IllegalStateException("A weight of this optimizer is not a float32 CPU array: it cannot be updated"
                    + " in the heap.");
        }
        float[] scale = nextStep();
        for (int i = 0; i < weights.size(); i++) {
            NDArray mask = masks == null ? null : masks.get(i);
            update(wScratch.get(i), gScratch.get(i), mj.get(i), vj.get(i), weightDecay, scale[0], scale[1],
                    mask == null ? null : maskValues(i, mask));
        }
    }

    /** Counts a step; @return its step size and ε for the unscaled moments, {@code {step, eps}} */
    private float[] nextStep() {
        t++;
        double bias1 = 1 - Math.pow(BETA1, t);
        double bias2 = 1 - Math.pow(BETA2, t);
        // m̂/(√v̂+ε) = (1−β₁)M/bias1 / (c·(√V + ε/c)) with c = √((1−β₂)/bias2)
        double c = Math.sqrt((1 - BETA2) / bias2);
        return new float[] {(float) (learningRate * (1 - BETA1) / bias1 / c), (float) (EPSILON / c)};
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
     * The Java loop for one parameter: its values and gradient copied into the heap (straight from
     * the tensors' own native memory when it is one dense block in logical order, else through
     * DJL's copies), updated by {@link #update}, written back, and the gradient zeroed.
     */
    private void javaUpdate(int i, NDArray w, NDArray g, float step, float eps, float[] mask,
            EmbeddingGradients rows) {
        if (inPlace.get(i) == null) {
            inPlace.set(i, Tensors.writesThrough(w, Tensors.floats(w)) && Tensors.writesThrough(g, Tensors.floats(g)));
        }
        if (inPlace.get(i)) {
            // bulk copies in and out (memcpy speed): the loop then runs over plain arrays, which the
            // JIT vectorises (over a direct buffer it goes one element at a time, ~3x slower)
            FloatBuffer wb = Tensors.floats(w);
            float[] values = wScratch.get(i);
            float[] grads = gScratch.get(i);
            wb.get(0, values);
            Tensors.floats(g).get(0, grads);
            if (rows != null) {
                rows.addTo(w, grads);
            }
            update(values, grads, mj.get(i), vj.get(i), weightDecay, step, eps, mask);
            wb.put(0, values);
        } else {
            // a strided tensor (a view, a transposed weight): DJL hands out a copy of its values
            float[] values = w.toFloatArray();
            float[] grads = g.toFloatArray();
            if (rows != null) {
                rows.addTo(w, grads);
            }
            update(values, grads, mj.get(i), vj.get(i), weightDecay, step, eps, mask);
            w.set(values);
        }
        JniUtils.zeroGrad((PtNDArray) w);
    }

    /** @return the values of weight {@code i}'s mask in the heap, copied when the mask is a new array */
    private float[] maskValues(int i, NDArray mask) {
        if (maskSeen[i] != mask) {
            if (!mask.getShape().equals(weights.get(i).getShape())) {
                throw new IllegalArgumentException("Mask shape " + mask.getShape() + " does not match the weight's "
                        + weights.get(i).getShape() + ".");
            }
            maskValues[i] = mask.toFloatArray(); // PruneKit's masks are float32
            maskSeen[i] = mask;
        }
        return maskValues[i];
    }

    /**
     * The update over plain arrays, the NDArray form's operations one value at a time: with weight
     * decay {@code g ← w·wd + g} first, then {@code M ← β₁M + g}, {@code V ← β₂V + g²} and
     * {@code w ← w − M/(√V + ε)·step}, times the mask if there is one. Each loop is a plain
     * element-wise pass, which the JIT compiles to vector instructions with the same IEEE results
     * as one element at a time.
     */
    private static void update(float[] w, float[] g, float[] mom, float[] sq, float weightDecay, float step, float eps,
            float[] mask) {
        int n = mom.length;
        if (weightDecay > 0) {
            for (int j = 0; j < n; j++) {
                g[j] = w[j] * weightDecay + g[j];
            }
        }
        if (mask == null) {
            plain(w, g, mom, sq, step, eps);
        } else {
            masked(w, g, mom, sq, step, eps, mask);
        }
    }

    /*
     * The two loops are methods of their own: the JIT compiles each with its own profile. As two branches of one
     * method, the one not taken while the method was first compiled (the masked loop, when a dense net trained
     * first) ran some 10x slower afterwards (1.3 ms instead of 0.1 ms per LeNet-300-100 step).
     */
    private static void plain(float[] w, float[] g, float[] mom, float[] sq, float step, float eps) {
        for (int j = 0; j < mom.length; j++) {
            w[j] = stepped(j, w, g, mom, sq, step, eps);
        }
    }

    private static void masked(float[] w, float[] g, float[] mom, float[] sq, float step, float eps, float[] mask) {
        for (int j = 0; j < mom.length; j++) {
            w[j] = stepped(j, w, g, mom, sq, step, eps) * mask[j];
        }
    }

    /** One value's update: its moments in place, its new value returned (inlined into the loops by the JIT). */
    private static float stepped(int j, float[] w, float[] g, float[] mom, float[] sq, float step, float eps) {
        float gj = g[j];
        float mm = mom[j] * BETA1 + gj;
        float vv = sq[j] * BETA2 + gj * gj;
        mom[j] = mm;
        sq[j] = vv;
        return w[j] - mm / ((float) Math.sqrt(vv) + eps) * step;
    }

    @Override
    public void close() {
        state.close();
    }
}
