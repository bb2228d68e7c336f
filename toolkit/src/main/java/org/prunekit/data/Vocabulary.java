package org.prunekit.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The numbering of tokens that a text model reads and writes: token {@code i} of
 * {@link #tokens()} has id {@code i}, and a model's embedding and output layer have
 * {@link #size()} rows. A value: immutable, {@link #equals} by tokenizer and tokens, saved to and
 * loaded from a small UTF-8 text file ({@link #save}, {@link #load}) to keep beside the model's
 * weights, since a model is only usable with the vocabulary it was trained with.
 *
 * <p>Two optional special tokens come first: {@value #PAD} (id 0), which fills sequences shorter
 * than a classifier's length, and {@value #UNKNOWN}, which stands for every token that is not in
 * the vocabulary. Without {@value #UNKNOWN}, {@link #encode} of a text with such a token fails
 * with a {@link DatasetException} naming it.
 *
 * <pre>{@code
 * Vocabulary v = Vocabulary.fit(Tokenizer.CHARACTERS, List.of(text), 0, 1, false, false);
 * int[] ids = v.encode("Call me Ishmael.");
 * v.decode(ids);                          // "Call me Ishmael."
 * v.save(Path.of("model.vocab"));
 * Vocabulary same = Vocabulary.load(Path.of("model.vocab"));   // same.equals(v)
 * }</pre>
 */
public final class Vocabulary {

    /** The padding token, id 0 when present. */
    public static final String PAD = "<pad>";

    /** The token standing for every token not in the vocabulary. */
    public static final String UNKNOWN = "<unk>";

    private static final String HEADER = "# PruneKit vocabulary v1, tokenizer ";
    private static final String HINT = "Save a vocabulary with Vocabulary.save(path) and load that file,"
            + " or fit a new one with Vocabulary.fit(...) (a model trained with another vocabulary will not"
            + " read the same ids).";

    private final Tokenizer tokenizer;
    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final int padId;
    private final int unknownId;

    private Vocabulary(Tokenizer tokenizer, List<String> tokens, String source) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>();
        for (int i = 0; i < this.tokens.size(); i++) {
            String t = this.tokens.get(i);
            if (t.isEmpty()) {
                throw new DatasetException(source + ": token " + i + " is empty. " + HINT);
            }
            Integer before = ids.put(t, i);
            if (before != null) {
                throw new DatasetException(source + ": token " + show(t) + " is there twice, as " + before + " and "
                        + i + ". " + HINT);
            }
        }
        this.padId = ids.getOrDefault(PAD, -1);
        this.unknownId = ids.getOrDefault(UNKNOWN, -1);
        if (padId > 0) {
            throw new DatasetException(source + ": " + PAD + " must be token 0, it is token " + padId + ". " + HINT);
        }
        if (this.tokens.size() < 2) {
            throw new DatasetException(source + " has " + this.tokens.size() + " tokens; a vocabulary needs at"
                    + " least 2. " + HINT);
        }
    }

    /**
     * A vocabulary of the given tokens, in id order.
     *
     * @param tokenizer how texts are cut into tokens
     * @param tokens the tokens, token {@code i} with id {@code i}; {@value #PAD}, if there, first
     * @return the vocabulary
     * @throws DatasetException if a token is empty or repeated, or {@value #PAD} is not first
     */
    public static Vocabulary of(Tokenizer tokenizer, List<String> tokens) {
        return new Vocabulary(tokenizer, tokens, "The vocabulary");
    }

    /**
     * The vocabulary of some texts: the special tokens asked for, then the tokens seen at least
     * {@code minCount} times, most frequent first (ties in code-point order), at most
     * {@code maxSize} tokens in all. Depends only on the texts and the settings.
     *
     * @param tokenizer how texts are cut into tokens
     * @param texts the texts to count tokens in (a model's training texts, never its test texts)
     * @param maxSize the most tokens, special tokens included; 0 for no limit
     * @param minCount the fewest times a token must occur to be kept (1 keeps all)
     * @param padding true to add {@value #PAD} as id 0
     * @param unknown true to add {@value #UNKNOWN}, which then stands for every token left out
     * @return the vocabulary
     */
    public static Vocabulary fit(Tokenizer tokenizer, Collection<String> texts, int maxSize, int minCount,
            boolean padding, boolean unknown) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (maxSize < 0 || minCount < 1) {
            throw new IllegalArgumentException("maxSize must be 0 (no limit) or positive and minCount at least 1,"
                    + " got " + maxSize + " and " + minCount + ".");
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String text : texts) {
            for (String t : tokenizer.split(text)) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        List<String> out = new ArrayList<>();
        if (padding) {
            out.add(PAD);
        }
        if (unknown) {
            out.add(UNKNOWN);
        }
        int room = maxSize == 0 ? Integer.MAX_VALUE : maxSize - out.size();
        counts.entrySet().stream()
                .filter(e -> e.getValue() >= minCount && !e.getKey().equals(PAD) && !e.getKey().equals(UNKNOWN))
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(Math.max(0, room))
                .forEach(e -> out.add(e.getKey()));
        if (out.size() < 2) {
            throw new DatasetException("The texts give a vocabulary of " + out.size() + " tokens (" + counts.size()
                    + " distinct tokens, minCount " + minCount + ", maxSize " + maxSize + "); a model needs at least 2."
                    + " Give more text or a lower minCount.");
        }
        return new Vocabulary(tokenizer, out, "The fitted vocabulary");
    }

    /** @return how texts are cut into tokens */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** @return the number of tokens, special tokens included: the rows of a model's embedding */
    public int size() {
        return tokens.size();
    }

    /** @return the tokens in id order */
    public List<String> tokens() {
        return tokens;
    }

    /**
     * @param id a token id
     * @return the token with that id
     */
    public String token(int id) {
        return tokens.get(Objects.checkIndex(id, tokens.size()));
    }

    /**
     * @param token a token
     * @return its id, or -1 if it is not in the vocabulary
     */
    public int id(String token) {
        return ids.getOrDefault(token, -1);
    }

    /** @return the id of {@value #PAD}, or -1 if the vocabulary has none */
    public int padId() {
        return padId;
    }

    /** @return the id of {@value #UNKNOWN}, or -1 if the vocabulary has none */
    public int unknownId() {
        return unknownId;
    }

    /**
     * The ids of a text's tokens. A token not in the vocabulary becomes {@value #UNKNOWN} if the
     * vocabulary has it.
     *
     * @param text a text
     * @return one id per token
     * @throws DatasetException if a token is not in a vocabulary without {@value #UNKNOWN} (the
     *     message names the token and where it is)
     */
    public int[] encode(String text) {
        List<String> split = tokenizer.split(text);
        int[] out = new int[split.size()];
        for (int i = 0; i < out.length; i++) {
            Integer id = ids.get(split.get(i));
            if (id == null) {
                if (unknownId < 0) {
                    throw new DatasetException("Token " + show(split.get(i)) + " (token " + i + " of the text starting "
                            + show(excerpt(text)) + ") is not in this vocabulary of " + size() + " " + tokenizer.label()
                            + ", which has no " + UNKNOWN + " token. Fit the vocabulary on texts that hold it, or fit"
                            + " one with unknown = true so that unseen tokens become " + UNKNOWN + ".");
                }
                id = unknownId;
            }
            out[i] = id;
        }
        return out;
    }

    /**
     * The text of some ids; {@value #PAD} is left out, {@value #UNKNOWN} shown as such.
     *
     * @param tokenIds ids in {@code 0..size()-1}
     * @return the text, joined as the tokenizer does
     * @throws IllegalArgumentException if an id is outside the vocabulary
     */
    public String decode(int[] tokenIds) {
        List<String> out = new ArrayList<>(tokenIds.length);
        for (int i = 0; i < tokenIds.length; i++) {
            int id = tokenIds[i];
            if (id < 0 || id >= size()) {
                throw new IllegalArgumentException("Id " + id + " at position " + i + " is outside this vocabulary's"
                        + " ids 0.." + (size() - 1) + ": it was made with another vocabulary, or is not a token id.");
            }
            if (id != padId) {
                out.add(tokens.get(id));
            }
        }
        return tokenizer.join(out);
    }

    /**
     * Writes the vocabulary as UTF-8 text: a header line naming the tokenizer, then one token a
     * line in id order, with {@code \}, line ends, tabs and other control characters escaped.
     *
     * @param file where to write (replaced if it exists)
     * @throws DatasetException if the file cannot be written
     */
    public void save(Path file) {
        StringBuilder b = new StringBuilder(HEADER).append(tokenizer.label()).append('\n');
        for (String t : tokens) {
            b.append(escape(t)).append('\n');
        }
        try {
            Files.writeString(file, b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException("Could not write the vocabulary to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a vocabulary written by {@link #save}.
     *
     * @param file the file
     * @return the vocabulary
     * @throws DatasetException if the file is missing, not a saved vocabulary, or damaged (the
     *     message says which line)
     */
    public static Vocabulary load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DatasetException("The vocabulary file " + file + " is missing. " + HINT, e);
        } catch (IOException e) {
            throw new DatasetException("Could not read the vocabulary file " + file + " (" + e + "). " + HINT, e);
        }
        if (lines.isEmpty() || !lines.get(0).startsWith(HEADER)) {
            throw new DatasetException(file + " is not a saved PruneKit vocabulary: its first line should start with \""
                    + HEADER.strip() + "\". " + HINT);
        }
        String label = lines.get(0).substring(HEADER.length()).strip();
        Tokenizer tokenizer = Tokenizer.byLabel(label);
        if (tokenizer == null) {
            throw new DatasetException(file + ": unknown tokenizer \"" + label + "\" (known: characters, words). " + HINT);
        }
        List<String> tokens = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            tokens.add(unescape(lines.get(i), file, i + 1));
        }
        return new Vocabulary(tokenizer, tokens, "The vocabulary file " + file);
    }

    private static String escape(String t) {
        StringBuilder b = new StringBuilder();
        t.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.toString();
    }

    private static String unescape(String line, Path file, int lineNumber) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char next = i + 1 < line.length() ? line.charAt(i + 1) : ' ';
            i++;
            switch (next) {
                case '\\' -> b.append('\\');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    String hex = i + 4 < line.length() ? line.substring(i + 1, i + 5) : "";
                    if (!hex.matches("[0-9a-fA-F]{4}")) {
                        throw new DatasetException(file + " line " + lineNumber + ": bad escape \\u" + hex + ". " + HINT);
                    }
                    b.append((char) Integer.parseInt(hex, 16));
                    i += 4;
                }
                default -> throw new DatasetException(file + " line " + lineNumber + ": unknown escape \\" + next
                        + " (known: \\\\, \\n, \\r, \\t, \\uXXXX). " + HINT);
            }
        }
        return b.toString();
    }

    /** A token as shown in messages: quoted, escaped, with its code point if it is one character. */
    static String show(String token) {
        String s = "\"" + escape(token) + "\"";
        return token.codePointCount(0, token.length()) == 1 ? s + String.format(" (U+%04X)", token.codePointAt(0)) : s;
    }

    private static String excerpt(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.tokenizer == tokenizer && v.tokens.equals(tokens);
    }

    @Override
    public int hashCode() {
        return tokenizer.hashCode() * 31 + tokens.hashCode();
    }

    @Override
    public String toString() {
        List<String> head = tokens.subList(0, Math.min(12, size()));
        StringBuilder b = new StringBuilder("Vocabulary{").append(size()).append(' ').append(tokenizer.label())
                .append(": ");
        for (int i = 0; i < head.size(); i++) {
            b.append(i > 0 ? ", " : "").append(escape(head.get(i)).replace(" ", "␣"));
        }
        return b.append(size() > head.size() ? ", ...}" : "}").toString();
    }
}
