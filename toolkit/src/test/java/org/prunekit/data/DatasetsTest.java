package org.prunekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prunekit.PruneKit;

class DatasetsTest {

    private static final Path REPO = Path.of(System.getProperty("prunekit.repo", ".."));

    @Test
    void mnistSplitHasTheDocumentedCountsAndBalance() {
        DataSplit d = Datasets.mnist().build();
        assertEquals(8000, d.train().size());
        assertEquals(2000, d.test().size());
        // per-class counts as written by datasets/mnist/convert.py (80/20 of each class)
        assertArrayEquals(new int[] {801, 902, 793, 826, 784, 690, 811, 856, 755, 782}, d.train().classCounts());
        assertArrayEquals(new int[] {200, 225, 198, 206, 196, 173, 203, 214, 189, 196}, d.test().classCounts());
        for (int c = 0; c < 10; c++) {
            int total = d.train().classCounts()[c] + d.test().classCounts()[c];
            assertEquals(0.8, d.train().classCounts()[c] / (double) total, 0.002, "class " + c);
        }
        assertEquals(new Shape(1, 28, 28), d.train().imageShape());
    }

    @Test
    void pixelsAreScaledToUnitRangeAndLookLikeDigits() {
        ImageSet train = Datasets.mnist().build().train();
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        double mean = 0;
        for (int i = 0; i < 500; i++) {
            for (float p : train.image(i)) {
                min = Math.min(min, p);
                max = Math.max(max, p);
                mean += p;
            }
        }
        mean /= 500 * 784;
        assertEquals(0f, min);
        assertEquals(1f, max);
        assertEquals(0.13, mean, 0.02, "MNIST's mean pixel is about 0.13");
    }

    @Test
    void theEmbeddedFilesMatchTheRepositoryCopy() throws IOException {
        Path dir = REPO.resolve("datasets/mnist");
        DataSplit fromRepo = Datasets.mnist(dir).build();
        DataSplit embedded = Datasets.mnist().build();
        assertArrayEquals(fromRepo.test().labels(), embedded.test().labels());
        assertArrayEquals(fromRepo.train().image(7), embedded.train().image(7));
        assertTrue(Files.readString(dir.resolve("SHA256SUMS")).contains("train-images-idx3-ubyte.gz"));
    }

    @Test
    void limitIsSeededAndKeepsClassesMixed() {
        DataSplit a = Datasets.mnist().optLimit(1000).optTestLimit(300).optSeed(7).build();
        DataSplit b = Datasets.mnist().optLimit(1000).optTestLimit(300).optSeed(7).build();
        DataSplit c = Datasets.mnist().optLimit(1000).optSeed(8).build();
        assertEquals(1000, a.train().size());
        assertEquals(300, a.test().size());
        assertArrayEquals(a.train().labels(), b.train().labels());
        assertNotEquals(Arrays.toString(a.train().labels()), Arrays.toString(c.train().labels()));
        assertTrue(Arrays.stream(a.train().classCounts()).allMatch(n -> n > 60), Arrays.toString(a.train().classCounts()));
        assertThrows(IllegalArgumentException.class, () -> Datasets.mnist().optLimit(-1));
        assertThrows(IllegalArgumentException.class, () -> Datasets.mnist().optBatchSize(0));
    }

    @Test
    void batchesTakeTheModelsInputShape() {
        PruneKit.init();
        ImageSet test = Datasets.mnist().build().test();
        int[] order = {5, 6, 7};
        try (NDManager m = NDManager.newBaseManager()) {
            NDList flat = test.batch(m, order, 0, 3, new Shape(784));
            assertEquals(new Shape(3, 784), flat.get(0).getShape());
            assertEquals(new Shape(3), flat.get(1).getShape());
            assertEquals(test.label(6), flat.get(1).getLong(1));
            NDList image = test.batch(m, order, 1, 3, new Shape(1, 28, 28));
            assertEquals(new Shape(2, 1, 28, 28), image.get(0).getShape());
            assertEquals(test.image(6)[300], image.get(0).get(0).flatten().getFloat(300), 1e-7);
            // batches are copies: building another batch does not change an earlier one
            test.batch(m, new int[] {1, 2, 3}, 0, 3, new Shape(784));
            assertEquals(test.image(5)[300], flat.get(0).get(0).getFloat(300), 1e-7);
            assertEquals(test.label(7), flat.get(1).getLong(2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> test.batch(m, order, 0, 3, new Shape(3, 32, 32)));
            assertTrue(e.getMessage().contains("28x28"), e.getMessage());
        }
    }

    @Test
    void fashionMnistIsTheFullDebianSet() {
        DataSplit d = Datasets.fashionMnist().build();
        assertEquals(60000, d.train().size());
        assertEquals(10000, d.test().size());
        assertTrue(Arrays.stream(d.train().classCounts()).allMatch(n -> n == 6000));
        assertTrue(Arrays.stream(d.test().classCounts()).allMatch(n -> n == 1000));
        assertEquals("Ankle boot", d.train().classNames().get(9));
    }

    @Test
    void missingFolderSaysHowToInstall(@TempDir Path tmp) {
        DatasetException e = assertThrows(DatasetException.class,
                () -> Datasets.fashionMnist(tmp.resolve("nowhere")).build());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void missingFileIsNamed(@TempDir Path tmp) throws IOException {
        copyMnist(tmp);
        Files.delete(tmp.resolve("t10k-labels-idx1-ubyte.gz"));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.mnist(tmp).build());
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("convert.py"), e.getMessage());
    }

