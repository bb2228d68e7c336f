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
 * Labelled texts as token sequences of one fixed {@link #length()}: each text's token ids, cut
 * after {@code length} tokens or filled up with {@value Vocabulary#PAD} (id 0), and one class label.
 * {@link #tokenCount(int)} says how many tokens of a sequence are real. Made by
 * {@link TextClassification#build()}.
 *
 * <pre>{@code
 * TextSplit mail = Datasets.spamAssassin().optMaxLength(256).build();
 * TextSet test = mail.test();
 * test.text(0);        // the message as read
 * test.sequence(0);    // its 256 token ids
 * test.label(0);       // 0 (ham) or 1 (spam)
 * }</pre>
 */
public final class TextSet implements Examples {

    private final String name;
    private final List<String> texts;
    /** Token ids, {@code length} per text, padding included. */
    private final int[] ids;
    private final int length;
    /** Per text, how many of its ids are tokens of the text. */
    private final int[] counts;
    private final int[] labels;
    private final List<String> classNames;
    /** The id that fills a sequence up ({@value Vocabulary#PAD}). */
    private final int pad;

    private TextSet(String name, List<String> texts, int[] ids, int[] counts, int[] labels, List<String> classNames,
            int pad) {
        if (labels.length == 0) {
            throw new DatasetException(name + " is empty: it holds no texts. Give at least one text per class.");
        }
        this.name = name;
        this.texts = List.copyOf(texts);
        this.length = ids.length / labels.length;
        this.ids = ids;
        this.counts = counts;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        this.pad = pad;
    }

    /** The texts encoded with {@code v} (which must have {@value Vocabulary#PAD}), cut or padded to {@code length}. */
    static TextSet encode(String name, List<String> texts, int[] labels, List<String> classNames, Vocabulary v,
            int length) {
        Checks.labels(name, labels, classNames);
        int pad = v.padId();
        int[] ids = new int[Math.multiplyExact(texts.size(), length)];
        Arrays.fill(ids, pad);
        int[] counts = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            int[] seq;
            try {
                seq = v.encode(texts.get(i));
            } catch (DatasetException e) {
                throw new DatasetException(name + ", text " + i + ": " + e.getMessage(), e);
            }
            counts[i] = Math.min(seq.length, length);
            System.arraycopy(seq, 0, ids, i * length, counts[i]);
        }
        return new TextSet(name, texts, ids, counts, labels.clone(), classNames, pad);
    }

    /** @return a short description such as {@code "SpamAssassin ... train"} */
    @Override
    public String name() {
        return name;
    }

    /**
     * @param i a text index
     * @return the text as read (before tokenising, cutting and padding)
     */
    public String text(int i) {
        return texts.get(i);
    }

    /** @return the number of texts */
    @Override
    public int size() {
        return labels.length;
    }

    /**
     * @param i a text index
     * @return its {@link #length()} token ids, padding included (a copy)
     */
    public int[] sequence(int i) {
        Objects.checkIndex(i, labels.length);
        return Arrays.copyOfRange(ids, i * length, (i + 1) * length);
    }

    /** @return the tokens of every sequence: a model's sequence length */
    public int length() {
        return length;
    }

    /**
     * @param i a text index
     * @return how many of its {@link #length()} ids are tokens of the text; the rest are padding
     */
    public int tokenCount(int i) {
        return counts[Objects.checkIndex(i, counts.length)];
    }

    /**
     * @param i a text index
     * @return its class label, in {@code 0..numClasses()-1}
     */
    public int label(int i) {
        return labels[Objects.checkIndex(i, labels.length)];
    }

    /** @return how many texts each class has, indexed by label */
    public int[] classCounts() {
        int[] c = new int[classNames.size()];
        for (int l : labels) {
            c[l]++;
        }
        return c;
    }

    /** @return the number of classes */
    @Override
    public int numClasses() {
        return classNames.size();
    }

    /**
     * The texts at the given indices, in that order.
     *
     * @param indices text indices
     * @param newName the name of the result
     * @return a new set with the same length and classes
     */
    @Override
    public TextSet select(int[] indices, String newName) {
        String[] t = new String[indices.length];
        int[] id = new int[Math.multiplyExact(indices.length, length)];
        int[] c = new int[indices.length];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], labels.length);
            t[k] = texts.get(i);
            System.arraycopy(ids, i * length, id, k * length, length);
            c[k] = counts[i];
            l[k] = labels[i];
        }
        return new TextSet(newName, List.of(t), id, c, l, classNames, pad);
    }

    /** @return the class names, indexed by label */
    @Override
    public List<String> classNames() {
        return classNames;
    }

    /**
     * @param n the most texts to keep, at least 1
     * @param seed the seed of the draw
     * @return a seeded random subset of at most {@code n} texts (this set if it has no more)
     */
    @Override
    public TextSet limit(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("A row limit must be at least 1, got " + n + ".");
        }
        if (n >= size()) {
            return this;
        }
        return select(Arrays.copyOf(ImageSet.permutation(size(), new Random(seed)), n),
                name + " (" + n + " of " + size() + ")");
    }

    /** @return all labels, in order (a copy) */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * One batch in {@code manager}: token ids of shape {@code (b, length)} and labels of shape
     * {@code (b)}, both int64, for the texts {@code order[from..to)}.
     *
     * @param manager the manager that will own the batch (close it after the batch)
     * @param order text indices
     * @param from first position in {@code order}, inclusive
     * @param to last position in {@code order}, exclusive
     * @return token ids and labels
     */
    public NDList batch(NDManager manager, int[] order, int from, int to) {
        NDList floats = batch(manager, order, from, to, new Shape(length));
        NDArray ids = floats.get(0).toType(DataType.INT64, false);
        floats.get(0).close();
        return new NDList(ids, floats.get(1));
    }

    /** @return the labels, in order (a copy) */
    @Override
    public int[] targets() {
        return labels();
    }

    /**
     * One batch for a net that reads {@code inputShape = (T)} tokens: the token ids as float32
     * {@code (b, T)}, sequences shorter than {@code T} filled up with {@value Vocabulary#PAD}, and
     * the labels as int64 {@code (b)}.
     *
     * @throws IllegalArgumentException if the net reads fewer tokens than the sequences hold, or
     *     does not read a sequence of token ids
     */
    @Override
    public NDList batch(NDManager manager, int[] order, int from, int to, Shape inputShape) {
        int netLength = TokenWindows.sequenceLength(inputShape, name);
        if (netLength < length) {
            throw new IllegalArgumentException(name + " holds sequences of " + length + " tokens but the net reads "
                    + netLength + ": build the split with optMaxLength(" + netLength + ") or the net for " + length
                    + " tokens.");
        }
        Objects.checkFromToIndex(from, to, order.length);
        int b = to - from;
        float[] x = new float[b * netLength];
        java.util.Arrays.fill(x, pad);
        long[] y = new long[b];
        for (int k = 0; k < b; k++) {
            int i = order[from + k];
            for (int t = 0; t < length; t++) {
                x[k * netLength + t] = ids[i * length + t];
            }
            y[k] = labels[i];
        }
        return new NDList(manager.create(x, new Shape(b, netLength)), manager.create(y, new Shape(b)));
    }

    /** @return {@code "texts"} */
    @Override
    public String noun() {
        return "texts";
    }

    @Override
    public String toString() {
        return name + ": " + size() + " texts of " + length + " tokens, " + numClasses() + " classes "
                + classNames + ", per class " + Arrays.toString(classCounts());
    }
}
