package org.prunekit.model;

import org.prunekit.PruneKit;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Saves and loads nets, pruned or not, in one file: the architecture (layer names and
 * {@link LayerSpec}s, so a structurally pruned net comes back with its smaller shapes), the
 * weights, and the pruning masks. Loading needs no user code and checks everything: the file's
 * magic and checksum, and every parameter's shape against the architecture.
 *
 * <p>Two encodings of the weights:
 * <ul>
 *   <li>{@link Format#QUANTIZED}: as sparse, with the Linear/Conv2d weights as b-bit codes and
 *       one scale per unit — pruning, quantization and gzip together, as in Han et al.'s "deep
 *       compression";</li>
 *   <li>{@link Format#DENSE}: every value as a 32-bit float;</li>
 *   <li>{@link Format#SPARSE}: per tensor a bitmap of the non-zero positions and only the
 *       non-zero values, gzipped. A 90 %-sparse LeNet-300-100 takes about an eighth of the dense
 *       file. A mask that equals the weight's non-zero pattern costs nothing extra.</li>
 * </ul>
 */
public final class NetIO {

    /** How weights are encoded. */
    public enum Format {
        /** All values. */
        DENSE,
        /** Non-zero bitmap plus non-zero values, gzipped. */
        SPARSE,
        /**
         * As {@link #SPARSE}, but the weights of Linear and Conv2d layers as b-bit integer codes
         * with one float scale per output unit (symmetric per-channel quantization, see
         * {@link Quantization}); biases and batch norms stay 32-bit. Written by
         * {@link NetIO#saveQuantized(Net, Path, int)} (or by {@code save} with {@value NetIO#DEFAULT_BITS}
         * bits); loads as the de-quantized values. Lossy, unless the net was quantized with the
         * same bits first ({@link org.prunekit.compress.Quantizer}).
         */
        QUANTIZED
    }

    /** Bits per weight of {@link Format#QUANTIZED} when {@link #save(Net, Path, Format)} is given no other. */
    public static final int DEFAULT_BITS = 8;

    private static final String MAGIC = "PRUNEKIT-NET";
    private static final int VERSION = 2; // 2: architecture as a tree (residual blocks); 1: a flat layer list

    private NetIO() {}

    /**
     * @param net the net
     * @param file where to write (replaced)
     * @param format dense, sparse, or quantized ({@value #DEFAULT_BITS} bits; see {@link #saveQuantized})
     * @return the file's size in bytes
     */
    public static long save(Net net, Path file, Format format) {
        return write(net, file, format, format == Format.QUANTIZED ? DEFAULT_BITS : 32);
    }

    private static long write(Net net, Path file, Format format, int bits) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            byte[] body = body(net, format, bits);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
                out.writeUTF(MAGIC);
                out.writeInt(VERSION);
                out.writeUTF(format.name());
                CRC32 crc = new CRC32();
                crc.update(body);
                out.writeLong(crc.getValue());
                out.writeInt(body.length);
                out.write(body);
            }
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save " + net.name() + " to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param net the net
     * @param file where to write
     * @return the file's size in bytes
     */
    public static long save(Net net, Path file) {
        return save(net, file, Format.DENSE);
    }

    /**
     * Saves with the Linear and Conv2d weights quantized to {@code bits} bits per weight
     * (symmetric, one scale per output unit; zeros stay zero, so a pruned net keeps its
     * sparsity and the file gets the sparse encoding's savings too). The net itself is not
     * changed; to evaluate what the file holds, quantize the net first with
     * {@link org.prunekit.compress.Quantizer} (which rounds the same way) or load the file.
     *
     * @param net the net
     * @param file where to write (replaced)
     * @param bits bits per weight, 2 to 16
     * @return the file's size in bytes
     * @throws IllegalArgumentException if {@code bits} is outside 2..16
     */
    public static long saveQuantized(Net net, Path file, int bits) {
        Quantization.checkBits(bits);
        return write(net, file, Format.QUANTIZED, bits);
    }

    /**
     * Loads a net saved by {@link #save}, with its architecture, weights and masks.
     *
     * @param file the file
     * @return the net
     * @throws IllegalArgumentException if the file is missing, damaged or not a PruneKit net
     */
    public static Net load(Path file) {
        PruneKit.noGrad();
        Body body = readChecked(file);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body.bytes()))) {
            Header h = Header.read(in, body.version());
            Net net;
            try {
                net = new Net(h.name, Architecture.parse(h.architectureText), h.seed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " holds a net PruneKit cannot build: " + e.getMessage(), e);
            }
            try {
                net.setOriginalUnits(h.originalUnits);
                install(net, readTensors(net, in, body.format(), file));
                return net;
            } catch (RuntimeException | IOException e) {
                net.close();
                throw e;
            }
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + " ends too early: it is truncated.", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads weights and masks into an existing net of exactly the same architecture — also one
     * holding DJL blocks PruneKit cannot rebuild (build the net again, then load into it).
     *
     * @param net the net to overwrite
     * @param file a file written by {@link #save}
     * @throws IllegalArgumentException if the file's architecture differs or the file is damaged
     *     (the net is left unchanged)
     */
    public static void loadInto(Net net, Path file) {
        PruneKit.noGrad();
        Body body = readChecked(file);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body.bytes()))) {
            Header h = Header.read(in, body.version());
            String mine = net.architecture().encode();
            String theirs = h.architectureText;
            if (!mine.equals(theirs)) {
                throw new IllegalArgumentException("Checkpoint " + file + " holds " + h.name + " with architecture\n"
                        + theirs + "but the net is " + net.name() + " with architecture\n" + mine
                        + "Use NetIO.load(file) to get the saved architecture.");
            }
            List<Stored> stored = readTensors(net, in, body.format(), file); // everything read and checked first
            net.clearMasks();
            install(net, stored);
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + " ends too early: it is truncated.", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Parameter> parameters(Net net) {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            out.add(p.getValue());
        }
        return out;
    }

    private static byte[] body(Net net, Format format, int bits) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream sink = format != Format.DENSE ? new GZIPOutputStream(bytes, 1 << 16) : bytes;
        java.util.Set<Parameter> quantized = format == Format.QUANTIZED ? java.util.Set.copyOf(net.prunableWeights())
                : java.util.Set.of();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(sink, 1 << 16))) {
            out.writeUTF(net.name());
            writeShape(out, net.inputShape());
            out.writeInt(net.numClasses());
            out.writeLong(net.seed());
            byte[] arch = net.architecture().encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(arch.length);
            out.write(arch);
            List<Layer> prunable = net.prunableLayers();
            out.writeInt(prunable.size());
            for (Layer l : prunable) {
                out.writeUTF(l.name());
                out.writeLong(net.originalUnits(l.name()));
            }
            List<Parameter> params = parameters(net);
            out.writeInt(params.size());
            for (Parameter p : params) {
                NDArray a = p.getArray();
                writeShape(out, a.getShape());
                float[] values = a.toFloatArray();
                NDArray maskArray = net.masks().get(p);
                float[] mask = maskArray == null ? null : maskArray.toFloatArray();
                if (format == Format.DENSE) {
                    writeFloats(out, values);
                    out.writeBoolean(mask != null);
                    if (mask != null) {
                        writeBits(out, mask);
                    }
                } else {
                    if (format == Format.QUANTIZED) {
                        out.writeByte(quantized.contains(p) ? bits : 32);
                    }
                    if (quantized.contains(p)) {
                        values = writeQuantized(out, values, (int) a.getShape().get(0), bits);
                    } else {
                        writeBits(out, values);
                        for (float v : values) {
                            if (v != 0) {
                                out.writeFloat(v);
                            }
                        }
                    }
                    // 0: no mask, 1: mask = non-zero pattern of the values, 2: mask stored
                    if (mask == null) {
                        out.writeByte(0);
                    } else if (sameSupport(mask, values)) {
                        out.writeByte(1);
                    } else {
                        out.writeByte(2);
                        writeBits(out, mask);
                    }
                }
            }
        }
        return bytes.toByteArray();
    }

    /** One parameter's values and mask as read from a file. */
    private record Stored(Parameter parameter, Shape shape, float[] values, float[] mask) {}

    private static List<Stored> readTensors(Net net, DataInputStream in, Format format, Path file) throws IOException {
        List<Parameter> params = parameters(net);
        int count = in.readInt();
        if (count != params.size()) {
            throw new IllegalArgumentException(file + " holds " + count + " parameters but its architecture has "
                    + params.size() + "; the file is damaged.");
        }
        List<Stored> out = new ArrayList<>();
        for (Parameter p : params) {
            Shape stored = readShape(in);
            Shape expected = p.getArray().getShape();
            if (!stored.equals(expected)) {
                throw new IllegalArgumentException(file + ": parameter " + p.getName() + " is stored with shape " + stored
                        + " but the architecture gives " + expected + "; the file is damaged.");
            }
            int n = Math.toIntExact(stored.size());
            float[] values;
            float[] mask = null;
            if (format == Format.DENSE) {
                values = readFloats(in, n);
                if (in.readBoolean()) {
                    mask = readBits(in, n);
                }
            } else {
                int bits = format == Format.QUANTIZED ? in.readUnsignedByte() : 32;
                float[] support;
                if (bits == 32) {
                    support = readBits(in, n);
                    values = new float[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = support[i] != 0 ? in.readFloat() : 0f;
                    }
                } else if (bits >= Quantization.MIN_BITS && bits <= Quantization.MAX_BITS) {
                    values = readQuantized(in, n, (int) stored.get(0), bits);
                    support = new float[n];
                    for (int i = 0; i < n; i++) {
                        support[i] = values[i] != 0 ? 1f : 0f;
                    }
                } else {
                    throw new IllegalArgumentException(file + ": parameter " + p.getName() + " has " + bits
                            + " bits per value; the file is damaged.");
                }
                int maskKind = in.readByte();
                if (maskKind == 1) {
                    mask = support;
                } else if (maskKind == 2) {
                    mask = readBits(in, n);
                } else if (maskKind != 0) {
                    throw new IllegalArgumentException(file + ": unknown mask encoding " + maskKind + ".");
                }
            }
            out.add(new Stored(p, stored, values, mask));
        }
        if (in.read() != -1) {
            throw new IllegalArgumentException(file + " has trailing data after the last parameter; it is damaged.");
        }
        return out;
    }

    private static void install(Net net, List<Stored> stored) {
        for (Stored s : stored) {
            try (NDArray v = net.manager().create(s.values(), s.shape())) {
                Tensors.copy(v, s.parameter().getArray());
            }
            if (s.mask() != null) {
                try (NDArray m = net.manager().create(s.mask(), s.shape())) {
                    net.addMask(s.parameter(), m);
                }
            }
        }
    }

    /** A checked, decompressed file body and how its weights are encoded. */
    private record Body(Format format, int version, byte[] bytes) {}

    private static Body readChecked(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            String magic;
            try {
                magic = in.readUTF();
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " is not a PruneKit net file (no header).", e);
            }
            if (!MAGIC.equals(magic)) {
                throw new IllegalArgumentException(file + " is not a PruneKit net file (magic '" + magic + "').");
            }
            int version = in.readInt();
            if (version < 1 || version > VERSION) {
                throw new IllegalArgumentException(file + " has format version " + version + "; this PruneKit reads "
                        + "versions 1 to " + VERSION + " (update PruneKit to read newer files).");
            }
            String formatName = in.readUTF();
            Format format;
            try {
                format = Format.valueOf(formatName);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " names an unknown weight format '" + formatName + "'.", e);
            }
            long crc = in.readLong();
            int length = in.readInt();
            byte[] body = in.readNBytes(length);
            if (body.length != length) {
                throw new IllegalArgumentException(file + " is truncated: " + body.length + " of " + length
                        + " bytes.");
            }
            CRC32 c = new CRC32();
            c.update(body);
            if (c.getValue() != crc) {
                throw new IllegalArgumentException(file + " is damaged or was modified: its checksum does not match.");
            }
            if (format != Format.DENSE) {
                try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = gz.readAllBytes();
                }
            }
            return new Body(format, version, body);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("No such file: " + file + ".", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean sameSupport(float[] mask, float[] values) {
        for (int i = 0; i < mask.length; i++) {
            if ((mask[i] != 0) != (values[i] != 0)) {
                return false;
            }
        }
        return true;
    }

    private static void writeShape(DataOutputStream out, Shape s) throws IOException {
        out.writeInt(s.dimension());
        for (long d : s.getShape()) {
            out.writeLong(d);
        }
    }

    private static Shape readShape(DataInputStream in) throws IOException {
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

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        for (float f : v) {
            out.writeFloat(f);
        }
    }

    private static float[] readFloats(DataInputStream in, int n) throws IOException {
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
    private static float[] writeQuantized(DataOutputStream out, float[] values, int units, int bits)
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

    private static float[] readQuantized(DataInputStream in, int n, int units, int bits) throws IOException {
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
    private static void writeBits(DataOutputStream out, float[] v) throws IOException {
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

    private static float[] readBits(DataInputStream in, int n) throws IOException {
        float[] v = new float[n];
        for (int i = 0; i < n; i += 8) {
            int b = in.readUnsignedByte();
            for (int j = 0; j < 8 && i + j < n; j++) {
                v[i + j] = (b >> j & 1) != 0 ? 1f : 0f;
            }
        }
        return v;
    }

    /** The architecture part of a file. */
    private record Header(String name, Shape inputShape, int numClasses, long seed, String architectureText,
            Map<String, Long> originalUnits) {

        static Header read(DataInputStream in, int version) throws IOException {
            String name = in.readUTF();
            Shape input = readShape(in);
            int classes = in.readInt();
            long seed = in.readLong();
            String text;
            if (version >= 2) {
                int length = in.readInt();
                if (length < 1 || length > 10_000_000) {
                    throw new IOException("implausible architecture length " + length);
                }
                text = new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
            } else {
                int layers = in.readInt();
                if (layers < 1 || layers > 10_000) {
                    throw new IOException("implausible layer count " + layers);
                }
                StringBuilder sb = new StringBuilder("input");
                for (long d : input.getShape()) {
                    sb.append(' ').append(d);
                }
                sb.append('\n');
                for (int i = 0; i < layers; i++) {
                    sb.append(in.readUTF()).append(' ').append(in.readUTF()).append('\n');
                }
                text = sb.toString();
            }
            Map<String, Long> units = new LinkedHashMap<>();
            int prunable = in.readInt();
            for (int i = 0; i < prunable; i++) {
                units.put(in.readUTF(), in.readLong());
            }
            return new Header(name, input, classes, seed, text, units);
        }
    }
}
