package org.prunekit.model;

import ai.djl.ndarray.types.Shape;

/**
 * The model catalogue: the small classifiers of the pruning literature for 28x28 grey images
 * and 10 classes, and small models for text (token ids in, see {@link org.prunekit.data.Examples}). Each factory returns a freshly initialised {@link Net}; the seed (default
 * {@value #DEFAULT_SEED}) fixes the initial weights.
 *
 * <table>
 *   <caption>Catalogue</caption>
 *   <tr><th>factory</th><th>layers</th><th>parameters</th></tr>
 *   <tr><td>{@link #lenet300100()}</td><td>784-300-100-10, ReLU (Han et al. 2015)</td><td>266,610</td></tr>
 *   <tr><td>{@link #lenet5()}</td><td>conv 6@5x5 (pad 2), pool, conv 16@5x5, pool, 120, 84, 10</td><td>61,706</td></tr>
 *   <tr><td>{@link #mlp(int...)}</td><td>784, the hidden sizes given, 10</td><td>depends</td></tr>
 *   <tr><td>{@link #smallCnn()}</td><td>conv 16@3x3+BN, pool, conv 32@3x3+BN, pool, 64, 10 (Fashion-MNIST)</td><td>106,058 (incl. BN running statistics)</td></tr>
 *   <tr><td>{@link #resNet8()}</td><td>conv 16@3x3+BN, pool, residual blocks 16, 32/2, 64/2 (projection shortcuts), global average pool, 10 (Fashion-MNIST)</td><td>78,426 (incl. BN running statistics)</td></tr>
 *   <tr><td>{@link #textClassifier(int, int, int)}</td><td>token embedding 64, mean over time, 64, classes (texts, e.g. SpamAssassin)</td><td>64·vocabulary + 4,160 + 65·classes</td></tr>
 *   <tr><td>{@link #bigramLm(int, int)}</td><td>token embedding 64, per position 128, vocabulary: a language model that sees one token (a baseline)</td><td>64·V + 8,320 + 129·V</td></tr>
 *   <tr><td>{@link #tinyTransformerLm(int, int)}</td><td>token embedding 96 + position embedding, 2 pre-LN transformer blocks (4 causal heads, MLP 384), layer norm, vocabulary</td><td>about 230,000 + 200·V</td></tr>
 *   <tr><td>{@link #lstmLm(int, int)}</td><td>token embedding 64, LSTM 256, vocabulary</td><td>about 330,000 + 321·V</td></tr>
 * </table>
 *
 * <p>Own architectures are built with {@link #sequential(String, Shape)}, which reads like the
 * model; DJL blocks are imported with {@link Net#of(ai.djl.nn.SequentialBlock, Shape, int)}.
 */
public final class Models {

    /** The seed used when none is given. */
    public static final long DEFAULT_SEED = 42;

    private static final int CLASSES = 10;
    private static final Shape FLAT = new Shape(28 * 28);
    private static final Shape IMAGE = new Shape(1, 28, 28);

    private Models() {}

    /**
     * Starts a net of your own, layer by layer (see {@link NetBuilder}):
     * {@code Models.sequential("MyCNN", new Shape(1, 28, 28)).conv(16, 3).relu().maxPool(2).flatten().dense(10).build(42)}.
     *
     * @param name the net's name
     * @param inputShape the shape of one input without the batch axis: {@code (features)} or
     *     {@code (channels, height, width)}
     * @return the builder
     */
    public static NetBuilder sequential(String name, Shape inputShape) {
        return new NetBuilder(name, inputShape);
    }

    /**
     * @param name the net's name
     * @param inputShape the shape of one input without the batch axis, e.g. {@code 1, 28, 28} or {@code 30}
     * @return the builder
     */
    public static NetBuilder sequential(String name, long... inputShape) {
        return new NetBuilder(name, new Shape(inputShape));
    }

    /** @return LeNet-300-100 with the default seed */
    public static Net lenet300100() {
        return lenet300100(DEFAULT_SEED);
    }

    /**
     * @param seed the initialisation seed
     * @return LeNet-300-100: 784-300-100-10 fully connected with ReLU
     */
    public static Net lenet300100(long seed) {
        return mlp("LeNet-300-100", seed, 300, 100);
    }

