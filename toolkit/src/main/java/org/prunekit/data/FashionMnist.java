package org.prunekit.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST: 60,000 training and 10,000 test images {@code (1, 28, 28)} of ten kinds of
 * garment ({@code "T-shirt/top"} ... {@code "Ankle boot"}), as installed by the Debian package
 * {@code dataset-fashion-mnist} in {@value #DEFAULT_DIR}, or in the folder named by
 * {@code $}{@value #ENV}, or any folder holding the four original {@code *-ubyte.gz} files. Get
 * one with {@link Datasets#fashionMnist()} or {@link Datasets#fashionMnist(Path)}; the settings
 * are those of every {@link IdxSource}.
 *
 * <pre>{@code
 * DataSplit fashion = Datasets.fashionMnist().optLimit(6000).optTestLimit(1000).build();
 * }</pre>
 */
public final class FashionMnist extends IdxSource<FashionMnist> {

    /** Where Debian's {@code dataset-fashion-mnist} installs its files. */
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

    /** Environment variable that points to another Fashion-MNIST folder. */
    public static final String ENV = "PRUNEKIT_FASHION_MNIST";

    private static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final String HINT = "Install Fashion-MNIST with `sudo apt-get install"
            + " dataset-fashion-mnist` (or run toolkit/bin/setup), or point " + ENV
            + " / Datasets.fashionMnist(Path) to a folder holding the four original *-ubyte.gz files.";

    private FashionMnist(Path dir) {
        super("Fashion-MNIST", dir, null, CLASSES, HINT);
    }

    /** The files in {@code $PRUNEKIT_FASHION_MNIST}, else in {@value #DEFAULT_DIR}. */
    static FashionMnist installed() {
        String env = System.getenv(ENV);
        return in(Path.of(env == null || env.isBlank() ? DEFAULT_DIR : env));
    }

    /** The four original files in {@code dir}. */
    static FashionMnist in(Path dir) {
        return new FashionMnist(dir);
    }
}
