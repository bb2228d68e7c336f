package org.prunekit.data;

/**
 * A train/test pair of {@link Examples} and how to batch them: the value training, evaluation and
 * the runners take. {@link DataSplit} (images and rows), {@link TextSplit} (labelled texts) and
 * {@link CorpusSplit} (a language model's token windows) implement it, so a text net goes through
 * the same calls as an image net:
 *
 * <pre>{@code
 * TextSplit mail = Datasets.spamAssassin().optMaxLength(256).build();
 * Net net = Models.textClassifier(mail.vocabulary().size(), 256, 2);
 * net.fit(mail, TrainConfig.epochs(3));
 * }</pre>
 */
public interface ExampleSplit {

    /** @return the training examples */
    Examples train();

    /** @return the held-out test examples */
    Examples test();

    /** @return the mini-batch size used for training */
    int batchSize();

    /** @return the seed of any limit and of the shuffling during training */
    long seed();

    /** @return the number of classes (the vocabulary size for a language model) */
    default int numClasses() {
        return train().numClasses();
    }

    /** @return the vocabulary that numbers the tokens, or null for data that are not text */
    default Vocabulary vocabulary() {
        return null;
    }

    /** @return what the targets are */
    default Examples.Task task() {
        return train().task();
    }

    /**
     * @return how the split was made (a {@link Provenance} for images and rows, text for texts),
     *     printed as lines that start with the data's name and {@code " from "} its source
     */
    Object provenance();

    /** @return the name of the data, e.g. {@code "MNIST ..."} or {@code "Moby Dick ..."}, for result records */
    default String dataName() {
        String first = describe().lines().findFirst().orElse("");
        int from = first.indexOf(" from ");
        return from > 0 ? first.substring(0, from) : first;
    }

    /** @return how the split was made: source, split, seed, tokenizer (several lines) */
    default String describe() {
        return provenance().toString();
    }
}
