package org.prunekit.course;

import org.prunekit.data.CorpusSplit;
import org.prunekit.model.Net;

/**
 * What assignment 4 hands out for its language-model exercise: the text, a copy of the trained
 * tiny transformer (the checks keep their own) and its test perplexity.
 *
 * @param text the Moby Dick windows it was trained and is tested on
 * @param trained the student's copy of the trained model
 * @param perplexity its perplexity on {@code text.test()}
 */
public record LmStart(CorpusSplit text, Net trained, double perplexity) {

    @Override
    public String toString() {
        return String.format("%s: %,d parameters, trained on %,d windows of %d characters; test perplexity %.4f on %,d"
                + " windows", trained.name(), trained.parameterCount(), text.train().size(), text.train().window(),
                perplexity, text.test().size());
    }
}