    /**
     * A multilayer perceptron with the given hidden sizes, e.g. {@code mlp(96)} for 784-96-10.
     *
     * @param hidden the hidden layer sizes (at least one)
     * @return the MLP with the default seed
     */
    public static Net mlp(int... hidden) {
        StringBuilder name = new StringBuilder("MLP-784");
        for (int h : hidden) {
            name.append('-').append(h);
        }
        return mlp(name.append("-10").toString(), DEFAULT_SEED, hidden);
    }

    /**
     * @param name the net's name
     * @param seed the initialisation seed
     * @param hidden the hidden layer sizes (at least one, each positive)
     * @return the MLP on 28x28 images (784 inputs) with 10 classes: fc1, relu1, ..., fc(n+1)
     */
    public static Net mlp(String name, long seed, int... hidden) {
        if (hidden.length == 0) {
            throw new IllegalArgumentException("An MLP needs at least one hidden layer size, e.g. mlp(128).");
        }
        NetBuilder b = sequential(name, FLAT);
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("Hidden layer sizes must be positive, got " + h + ".");
            }
            b.dense(h).relu();
        }
        return b.dense(CLASSES).build(seed);
    }

    /** @return LeNet-5 with the default seed */
    public static Net lenet5() {
        return lenet5(DEFAULT_SEED);
    }

    /**
     * @param seed the initialisation seed
     * @return LeNet-5 (ReLU and max pooling, as commonly trained today)
     */
    public static Net lenet5(long seed) {
        return sequential("LeNet-5", IMAGE)
                .conv(6, 5, 1, 2).relu().maxPool(2)
                .conv(16, 5).relu().maxPool(2)
                .flatten()
                .dense(120).relu()
                .dense(84).relu()
                .dense(CLASSES)
                .build(seed);
    }

    /** @return the small CNN with the default seed */
    public static Net smallCnn() {
        return smallCnn(DEFAULT_SEED);
    }

    /**
     * A small CNN with batch normalisation, sized for Fashion-MNIST on a CPU.
     *
     * @param seed the initialisation seed
     * @return the CNN
     */
    public static Net smallCnn(long seed) {
        return sequential("SmallCNN", IMAGE)
                .conv(16, 3, 1, 1).batchNorm().relu().maxPool(2)
                .conv(32, 3, 1, 1).batchNorm().relu().maxPool(2)
                .flatten()
                .dense(64).relu()
                .dense(CLASSES)
                .build(seed);
    }

    /** @return the small ResNet with the default seed */
    public static Net resNet8() {
        return resNet8(DEFAULT_SEED);
    }

    /**
     * A small residual net for 28x28 grey images (Fashion-MNIST) that trains on two CPU cores:
     * a 3x3 stem with 16 channels and max pooling, three ResNet basic blocks of 16, 32 and 64
     * channels (the last two with stride 2 and 1x1 projection shortcuts), global average pooling
     * and a dense output — eight weight layers on the main path, hence the name. The identity
     * shortcut of the first block ties the stem's channels to the block's: structured pruning
     * removes them as one group (see {@link Net#channelGroups()}).
     *
     * @param seed the initialisation seed
     * @return the ResNet
     */
    public static Net resNet8(long seed) {
        return sequential("ResNet-8", IMAGE)
                .conv(16, 3, 1, 1, false).batchNorm().relu().maxPool(2)
                .residual(16, 1)
                .residual(32, 2)
                .residual(64, 2)
                .globalAvgPool()
                .dense(CLASSES)
                .build(seed);
    }

    /**
     * @param vocabulary the number of token ids ({@code split.vocabulary().size()})
     * @param length tokens per text (the split's sequence length)
     * @param classes the number of classes
     * @return the text classifier with the default seed
     * @see #textClassifier(int, int, int, long)
     */
    public static Net textClassifier(int vocabulary, int length, int classes) {
        return textClassifier(vocabulary, length, classes, DEFAULT_SEED);
    }

    /**
     * A small text classifier (fastText style): every token embedded in 64 values, the mean over
     * the text ({@link NetBuilder#timePool()}), a hidden layer of 64 with ReLU and one output per
     * class. It reads texts of {@code length} token ids; shorter ones are padded.
     *
     * <pre>{@code
     * TextSplit mail = Datasets.spamAssassin().optTokenizer(Tokenizer.WORDS).optMaxLength(200).build();
     * Net net = Models.textClassifier(mail.vocabulary().size(), 200, mail.numClasses());
     * net.fit(mail, TrainConfig.epochs(3));
     * }</pre>
     *
     * @param vocabulary the number of token ids
     * @param length tokens per text
     * @param classes the number of classes
     * @param seed the initialisation seed
     * @return the classifier
     */
    public static Net textClassifier(int vocabulary, int length, int classes, long seed) {
        return sequential("TextClassifier", length).embedding(vocabulary, 64).timePool().dense(64).relu()
                .dense(classes).build(seed);
    }

    /**
     * @param vocabulary the number of token ids
     * @param window tokens per window (the split's window)
     * @return the bigram language model with the default seed
     * @see #bigramLm(int, int, long)
     */
    public static Net bigramLm(int vocabulary, int window) {
        return bigramLm(vocabulary, window, DEFAULT_SEED);
    }

    /**
     * The simplest neural language model: at every position the next token is predicted from the
     * current token alone (its embedding of 64 values, a hidden layer of 128 with ReLU, one score
     * per token of the vocabulary), so it can learn the bigram statistics and no more. A baseline
     * between the unigram frequencies and models that read the context.
     *
     * @param vocabulary the number of token ids ({@code split.vocabulary().size()})
     * @param window tokens per window
     * @param seed the initialisation seed
     * @return the language model, output {@code (window, vocabulary)}
     */
    public static Net bigramLm(int vocabulary, int window, long seed) {
        return sequential("BigramLM", window).embedding(vocabulary, 64).dense(128).relu().dense(vocabulary)
                .build(seed);
    }

    /**
     * @param vocabulary the number of token ids
     * @param window tokens per window (the split's window; the longest sequence the net reads)
     * @return the tiny transformer language model with the default seed
     * @see #tinyTransformerLm(int, int, long)
     */
    public static Net tinyTransformerLm(int vocabulary, int window) {
        return tinyTransformerLm(vocabulary, window, DEFAULT_SEED);
    }

    /**
     * A tiny causal transformer language model (GPT-2's pre-LN layout): token embedding of 96
     * values plus a learned position embedding, two transformer blocks (4 causal attention heads of
     * 24, an MLP of 384 GELU units), a final layer norm and one score per token at every position.
     * About 230,000 parameters plus 200 per token of the vocabulary: a few minutes of training on
     * two cores for a character model.
     *
     * @param vocabulary the number of token ids ({@code split.vocabulary().size()})
     * @param window tokens per window
     * @param seed the initialisation seed
     * @return the language model, output {@code (window, vocabulary)}
     */
    public static Net tinyTransformerLm(int vocabulary, int window, long seed) {
        return sequential("TinyTransformerLM", window).embedding(vocabulary, 96).positionEmbedding(window)
                .transformerBlock(4, 384, true).transformerBlock(4, 384, true).layerNorm().dense(vocabulary)
                .build(seed);
    }

    /**
     * @param vocabulary the number of token ids
     * @param window tokens per window
     * @return the LSTM language model with the default seed
     * @see #lstmLm(int, int, long)
     */
    public static Net lstmLm(int vocabulary, int window) {
        return lstmLm(vocabulary, window, DEFAULT_SEED);
    }

    /**
     * An LSTM language model: token embedding of 64 values, one LSTM layer of 256 units (its
     * hidden state at every position carries the context so far), one score per token at every
     * position. About 330,000 parameters plus 321 per token of the vocabulary.
     *
     * @param vocabulary the number of token ids ({@code split.vocabulary().size()})
     * @param window tokens per window
     * @param seed the initialisation seed
     * @return the language model, output {@code (window, vocabulary)}
     */
    public static Net lstmLm(int vocabulary, int window, long seed) {
        return sequential("LstmLM", window).embedding(vocabulary, 64).lstm(256).dense(vocabulary).build(seed);
    }
}
