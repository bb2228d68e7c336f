package org.prunekit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Small NDArray helpers shared by the toolkit. */
public final class Tensors {

    private static final NDIndex ALL = new NDIndex("...");

    private Tensors() {}

    /**
     * Copies every value of {@code from} into {@code into} (same shape), in place. Unlike
     * {@link NDArray#copyTo(NDArray)}, this does not make libtorch print a deprecation warning
     * into the notebook.
     *
     * @param from the source
     * @param into the destination, changed in place
     */
    public static void copy(NDArray from, NDArray into) {
        if (!from.getShape().equals(into.getShape())) {
            throw new IllegalArgumentException("Cannot copy an array of shape " + from.getShape() + " into one of shape "
                    + into.getShape() + ".");
        }
        into.set(ALL, from);
    }

    /**
     * {@code x·factor}, safe inside a gradient collector. Use it instead of DJL's
     * {@code x.mul(number)} / {@code x.div(number)} wherever autograd records the op.
     *
     * <p>DJL turns a Java number into a tensor over a Java direct buffer ({@code torch.from_blob}:
     * memory libtorch does not own), runs the op and closes that tensor at once. Autograd keeps it
     * for the backward pass of a product or quotient (the gradient is multiplied by it), but the
     * buffer is the garbage collector's: a collection between forward and backward frees it, and
     * the backward pass multiplies by whatever lies there. That made the transformer language
     * models' training end in a sudden NaN about once in eight runs (attention's
     * {@code 1/√headSize}, see ScalarLifetimeTest). Here the factor is a tensor that libtorch
     * allocates itself ({@code torch.full}), so autograd's reference keeps it alive.
     *
     * @param x an array
     * @param factor the number to multiply by
     * @return {@code x·factor}, in {@code x}'s manager
     */
    public static NDArray times(NDArray x, double factor) {
        try (NDArray f = x.getManager().full(new ai.djl.ndarray.types.Shape(), (float) factor, x.getDataType())) {
            return x.mul(f);
        }
    }

    /**
     * {@code x/divisor}, safe inside a gradient collector (the divisor a libtorch-owned scalar, as
     * in {@link #times}); the same IEEE quotient as {@code torch.div} by a number.
     *
     * @param x an array
     * @param divisor the number to divide by
     * @return {@code x/divisor}, in {@code x}'s manager
     */
    public static NDArray dividedBy(NDArray x, double divisor) {
        try (NDArray d = x.getManager().full(new ai.djl.ndarray.types.Shape(), (float) divisor, x.getDataType())) {
            return x.div(d);
        }
    }

    /**
     * Batches smaller than this stay in the default layout. A single image gains nothing from
     * channels-last (LeNet-5, SmallCNN, ResNet-8 at batch 1: 1.02-1.07x the default layout's time);
     * from two images on, libtorch runs the default layout's convolutions through oneDNN with reorders
     * around each, and channels-last is faster: 0.66x (SmallCNN) and 0.82x (ResNet-8) at batch 2,
     * 0.51-0.88x at batch 4 (issue 23; the limit was 8 before).
     */
    static final int CHANNELS_LAST_MIN_BATCH = 2;

    /**
     * The same batch of images, laid out channels-last in memory: shape {@code (b, c, h, w)} as
     * before, but the channel values of each pixel side by side (strides of an NHWC array). libtorch
     * picks its layout for a convolution from its input and keeps it through ReLU, pooling and
     * batch normalisation, so one change at the input moves a whole convolutional net onto oneDNN's
     * and ATen's channels-last kernels: fewer reorders around every convolution and a vectorised
     * max pooling (the training benchmark's profile shows the effect per phase). Values and shape
     * are unchanged, and every op and read-back sees the same logical array; flattening before a
     * dense layer copies back to the usual order. Weights keep their layout (so do their gradients,
     * which autograd gives the strides of their weight).
     *
     * <p>A one-channel batch already has that memory order and is only re-described (no copy); a
     * batch of several channels is copied once. Arrays that are not 4-D, and single images (where
     * the layout saves nothing, see {@link #CHANNELS_LAST_MIN_BATCH}), are returned as they are.
     *
     * @param x a batch, e.g. of shape {@code (b, c, h, w)}
     * @return {@code x} itself, or the same values with channels-last strides (in {@code x}'s manager)
     */
    public static NDArray channelsLast(NDArray x) {
        long[] s = x.getShape().getShape();
        if (s.length != 4 || s[0] < CHANNELS_LAST_MIN_BATCH) {
            return x;
        }
        if (s[1] == 1) {
            return x.reshape(s[0], s[2], s[3], 1).transpose(0, 3, 1, 2);
        }
        // the permuted view cannot be flattened in place: reshape copies it in NHWC order
        return x.transpose(0, 2, 3, 1).reshape(s[0], -1).reshape(s[0], s[2], s[3], s[1]).transpose(0, 3, 1, 2);
    }

