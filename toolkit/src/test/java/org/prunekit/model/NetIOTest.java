package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.prune.SparsityReport;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

class NetIOTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(1000).optTestLimit(200).build();

    static float[] outputs(Net net) {
        int[] order = IntStream.range(0, 50).toArray();
        try (NDManager m = net.manager().newSubManager()) {
            NDList b = DATA.test().batch(m, order, 0, 50, net.inputShape());
            return net.forward(b.get(0), false).toFloatArray();
        }
    }

    private static Net prunedLenet300(double sparsity) {
        Net net = Models.lenet300100();
        Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
        Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(sparsity).optScope(Scope.GLOBAL).build()
                .plan(net).apply();
        return net;
    }

    @Test
    void maskedNetRoundTripsInBothFormats(@TempDir Path tmp) {
        try (Net net = prunedLenet300(0.9)) {
            float[] expected = outputs(net);
            for (NetIO.Format f : new NetIO.Format[] {NetIO.Format.DENSE, NetIO.Format.SPARSE}) { // lossless ones
                Path file = tmp.resolve("net-" + f + ".pk");
                NetIO.save(net, file, f);
                try (Net back = NetIO.load(file)) {
                    assertArrayEquals(expected, outputs(back), 0f, f.toString());
                    assertEquals(net.masks().size(), back.masks().size());
                    assertEquals(SparsityReport.of(net).toString(), SparsityReport.of(back).toString());
                    // masks still hold during fine-tuning of the loaded net
                    Training.fit(back, DATA, TrainConfig.epochs(1), Progress.none());
                    assertEquals(0.9, SparsityReport.of(back).sparsity(), 1e-4);
                }
            }
        }
    }

    @Test
    void sparseFileOfANinetyPercentSparseLenetIsUnderFifteenPercentOfDjlParams(@TempDir Path tmp) throws IOException {
        try (Net net = prunedLenet300(0.9)) {
            net.model().save(tmp, "dense");
            long djl = Files.size(tmp.resolve("dense-0000.params"));
            long sparse = NetIO.save(net, tmp.resolve("sparse.pk"), NetIO.Format.SPARSE);
            long dense = NetIO.save(net, tmp.resolve("dense.pk"), NetIO.Format.DENSE);
            System.out.printf("DJL .params %d B, PruneKit dense %d B, sparse %d B (%.1f%%)%n", djl, dense, sparse,
                    100.0 * sparse / djl);
            assertTrue(sparse <= 0.15 * djl, sparse + " vs " + djl);
        }
    }

    @Test
    void structurallyPrunedNetComesBackWithItsSmallerShapes(@TempDir Path tmp) {
        try (Net net = Models.smallCnn()) {
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build().plan(net).apply();
            net.removePrunedUnits();
            float[] expected = outputs(net);
            Path file = tmp.resolve("cnn.pk");
            NetIO.save(net, file, NetIO.Format.SPARSE);
            try (Net back = NetIO.load(file)) {
                assertEquals(net.specs(), back.specs());
                assertEquals(8, back.layer("conv1").weight().getArray().getShape().get(0));
                assertEquals(16, back.originalUnits("conv1"));
                assertArrayEquals(expected, outputs(back), 0f);
            }
        }
    }

    @Test
    void loadingIntoAnotherArchitectureIsAnErrorAndChangesNothing(@TempDir Path tmp) {
        try (Net lenet5 = Models.lenet5(); Net mlp = Models.lenet300100(); Net other = Models.lenet300100(7)) {
            Path file = tmp.resolve("lenet5.pk");
            NetIO.save(lenet5, file);
            float[] before = outputs(mlp);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetIO.loadInto(mlp, file));
            assertTrue(e.getMessage().contains("LeNet-5"), e.getMessage());
            assertArrayEquals(before, outputs(mlp), 0f);
            // same architecture: loads
            Path same = tmp.resolve("mlp.pk");
            NetIO.save(mlp, same);
            NetIO.loadInto(other, same);
            assertArrayEquals(before, outputs(other), 0f);
        }
    }

    @Test
    void damagedFilesAreNamedErrors(@TempDir Path tmp) throws IOException {
        try (Net net = prunedLenet300(0.5)) {
            Path file = tmp.resolve("net.pk");
            NetIO.save(net, file, NetIO.Format.SPARSE);
            byte[] bytes = Files.readAllBytes(file);
            byte[] tampered = bytes.clone();
            tampered[bytes.length / 2] ^= 0x10;
            Files.write(tmp.resolve("tampered.pk"), tampered);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> NetIO.load(tmp.resolve("tampered.pk")))
                    .getMessage().contains("checksum"));
            Files.write(tmp.resolve("cut.pk"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> NetIO.load(tmp.resolve("cut.pk")))
                    .getMessage().contains("truncated"));
            Files.writeString(tmp.resolve("text.pk"), "hello");
            assertTrue(assertThrows(IllegalArgumentException.class, () -> NetIO.load(tmp.resolve("text.pk")))
                    .getMessage().contains("not a PruneKit net file"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> NetIO.load(tmp.resolve("missing.pk")))
                    .getMessage().contains("No such file"));
        }
    }

    @Test
    void aNetOfTokensRoundTripsWithItsTableAndMasks(@TempDir Path tmp) {
        try (Net net = Models.sequential("TextNet", 12).embedding(50, 8).dense(16).relu().timeMaxPool().dense(4)
                .build(9); NDManager m = net.manager().newSubManager()) {
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5).build().plan(net).apply();
            float[] ids = new float[3 * 12];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i * 7) % 50;
            }
            ai.djl.ndarray.NDArray x = m.create(ids, new ai.djl.ndarray.types.Shape(3, 12));
            float[] expected = net.forward(x, false).toFloatArray();
            for (NetIO.Format f : new NetIO.Format[] {NetIO.Format.DENSE, NetIO.Format.SPARSE}) {
                Path file = tmp.resolve("text-" + f + ".pk");
                NetIO.save(net, file, f);
                try (Net back = NetIO.load(file)) {
                    assertEquals(net.architecture(), back.architecture());
                    assertArrayEquals(net.layer("embed").weightValues(), back.layer("embed").weightValues(), 0f);
                    assertArrayEquals(expected, back.forward(x, false).toFloatArray(), 0f, f.toString());
                    assertEquals(net.masks().size(), back.masks().size());
                }
            }
        }
    }

    @Test
    void theVocabularyOfANetForTextIsSavedWithItAndAnOldFileStillLoads(@TempDir Path tmp) throws IOException {
        org.prunekit.data.CorpusSplit text = Datasets.mobyDick().optWindow(32).optLimit(50).optTestLimit(10).build();
        try (Net lm = Models.bigramLm(text.vocabulary().size(), 32)) {
            Training.fit(lm, text, TrainConfig.epochs(1), Progress.none());
            assertEquals(text.vocabulary(), lm.vocabulary(), "remembered from training");
            for (NetIO.Format f : NetIO.Format.values()) {
                Path file = tmp.resolve("lm-" + f + ".pk");
                NetIO.save(lm, file, f);
                try (Net back = NetIO.load(file)) {
                    assertEquals(text.vocabulary(), back.vocabulary(), f.toString());
                    assertEquals(text.vocabulary().decode(text.test().inputs(0)),
                            back.vocabulary().decode(text.test().inputs(0)));
                }
                try (Net fresh = Models.bigramLm(text.vocabulary().size(), 32, 7)) {
                    NetIO.loadInto(fresh, file);
                    assertEquals(text.vocabulary(), fresh.vocabulary());
                }
            }
        }
        // a file of version 2 (before vocabularies were stored) loads as before
        try (Net net = prunedLenet300(0.5)) {
            float[] expected = outputs(net);
            Path v3 = tmp.resolve("v3.pk");
            NetIO.save(net, v3, NetIO.Format.DENSE);
            Path v2 = tmp.resolve("v2.pk");
            Files.write(v2, asVersion2(Files.readAllBytes(v3)));
            try (Net back = NetIO.load(v2)) {
                assertArrayEquals(expected, outputs(back), 0f);
                assertEquals(null, back.vocabulary());
                assertEquals(net.masks().size(), back.masks().size());
            }
        }
    }

    /** A dense version-3 file without a vocabulary rewritten as version 2: the same bytes but the "no vocabulary" flag. */
    private static byte[] asVersion2(byte[] file) throws IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(file));
        String magic = in.readUTF();
        assertEquals(3, in.readInt());
        String format = in.readUTF();
        in.readLong();
        byte[] body = in.readNBytes(in.readInt());
        java.io.DataInputStream h = new java.io.DataInputStream(new java.io.ByteArrayInputStream(body));
        h.readUTF();
        TensorCodec.readShape(h);
        h.readInt();
        h.readLong();
        h.skipNBytes(h.readInt());
        int units = h.readInt();
        for (int i = 0; i < units; i++) {
            h.readUTF();
            h.readLong();
        }
        int flag = body.length - h.available();
        assertEquals(0, body[flag], "no vocabulary");
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(body, 0, flag);
        b.write(body, flag + 1, body.length - flag - 1);
        byte[] old = b.toByteArray();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(old);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream o = new java.io.DataOutputStream(out)) {
            o.writeUTF(magic);
            o.writeInt(2);
            o.writeUTF(format);
            o.writeLong(crc.getValue());
            o.writeInt(old.length);
            o.write(old);
        }
        return out.toByteArray();
    }
}
