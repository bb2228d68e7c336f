package org.prunekit.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a text is cut into tokens before a {@link Vocabulary} numbers them.
 *
 * <ul>
 *   <li>{@link #CHARACTERS}: one token per Unicode code point, white space and punctuation
 *       included; {@link #join} gives the text back exactly.</li>
 *   <li>{@link #WORDS}: the text lower-cased, then runs of letters (with inner apostrophes, as in
 *       {@code "don't"}), runs of digits, and every other visible character on its own; white space
 *       only separates. {@link #join} puts one space between tokens, so it gives back the
 *       lower-cased words, not the original spacing.</li>
 * </ul>
 *
 * <pre>{@code
 * Tokenizer.CHARACTERS.split("Call me");   // [C, a, l, l,  , m, e]
 * Tokenizer.WORDS.split("Call me Ishmael.");   // [call, me, ishmael, .]
 * }</pre>
 */
public enum Tokenizer {

    /** One token per code point; exact round trip. */
    CHARACTERS("characters") {
        @Override
        public List<String> split(String text) {
            List<String> out = new ArrayList<>(text.length());
            text.codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
            return out;
        }

        @Override
        public String join(List<String> tokens) {
            return String.join("", tokens);
        }
    },

    /** Lower-cased words, numbers and single punctuation marks. */
    WORDS("words") {
        @Override
        public List<String> split(String text) {
            List<String> out = new ArrayList<>();
            Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
            while (m.find()) {
                out.add(m.group());
            }
            return out;
        }

        @Override
        public String join(List<String> tokens) {
            return String.join(" ", tokens);
        }
    };

    private static final Pattern WORD = Pattern.compile("\\p{L}+(?:['’]\\p{L}+)*|\\p{N}+|[^\\s\\p{L}\\p{N}]");

    private final String label;

    Tokenizer(String label) {
        this.label = label;
    }

    /**
     * @param text any text
     * @return its tokens, in order
     */
    public abstract List<String> split(String text);

    /**
     * @param tokens tokens as {@link #split} makes them
     * @return the text they stand for (exact for {@link #CHARACTERS}, single-spaced for {@link #WORDS})
     */
    public abstract String join(List<String> tokens);

    /** @return the name used in saved vocabularies: {@code "characters"} or {@code "words"} */
    public String label() {
        return label;
    }

    /**
     * @param label a name written by {@link #label()} (in a saved vocabulary or net file)
     * @return the tokenizer saved under {@code label}, or null if there is none
     */
    public static Tokenizer byLabel(String label) {
        for (Tokenizer t : values()) {
            if (t.label.equals(label)) {
                return t;
            }
        }
        return null;
    }
}
