package org.prunekit.course;

import org.prunekit.data.DataSplit;
import org.prunekit.model.Net;
import org.prunekit.train.History;

/**
 * What an assignment's set-up hands to the notebook: the data, a copy of the trained model (the
 * checks keep their own copy, which no notebook cell can reach) and its training history.
 *
 * @param data the data every exercise and check uses
 * @param trained the student's copy of the trained model
 * @param history its training history
 * @param denseAccuracy its test accuracy
 */
public record Start(DataSplit data, Net trained, History history, double denseAccuracy) {

    @Override
    public String toString() {
        return String.format("%s: %,d parameters, trained on %,d images; dense test accuracy %.4f on %,d images",
                trained.name(), trained.parameterCount(), data.train().size(), denseAccuracy, data.test().size());
    }
}
