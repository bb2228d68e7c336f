package org.prunekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxTest {

    static byte[] idx(int type, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(payload);
        return b.array();
    }

    static byte[] gzip(byte[] raw) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(); GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
            gz.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsPlainAndGzippedFiles() {
        byte[] payload = {1, 2, 3, 4, 5, 6, (byte) 255, 0, 9, 10, 11, 12};
        byte[] raw = idx(8, new int[] {3, 2, 2}, payload);
        for (byte[] file : new byte[][] {raw, gzip(raw)}) {
            Idx.Tensor t = Idx.read(file, "test.idx");
            assertArrayEquals(new int[] {3, 2, 2}, t.dims());
            assertArrayEquals(payload, t.data());
        }
    }

    @Test
    void wrongMagicNumberIsNamed() {
        byte[] raw = idx(0x0D, new int[] {2}, new byte[8]); // 0x0D = float32, not bytes
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.read(raw, "floats.idx"));
        assertTrue(e.getMessage().contains("floats.idx"), e.getMessage());
        assertTrue(e.getMessage().contains("wrong magic number 0x00000D01"), e.getMessage());
    }

    @Test
    void truncatedPayloadIsReported() {
        byte[] raw = idx(8, new int[] {10, 28, 28}, new byte[10 * 784]);
        byte[] truncated = Arrays.copyOf(raw, raw.length - 100);
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.read(gzip(truncated), "cut.gz"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("7740"), e.getMessage());
    }

    @Test
    void damagedGzipIsReported() {
        byte[] gz = gzip(idx(8, new int[] {100, 28, 28}, new byte[100 * 784]));
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.read(cut, "half.gz"));
        assertTrue(e.getMessage().contains("half.gz"), e.getMessage());
    }

    @Test
    void trailingBytesAndEmptyFilesAreErrors() {
        byte[] extra = idx(8, new int[] {2}, new byte[] {1, 2, 3});
        assertTrue(assertThrows(DatasetException.class, () -> Idx.read(extra, "long.idx"))
                .getMessage().contains("trailing bytes"));
        assertTrue(assertThrows(DatasetException.class, () -> Idx.read(new byte[0], "empty.idx"))
                .getMessage().contains("empty"));
        byte[] badRank = idx(8, new int[] {}, new byte[0]);
        assertTrue(assertThrows(DatasetException.class, () -> Idx.read(badRank, "rank0.idx"))
                .getMessage().contains("rank 0"));
    }
}
