package org.prunekit.model;

import org.prunekit.PruneKit;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;

/**
 * Saves and loads nets, pruned or not, in one file: the architecture (layer names and
 * {@link LayerSpec}s, so a structurally pruned net comes back with its smaller shapes), the
 * weights, the pruning masks, and for a net that reads text the {@link Net#vocabulary()} that
 * numbers its tokens (files of PruneKit before the vocabulary was stored still load). Loading needs no user code and checks everything: the file's
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
    // 3: the vocabulary of a net for text; 2: architecture as a tree (residual blocks); 1: a flat layer list
    private static final int VERSION = 3;

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
            byte[] body = NetBody.write(net, format, bits);
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
            NetBody.Header h = NetBody.Header.read(in, body.version());
            Net net;
            try {
                net = new Net(h.name(), Architecture.parse(h.architectureText()), h.seed());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " holds a net PruneKit cannot build: " + e.getMessage(), e);
            }
            try {
                net.setOriginalUnits(h.originalUnits());
                NetBody.install(net, NetBody.readTensors(net, in, body.format(), file));
                if (h.vocabulary() != null) {
                    net.setVocabulary(h.vocabulary());
                }
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
            NetBody.Header h = NetBody.Header.read(in, body.version());
            String mine = net.architecture().encode();
            String theirs = h.architectureText();
            if (!mine.equals(theirs)) {
                throw new IllegalArgumentException("Checkpoint " + file + " holds " + h.name() + " with architecture\n"
                        + theirs + "but the net is " + net.name() + " with architecture\n" + mine
                        + "Use NetIO.load(file) to get the saved architecture.");
            }
            List<NetBody.Stored> stored = NetBody.readTensors(net, in, body.format(), file); // everything read and checked first
            net.clearMasks();
            NetBody.install(net, stored);
            if (h.vocabulary() != null) {
                net.setVocabulary(h.vocabulary());
            }
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + " ends too early: it is truncated.", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Could not read " + file + ": " + e.getMessage(), e);
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
}
