package org.prunekit.model;

import java.util.Objects;
import org.prunekit.data.ExampleSplit;
import org.prunekit.data.Vocabulary;
import org.prunekit.model.layers.Embedding;

/**
 * The vocabulary a {@link Net} for text reads, and the checks that data fit it: every embedding
 * has an id for every token, and data numbered by another vocabulary are refused (the same id
 * would mean another token). {@link NetIO} saves it with the weights.
 */
final class NetVocabulary {

    private Vocabulary vocabulary;

    Vocabulary get() {
        return vocabulary;
    }

    void copyFrom(NetVocabulary other) {
        vocabulary = other.vocabulary;
    }

    void set(Net net, Vocabulary v) {
        Objects.requireNonNull(v, "vocabulary");
        for (Layer l : net.layers()) {
            if (l.spec() instanceof Embedding e && e.vocabulary() < v.size()) {
                throw new IllegalArgumentException("The vocabulary has " + v.size() + " tokens but embedding "
                        + l.name() + " of " + net.name() + " reads " + e.vocabulary() + " ids: build the net for the"
                        + " vocabulary's size (e.g. Models.textClassifier(split.vocabulary().size(), ...)).");
            }
        }
        vocabulary = v;
    }

    void prepareFor(Net net, ExampleSplit data) {
        Vocabulary v = data.vocabulary();
        if (v == null) {
            return;
        }
        if (vocabulary != null && !vocabulary.equals(v)) {
            throw new IllegalArgumentException("Net " + net.name() + " reads a vocabulary of " + vocabulary.size()
                    + " " + vocabulary.tokenizer().label() + " but " + data.dataName() + " is numbered by another ("
                    + v.size() + " " + v.tokenizer().label() + "); the same id would mean another token. Build the"
                    + " data with the net's vocabulary: optVocabulary(net.vocabulary()).");
        }
        set(net, v);
    }
}
