package org.prunekit.model;

import static org.prunekit.model.TensorCodec.readBits;
import static org.prunekit.model.TensorCodec.readFloats;
import static org.prunekit.model.TensorCodec.readQuantized;
import static org.prunekit.model.TensorCodec.readShape;
import static org.prunekit.model.TensorCodec.writeBits;
import static org.prunekit.model.TensorCodec.writeFloats;
import static org.prunekit.model.TensorCodec.writeQuantized;
import static org.prunekit.model.TensorCodec.writeShape;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.prunekit.data.Tokenizer;
import org.prunekit.data.Vocabulary;
import org.prunekit.model.NetIO.Format;

/**
 * What the body of a net file ({@link NetIO}) holds, and how it is written and read back: a header
 * (name, input shape, classes, seed, architecture text, units as built), then per parameter its
 * shape, its values in the file's {@link Format} and its mask. Reading checks every shape against
 * the architecture before anything is installed in a net.
 */
final class NetBody {

    private NetBody() {}

    static List<Parameter> parameters(Net net) {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            out.add(p.getValue());
        }
        return out;
    }

    /**
     * @param net the net
     * @param format how to encode the weights
     * @param bits bits per quantized weight ({@link NetIO.Format#QUANTIZED})
     * @return the body: the header (name, input shape, classes, seed, architecture, units as
     *     built), then every parameter's shape, values and mask; gzipped unless dense
     */
    static byte[] write(Net net, Format format, int bits) throws IOException {
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
            writeVocabulary(out, net.vocabulary());
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
    record Stored(Parameter parameter, Shape shape, float[] values, float[] mask) {}

    static List<Stored> readTensors(Net net, DataInputStream in, Format format, Path file) throws IOException {
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

    static void install(Net net, List<Stored> stored) {
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

    static boolean sameSupport(float[] mask, float[] values) {
        for (int i = 0; i < mask.length; i++) {
            if ((mask[i] != 0) != (values[i] != 0)) {
                return false;
            }
        }
        return true;
    }

    /** Since version 3: whether the net reads a vocabulary, then its tokenizer and tokens in id order. */
    private static void writeVocabulary(DataOutputStream out, Vocabulary v) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeUTF(v.tokenizer().label());
            out.writeInt(v.size());
            for (String t : v.tokens()) {
                out.writeUTF(t);
            }
        }
    }

    private static Vocabulary readVocabulary(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        String label = in.readUTF();
        Tokenizer tokenizer = Tokenizer.byLabel(label);
        int size = in.readInt();
        if (tokenizer == null || size < 2 || size > 100_000_000) {
            throw new IOException("implausible vocabulary (tokenizer '" + label + "', " + size + " tokens)");
        }
        List<String> tokens = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            tokens.add(in.readUTF());
        }
        return Vocabulary.of(tokenizer, tokens);
    }

    /** The architecture part of a file (and the vocabulary of a net for text, null for others and before version 3). */
    record Header(String name, Shape inputShape, int numClasses, long seed, String architectureText,
            Map<String, Long> originalUnits, Vocabulary vocabulary) {

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
            return new Header(name, input, classes, seed, text, units, version >= 3 ? readVocabulary(in) : null);
        }
    }
}