    /**
     * The values of a float32 CPU array as floats, read in bulk at memcpy speed: for an array that
     * is one dense block this is a view of its own memory, for a strided one (a transposed or
     * sliced view) DJL hands out a contiguous copy (see {@link #writesThrough}). Reading through it
     * is cheaper than {@link NDArray#toFloatArray()}, which copies twice (a 2 MB array: ~40 us
     * against ~240 us).
     *
     * @param a a float32 array on the CPU
     * @return its values in logical order, or null if they are not one block of {@code a.size()} floats
     */
    public static java.nio.FloatBuffer floats(NDArray a) {
        if (a.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32 || !a.getDevice().equals(ai.djl.Device.cpu())
                || a.isSparse()) {
            return null;
        }
        java.nio.ByteBuffer b = ai.djl.pytorch.jni.JniUtils.getByteBuffer((ai.djl.pytorch.engine.PtNDArray) a, true);
        return b.isDirect() && b.capacity() == a.size() * Float.BYTES
                ? b.order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer() : null;
    }

    /**
     * Whether {@code memory} (from {@link #floats}) is the array's own memory, so that a value
     * written into it shows in the array: probed by flipping the lowest bit of the first value and
     * reading it back through the array (restored after). DJL gives an array's own memory only
     * when it is one dense block in logical order; otherwise {@code memory} is a copy and the probe
     * does not show.
     *
     * @param a the array
     * @param memory what {@link #floats} returned for it
     * @return true if writes into {@code memory} change {@code a}
     */
    public static boolean writesThrough(NDArray a, java.nio.FloatBuffer memory) {
        if (memory == null) {
            return false;
        }
        if (a.size() == 0) {
            return true;
        }
        float first = memory.get(0);
        int probe = Float.floatToRawIntBits(first) ^ 1;
        memory.put(0, Float.intBitsToFloat(probe));
        float seen;
        try (NDArray flat = a.reshape(-1)) {
            seen = flat.getFloat(0);
        }
        memory.put(0, first);
        return Float.floatToRawIntBits(seen) == probe;
    }

    /**
     * Copies a float32 CPU array's values into a heap array, in bulk through {@link #floats} where DJL gives a
     * block of them (its own memory or a contiguous copy), else through {@link NDArray#toFloatArray()}.
     *
     * @param a the array
     * @param into at least {@code a.size()} floats; its first {@code a.size()} are overwritten
     */
    public static void read(NDArray a, float[] into) {
        java.nio.FloatBuffer memory = floats(a);
        if (memory != null) {
            memory.get(0, into, 0, Math.toIntExact(a.size()));
        } else {
            System.arraycopy(a.toFloatArray(), 0, into, 0, Math.toIntExact(a.size()));
        }
    }

    /**
     * Writes a heap array's values into an array: straight into its own memory where it is one dense block
     * ({@link #writesThrough}, no temporary array), else through {@link NDArray#set(float[])}.
     *
     * @param a the array
     * @param values {@code a.size()} floats in logical order
     */
    public static void write(NDArray a, float[] values) {
        java.nio.FloatBuffer memory = floats(a);
        if (writesThrough(a, memory)) {
            memory.put(0, values, 0, Math.toIntExact(a.size()));
        } else {
            a.set(values);
        }
    }
}
