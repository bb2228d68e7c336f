package org.prunekit.data;

import java.nio.file.Path;

/**
 * Images (or any byte tensors) in IDX files, the format of MNIST, in any folder: KMNIST, EMNIST,
 * your own conversions. By default the four MNIST names ({@code train-images-idx3-ubyte.gz},
 * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz},
 * {@code t10k-labels-idx1-ubyte.gz}; each gzipped or not), other names with {@link #optFiles}.
 * The class count is the largest label + 1 unless given with {@link #optNumClasses} or
 * {@link #optClassNames}; the training part needs examples of two classes at least. Get one
 * with {@link Datasets#idx(Path)}; the settings are those of every {@link IdxSource}.
 *
 * <pre>{@code
 * DataSplit kmnist = Datasets.idx(Path.of("/data/kmnist")).optClassNames("o", "ki", "su", ...).build();
 * }</pre>
 */
public final class IdxFolder extends IdxSource<IdxFolder> {

    private IdxFolder(Path dir) {
        super("IDX data (" + dir + ")", dir, null, null, "Check that " + dir + " holds the train and test"
                + " image and label files (by default MNIST's names " + MNIST_FILES + ", gzipped or not); for other"
                + " names use optFiles(trainImages, trainLabels, testImages, testLabels).");
    }

    /** The IDX files in {@code dir}. */
    static IdxFolder in(Path dir) {
        return new IdxFolder(dir);
    }
}
