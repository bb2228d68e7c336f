package org.prunekit.data;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST (plain or gzipped).
 *
 * <p>An IDX file starts with a magic number: two zero bytes, a type byte ({@code 0x08} for
 * unsigned bytes, the only type these data sets use) and the number of dimensions; then one
 * big-endian 32-bit size per dimension, then the values. The reader checks all of it: a wrong
 * magic number, a truncated payload or trailing bytes are reported with the file's name rather
 * than producing a silently wrong data set.
 */
public final class Idx {

    private static final int UNSIGNED_BYTE = 0x08;
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8L;

    /** The dimensions and values of one IDX file. */
    public static final class Tensor {
        private final int[] dims;
        private final byte[] data;

        Tensor(int[] dims, byte[] data) {
            this.dims = dims;
            this.data = data;
        }

        /** @return the dimensions, outermost first (a copy) */
        public int[] dims() {
            return dims.clone();
        }

        /** @return the raw unsigned bytes, row-major (not a copy) */
        byte[] data() {
            return data;
        }

        @Override
        public String toString() {
            return "IDX tensor " + Arrays.toString(dims);
        }
    }

    private Idx() {}

    /**
     * Reads one IDX file of unsigned bytes.
     *
     * @param in the file's bytes, gzipped or not (closed by this method)
     * @param source the file's name, for error messages
     * @param hint how to get a good copy of the file, appended to error messages
     * @return the tensor
     * @throws DatasetException if the file is not a complete IDX file of unsigned bytes
     */
    public static Tensor read(InputStream in, String source, String hint) {
        try (DataInputStream data = new DataInputStream(maybeGunzip(in))) {
            int magic;
            try {
                magic = data.readInt();
            } catch (EOFException e) {
                throw corrupt(source, "the file is empty or shorter than an IDX header", hint);
            }
            if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != UNSIGNED_BYTE) {
                throw corrupt(source, String.format(
                        "wrong magic number 0x%08X (an IDX file of unsigned bytes starts with 0x0000080N)",
                        magic), hint);
            }
            int rank = magic & 0xff;
            if (rank < 1 || rank > 4) {
                throw corrupt(source, "IDX rank " + rank + " is not between 1 and 4", hint);
            }
            int[] dims = new int[rank];
            long count = 1;
            for (int i = 0; i < rank; i++) {
                try {
                    dims[i] = data.readInt();
                } catch (EOFException e) {
                    throw corrupt(source, "the header ends before its " + rank + " dimensions", hint);
                }
                if (dims[i] < 0) {
                    throw corrupt(source, "negative dimension " + dims[i], hint);
                }
                count *= dims[i];
                if (count > MAX_ELEMENTS) {
                    throw corrupt(source, "dimensions " + Arrays.toString(dims) + " are too large", hint);
                }
            }
            byte[] values = new byte[(int) count];
            int got = data.readNBytes(values, 0, values.length);
            if (got < values.length) {
                throw corrupt(source, "truncated: the header announces " + Arrays.toString(dims) + " = "
                        + count + " values but only " + got + " follow", hint);
            }
            if (data.read() != -1) {
                throw corrupt(source, "trailing bytes after the " + count + " values the header announces", hint);
            }
            return new Tensor(dims, values);
        } catch (ZipException | EOFException e) {
            throw corrupt(source, "the gzip stream is damaged (" + e.getMessage() + ")", hint);
        } catch (IOException e) {
            throw new DatasetException("Could not read " + source + ": " + e.getMessage() + ". " + hint, e);
        }
    }

    /**
     * Reads an IDX file held in memory (for tests and tools).
     *
     * @param bytes the file's bytes, gzipped or not
     * @param source a name for error messages
     * @return the tensor
     */
    public static Tensor read(byte[] bytes, String source) {
        return read(new ByteArrayInputStream(bytes), source, "");
    }

    private static InputStream maybeGunzip(InputStream in) throws IOException {
        PushbackInputStream pb = new PushbackInputStream(in, 2);
        byte[] head = pb.readNBytes(2);
        pb.unread(head);
        boolean gzip = head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
        return gzip ? new GZIPInputStream(pb, 1 << 16) : pb;
    }

    private static DatasetException corrupt(String source, String what, String hint) {
        return new DatasetException(source + " is not a valid IDX file: " + what + ". " + hint);
    }
}
