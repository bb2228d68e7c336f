package org.prunekit.data;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * A source of examples and the builder of its train/test {@link DataSplit}: the settings every
 * source shares, so that each exists once. Every way into data in {@link Datasets} returns a
 * subclass: {@link Mnist}, {@link FashionMnist}, {@link IdxFolder} (whose parts are separate
 * files), {@link TableSource} and {@link ArraySource} (which split one collection themselves, see
 * {@link StratifiedSource}).
 *
 * <p>{@code opt*} settings are optional and checked at once; {@link #build()} reads and checks
 * the data, makes the split and records how in its {@link DataSplit#provenance() provenance}.
 * Nothing given to a source (tables, arrays, files) is ever changed.
 *
 * <pre>{@code
 * DataSplit digits = Datasets.mnist().optBatchSize(32).optLimit(2000).optTestLimit(500).optSeed(7).build();
 * DataSplit mine = Datasets.fromArrays(rows, labels).optName("sensors").optClassNames("off", "on").build();
 * }</pre>
 *
 * <p>The classes: labels are class indices {@code 0..k-1} (for tables, see
 * {@link TableSource}); {@link #optClassNames(String...)} names them and so fixes their count,
 * {@link #optNumClasses(int)} gives the count alone (classes {@code "0".."k-1"}) when some
 * classes may have no examples. Without either, a source uses its own names (MNIST's digits,
 * Fashion-MNIST's garments, a table's label values) or the largest label + 1.
 *
 * @param <B> the source's own type, so that settings chain
 */
public abstract class DataSource<B extends DataSource<B>> extends Source<B, DataSplit> {

    /** The class names given with {@link #optClassNames} or the source's own; null if neither. */
    List<String> classNames;
    /** The class count given with {@link #optNumClasses}; 0 if none. */
    int numClasses;

    DataSource(String name, List<String> ownClassNames) {
        super(name);
        this.classNames = ownClassNames;
    }

    /**
     * @param names the class names, indexed by label (also fixes the class count; default: the
     *     source's own names, or {@code "0".."k-1"})
     * @return this source
     */
    public B optClassNames(String... names) {
        return optClassNames(Arrays.asList(names));
    }

    /**
     * @param names the class names, indexed by label (also fixes the class count; default: the
     *     source's own names, or {@code "0".."k-1"})
     * @return this source
     */
    public B optClassNames(List<String> names) {
        this.classNames = Checks.classNames(name, names);
        return self();
    }

    /**
     * @param numClasses the class count, if some classes may have no examples (default: the
     *     number of class names, else the largest label + 1); classes are then named
     *     {@code "0".."k-1"} unless named with {@link #optClassNames}
     * @return this source
     */
    public B optNumClasses(int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("A classifier needs at least 2 classes, got " + numClasses + ".");
        }
        this.numClasses = numClasses;
        return self();
    }

    /**
     * Reads and checks the data and makes the split. Nothing given to the source is changed.
     *
     * @return the train/test split, with its {@link DataSplit#provenance() provenance}
     * @throws DatasetException if the data is missing, corrupt or unusable (the message says
     *     what, where and how to fix it)
     */
    @Override
    public abstract DataSplit build();

    /**
     * The classes of labels that are class indices: the names, else {@code "0".."k-1"} for the
     * class count given, else for {@code implied} (computed only then).
     */
    List<String> classes(IntSupplier implied) {
        if (classNames != null) {
            if (numClasses > 0 && numClasses != classNames.size()) {
                throw new DatasetException(name + ": " + classNames.size() + " class names but a class count of "
                        + numClasses + ". Give one of them, or make them agree.");
            }
            return classNames;
        }
        return Checks.numberNames(numClasses > 0 ? numClasses : implied.getAsInt());
    }

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
}