    @Test
    void corruptFilesAreNamed(@TempDir Path tmp) throws IOException {
        copyMnist(tmp);
        Path images = tmp.resolve("train-images-idx3-ubyte.gz");
        byte[] gz = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(gz, gz.length / 3));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.mnist(tmp).build());
        assertTrue(e.getMessage().contains(images.toString()), e.getMessage());
    }

    @Test
    void imageAndLabelCountsMustAgree(@TempDir Path tmp) throws IOException {
        copyMnist(tmp);
        Files.write(tmp.resolve("t10k-labels-idx1-ubyte.gz"), IdxTest.gzip(IdxTest.idx(8, new int[] {3},
                new byte[] {1, 2, 3})));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.mnist(tmp).build());
        assertTrue(e.getMessage().contains("holds 2000 images but"), e.getMessage());
        assertTrue(e.getMessage().contains("holds 3 labels"), e.getMessage());
    }

    @Test
    void wrongImageRankAndBadLabelsAreErrors(@TempDir Path tmp) throws IOException {
        copyMnist(tmp);
        Files.write(tmp.resolve("t10k-images-idx3-ubyte.gz"), IdxTest.idx(8, new int[] {2, 784}, new byte[2 * 784]));
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.mnist(tmp).build())
                .getMessage().contains("3 dimensions"));
        copyMnist(tmp);
        Files.write(tmp.resolve("t10k-labels-idx1-ubyte.gz"), IdxTest.idx(8, new int[] {2000}, filled(2000, 12)));
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.mnist(tmp).build())
                .getMessage().contains("label 12"));
    }

    @Test
    void emptyDataSetsAndWrongImageSizesAreErrors(@TempDir Path tmp) throws IOException {
        copyMnist(tmp);
        Files.write(tmp.resolve("t10k-images-idx3-ubyte.gz"), IdxTest.idx(8, new int[] {0, 28, 28}, new byte[0]));
        Files.write(tmp.resolve("t10k-labels-idx1-ubyte.gz"), IdxTest.idx(8, new int[] {0}, new byte[0]));
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.mnist(tmp).build())
                .getMessage().contains("is empty"));
        // train 28x28 but test 32x32: refused when loading, naming both files
        copyMnist(tmp);
        Files.write(tmp.resolve("t10k-images-idx3-ubyte.gz"), IdxTest.idx(8, new int[] {2000, 32, 32},
                new byte[2000 * 32 * 32]));
        DatasetException mixed = assertThrows(DatasetException.class, () -> Datasets.mnist(tmp).build());
        assertTrue(mixed.getMessage().contains("(1, 28, 28)") && mixed.getMessage().contains("(1, 32, 32)"),
                mixed.getMessage());
        assertTrue(mixed.getMessage().contains("t10k-images-idx3-ubyte.gz"), mixed.getMessage());
        // 32x32 images load, but a model built for 28x28 refuses them with a reason
        Files.write(tmp.resolve("train-images-idx3-ubyte.gz"), IdxTest.idx(8, new int[] {8000, 32, 32},
                new byte[8000 * 32 * 32]));
        ImageSet test = Datasets.mnist(tmp).build().test();
        assertEquals(new Shape(1, 32, 32), test.imageShape());
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> test.batch(m, new int[] {0}, 0, 1, new Shape(784)));
            assertTrue(e.getMessage().contains("32x32"), e.getMessage());
        }
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static void copyMnist(Path to) throws IOException {
        try (var files = Files.list(REPO.resolve("datasets/mnist"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".gz")).toList()) {
                Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
