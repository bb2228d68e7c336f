package org.prunekit.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Labelled texts for a text classifier: split stratified and seeded (each class keeps its share in
 * both parts; {@link #optTestFraction}, default 0.2, {@code optSeed}, default 42), cut into tokens
 * ({@link #optTokenizer}, default characters), numbered by a {@link Vocabulary} fitted on the
 * training part only (with {@value Vocabulary#PAD} and {@value Vocabulary#UNKNOWN}, so test texts
 * may hold tokens never seen in training) or given, and cut or padded to {@link #optMaxLength}
 * tokens ({@link TextSet}). The shipped task is {@link Datasets#spamAssassin()}; your own texts go
 * through {@link Datasets#fromTexts(List, int[], List)}. Besides these, the settings of every
 * {@link TextSource}.
 *
 * <pre>{@code
 * TextSplit mail = Datasets.spamAssassin().optMaxLength(256).build();
 * mail.train().classCounts();   // [3284, 1409]: ham, spam
 * TextSplit mine = Datasets.fromTexts(texts, labels, List.of("negative", "positive")).optTokenizer(Tokenizer.WORDS).build();
 * }</pre>
 */
public final class TextClassification extends TextSource<TextClassification, TextSplit> {

    /** The longest sequence a classifier may take. */
    public static final int MAX_LENGTH = 4096;

    private final Supplier<Labelled> read;
    private final String source;
    private int maxLength = 256;
    private double testFraction = 0.2;

    /** Texts, their class labels and the class names. */
    record Labelled(List<String> texts, int[] labels, List<String> classNames) {}

    TextClassification(String name, String source, Supplier<Labelled> read) {
        super(name);
        this.source = source;
        this.read = read;
    }

    /** Your own texts, checked when built. */
    static TextClassification of(List<String> texts, int[] labels, List<String> classNames) {
        List<String> t = new ArrayList<>(texts);
        int[] l = labels.clone();
        List<String> names = List.copyOf(classNames);
        return new TextClassification("texts", t.size() + " given texts", () -> new Labelled(t, l, names));
    }

    /**
     * @param tokens the length of every sequence: longer texts are cut, shorter ones padded
     *     (default 256, at most {@value #MAX_LENGTH})
     * @return this source
     */
    public TextClassification optMaxLength(int tokens) {
        this.maxLength = checkTokens(tokens, MAX_LENGTH, "A sequence");
        return this;
    }

    /**
     * @param fraction each class's share put into the test part, strictly between 0 and 1 (default 0.2)
     * @return this source
     */
    public TextClassification optTestFraction(double fraction) {
        if (fraction > 0 && fraction < 1) {
            this.testFraction = fraction;
            return this;
        }
        throw new IllegalArgumentException("The test fraction of a text split is in (0, 1), got " + fraction + ".");
    }

    @Override
    public TextSplit build() {
        Labelled data = read.get();
        if (data.texts().size() != data.labels().length) {
            throw new DatasetException(name + ": " + data.texts().size() + " texts but " + data.labels().length
                    + " labels. Give one label per text.");
        }
        List<String> names = Checks.classNames(name, data.classNames());
        Checks.labels(name, data.labels(), names);
        int[][] parts = Splits.stratified(name, data.labels(), names, testFraction, seed,
                "give more texts of that class");
        List<String> trainTexts = pick(data.texts(), parts[0]);
        Vocabulary v = vocabulary(trainTexts, true, true);
        if (v.padId() != 0) {
            throw new DatasetException(name + ": the given vocabulary has no " + Vocabulary.PAD + " token (id 0) to"
                    + " fill short sequences with. Fit one with padding = true.");
        }
        TextSet train = TextSet.encode(name + " train", trainTexts, pick(data.labels(), parts[0]), names, v, maxLength);
        TextSet test = TextSet.encode(name + " test", pick(data.texts(), parts[1]), pick(data.labels(), parts[1]),
                names, v, maxLength);
        if (limit > 0) {
            train = train.limit(limit, seed);
        }
        if (testLimit > 0) {
            test = test.limit(testLimit, seed + 1);
        }
        String provenance = name + " from " + source + "\n  label:    " + names.size() + " classes " + names
                + "\n  split:    stratified random split, test fraction " + testFraction + ", seed " + seed
                + (limit > 0 || testLimit > 0 ? ", then at most " + (limit > 0 ? limit : "all") + " train / "
                        + (testLimit > 0 ? testLimit : "all") + " test texts kept" : "")
                + ": train " + train.size() + " " + Arrays.toString(train.classCounts()) + ", test " + test.size()
                + " " + Arrays.toString(test.classCounts())
                + "\n  tokens:   " + v.tokenizer().label() + ", vocabulary " + vocabularySource() + ", sequences cut or"
                + " padded to " + maxLength;
        return new TextSplit(train, test, v, batchSize, seed, provenance);
    }

    private static List<String> pick(List<String> all, int[] indices) {
        List<String> out = new ArrayList<>(indices.length);
        for (int i : indices) {
            out.add(all.get(i));
        }
        return out;
    }

    private static int[] pick(int[] all, int[] indices) {
        return Arrays.stream(indices).map(i -> all[i]).toArray();
    }
}
