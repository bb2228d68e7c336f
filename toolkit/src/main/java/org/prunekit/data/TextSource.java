package org.prunekit.data;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The settings the text sources share: how texts become tokens ({@link #optTokenizer}, default
 * {@link Tokenizer#CHARACTERS}) and which {@link Vocabulary} numbers them: one fitted on the
 * training part ({@link #optMaxVocabulary} bounds its size) or one given with
 * {@link #optVocabulary}, e.g. loaded with the model that will read the data. Besides these, the
 * settings of every {@link Source}. Subclasses: {@link TextCorpus}, {@link TextClassification}.
 *
 * @param <B> the source's own type, so that settings chain
 * @param <R> what {@link #build()} gives
 */
public abstract class TextSource<B extends TextSource<B, R>, R> extends Source<B, R> {

    Tokenizer tokenizer = Tokenizer.CHARACTERS;
    Vocabulary vocabulary;
    int maxVocabulary = -1;

    TextSource(String name) {
        super(name);
    }

    /**
     * @param tokenizer how texts are cut into tokens (default {@link Tokenizer#CHARACTERS}); ignored
     *     when a vocabulary is given, which brings its own
     * @return this source
     */
    public B optTokenizer(Tokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        return self();
    }

    /**
     * @param vocabulary the vocabulary to number tokens with (and its tokenizer), e.g. the one a
     *     trained model was saved with; default: one fitted on the training part
     * @return this source
     */
    public B optVocabulary(Vocabulary vocabulary) {
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        return self();
    }

    /**
     * @param maxTokens the most tokens of a fitted vocabulary, special tokens included, the most
     *     frequent kept (0: all; default: all characters, or 10,000 words)
     * @return this source
     */
    public B optMaxVocabulary(int maxTokens) {
        if (maxTokens < 0 || maxTokens == 1) {
            throw new IllegalArgumentException("A vocabulary holds at least 2 tokens (0 for no limit), got "
                    + maxTokens + ".");
        }
        this.maxVocabulary = maxTokens;
        return self();
    }

    /**
     * A length setting in tokens, checked: 1..{@code max}.
     *
     * @param what the setting, for the message, e.g. {@code "A window"}
     */
    static int checkTokens(int tokens, int max, String what) {
        if (tokens >= 1 && tokens <= max) {
            return tokens;
        }
        throw new IllegalArgumentException(what + " must be 1.." + max + " tokens, got " + tokens + ". Longer"
                + " sequences need a model with as many positions and do not train in minutes on 2 cores.");
    }

    /** The checks {@link CorpusSplit} and {@link TextSplit} share. */
    static void checkSplit(Object train, Object test, Vocabulary vocabulary, String provenance, int batchSize) {
        for (Object part : new Object[] {train, test, vocabulary, provenance}) {
            Objects.requireNonNull(part, "train, test, vocabulary and provenance must be given");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize + ".");
        }
    }

    /** The given vocabulary, or one fitted on {@code texts} with the source's settings. */
    Vocabulary vocabulary(Collection<String> texts, boolean padding, boolean unknown) {
        if (vocabulary != null) {
            return vocabulary;
        }
        int max = maxVocabulary >= 0 ? maxVocabulary : tokenizer == Tokenizer.WORDS ? 10_000 : 0;
        return Vocabulary.fit(tokenizer, texts, max, 1, padding, unknown);
    }

    /** How the vocabulary was made, for a split's description. */
    String vocabularySource() {
        return vocabulary != null ? "given" : "fitted on the train part";
    }

    /**
     * The UTF-8 text of a file or class-path resource, gunzipped if it is gzip data.
     *
     * @param path the file, or null to read {@code resource} from the class path
     * @param resource the class-path name used when {@code path} is null
     * @param hint how to get a good copy, appended to every message
     */
    static String readText(Path path, String resource, String hint) {
        String where = path != null ? path.toString() : "classpath:" + resource;
        try (InputStream raw = path != null ? Files.newInputStream(path) : TextSource.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new DatasetException("The text file " + where + " is missing. " + hint);
            }
            PushbackInputStream in = new PushbackInputStream(raw, 2);
            byte[] magic = in.readNBytes(2);
            in.unread(magic);
            boolean gzip = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
            byte[] bytes = readAll(gzip ? new GZIPInputStream(in) : in);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new DatasetException("The text file " + where + " is missing. " + hint, e);
        } catch (EOFException | ZipException e) {
            throw new DatasetException("The text file " + where + " is truncated or corrupt (" + e.getMessage()
                    + "). " + hint, e);
        } catch (CharacterCodingException e) {
            throw new DatasetException("The text file " + where + " is not UTF-8 text (" + e + "). " + hint, e);
        } catch (IOException e) {
            throw new DatasetException("Could not read the text file " + where + " (" + e + "). " + hint, e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
