package org.prunekit.data;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A data set held in four IDX files (the format of MNIST, see {@link Idx}) whose train and test
 * parts are separate files: training images and labels, test images and labels. Images may be of
 * any size, {@code (n, h, w)} grey or {@code (n, c, h, w)}; values are bytes scaled to [0, 1];
 * labels are bytes, the class indices. Every file is found gzipped or not. Besides
 * {@link #optFiles}, the settings of every {@link DataSource}. Subclasses: {@link Mnist},
 * {@link FashionMnist}, {@link IdxFolder}.
 *
 * <p>Every message about a bad or missing file names the file and ends with the source's hint on
 * how to get a good copy.
 *
 * @param <B> the source's own type, so that settings chain
 */
public abstract class IdxSource<B extends IdxSource<B>> extends DataSource<B> {

    /** MNIST's file names, which every IDX source looks for unless told otherwise with {@link #optFiles}. */
    static final List<String> MNIST_FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    private final Path dir;
    private final String resource;
    private final boolean ownClasses;
    private final String hint;
    private List<String> files = MNIST_FILES;

    /**
     * @param name the data set's name
     * @param dir the folder holding the files; null to read them from the class path
     * @param resource the class-path folder (ending in {@code /}) used when {@code dir} is null
     * @param ownClassNames the source's class names; null if the labels decide
     * @param hint how to get good files, appended to every error message
     */
    IdxSource(String name, Path dir, String resource, List<String> ownClassNames, String hint) {
        super(name, ownClassNames);
        this.dir = dir;
        this.resource = resource;
        this.ownClasses = ownClassNames != null;
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
     * @return this source
     */
    public B optFiles(String trainImages, String trainLabels, String testImages, String testLabels) {
        List<String> f = List.of(trainImages, trainLabels, testImages, testLabels);
        if (f.stream().anyMatch(String::isBlank) || Set.copyOf(f).size() != 4) {
            throw new IllegalArgumentException("Give four different, non-blank file names, got " + f + ".");
        }
        this.files = f;
        return self();
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
        if (!ownClasses) {
            Checks.twoClasses(train.name(), trainLabels, names);
        }
        String source = dir == null
                ? "IDX files embedded in the PruneKit jar (classpath:" + resource + ")"
                : "IDX files in " + dir;
        return finish(train, test, source + " " + files, null, null, List.of(), Standardizer.identity(List.of()),
                Provenance.Split.GIVEN, Double.NaN);
    }

    private List<String> resolveClasses(int[] trainLabels, int[] testLabels) {
        List<String> names = classes(() -> Math.max(2, Checks.impliedClassCount(name, trainLabels, testLabels)));
        int k = names.size();
        String[] parts = {files.get(1), files.get(3)};
        int[][] labels = {trainLabels, testLabels};
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < labels[p].length; i++) {
                if (labels[p][i] >= k) {
                    String fix = ownClasses ? hint : (classNames != null
                            ? "Give " + (labels[p][i] + 1) + " or more class names, or fix the file."
                            : "Give optNumClasses(" + (labels[p][i] + 1) + ") or more, or fix the file.");
                    throw new DatasetException(where(parts[p]) + ": label " + labels[p][i] + " at position " + i
                            + " is not a class of " + name + " (0.." + (k - 1) + "). " + fix);
                }
            }
        }
        return names;
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
            InputStream in = IdxSource.class.getResourceAsStream(resource + file);
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
        return dir == null ? "classpath:" + resource + file : dir.resolve(file).toString();
    }
}
