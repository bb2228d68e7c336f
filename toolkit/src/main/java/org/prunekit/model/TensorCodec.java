package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * How one tensor's numbers are written in a net file ({@link NetIO}): shapes, plain floats, a
 * bitmap of the non-zero positions, and b-bit quantized codes with one scale per unit. Each
 * {@code write} has the {@code read} that undoes it; a reader rejects implausible shapes.
 */
final class TensorCodec {

    private TensorCodec() {}

    static void writeShape(DataOutputStream out, Shape s) throws IOException {
        out.writeInt(s.dimension());
        for (long d : s.getShape()) {
            out.writeLong(d);
        }
    }

    static Shape readShape(DataInputStream in) throws IOException {
        int rank = in.readInt();
        if (rank < 0 || rank > 8) {
            throw new IOException("implausible tensor rank " + rank);
        }
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readLong();
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
                throw new IOException("implausible dimension " + dims[i]);
            }
        }
        return new Shape(dims);
    }

    static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        for (float f : v) {
            out.writeFloat(f);
        }
    }

    static float[] readFloats(DataInputStream in, int n) throws IOException {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }

    /**
     * Per unit a float scale, then the non-zero bitmap of the codes, then the non-zero codes
     * (offset by L to be non-negative) packed {@code bits} bits each.
     *
     * @return the values as the file holds them (de-quantized)
     */
    static float[] writeQuantized(DataOutputStream out, float[] values, int units, int bits)
            throws IOException {
        float[] scales = Quantization.scales(values, units, bits);
        int l = Quantization.levels(bits);
        int per = values.length / units;
        int[] codes = new int[values.length];
        float[] back = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            codes[i] = Quantization.code(values[i], scales[i / per], l);
            back[i] = Quantization.value(codes[i], scales[i / per]);
        }
        for (float sc : scales) {
            out.writeFloat(sc);
        }
        writeBits(out, back);
        long buffer = 0;
        int filled = 0;
        for (int c : codes) {
            if (c == 0) {
                continue;
            }
            buffer |= (long) (c + l) << filled;
            filled += bits;
            while (filled >= 8) {
                out.writeByte((int) (buffer & 0xff));
                buffer >>>= 8;
                filled -= 8;
            }
        }
        if (filled > 0) {
            out.writeByte((int) (buffer & 0xff));
        }
        return back;
    }

    static float[] readQuantized(DataInputStream in, int n, int units, int bits) throws IOException {
        float[] scales = new float[units];
        for (int u = 0; u < units; u++) {
            scales[u] = in.readFloat();
        }
        float[] support = readBits(in, n);
        int l = Quantization.levels(bits);
        int per = n / units;
        float[] values = new float[n];
        long buffer = 0;
        int filled = 0;
        long mask = (1L << bits) - 1;
        for (int i = 0; i < n; i++) {
            if (support[i] == 0) {
                continue;
            }
            while (filled < bits) {
                buffer |= (long) in.readUnsignedByte() << filled;
                filled += 8;
            }
            int code = (int) (buffer & mask) - l;
            buffer >>>= bits;
            filled -= bits;
            values[i] = Quantization.value(code, scales[i / per]);
        }
        return values;
    }

    /** Writes a bit per value: 1 where it is non-zero. */
    static void writeBits(DataOutputStream out, float[] v) throws IOException {
        for (int i = 0; i < v.length; i += 8) {
            int b = 0;
            for (int j = 0; j < 8 && i + j < v.length; j++) {
                if (v[i + j] != 0) {
                    b |= 1 << j;
                }
            }
            out.writeByte(b);
        }
    }

    static float[] readBits(DataInputStream in, int n) throws IOException {
        float[] v = new float[n];
        for (int i = 0; i < n; i += 8) {
            int b = in.readUnsignedByte();
            for (int j = 0; j < 8 && i + j < n; j++) {
                v[i + j] = (b >> j & 1) != 0 ? 1f : 0f;
            }
        }
        return v;
    }
}
