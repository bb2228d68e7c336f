package org.prunekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text data sets shipped in datasets/text/ (Moby Dick, SpamAssassin), the tokenizers and vocabularies. */
class TextDataTest {

    private static final Path REPO = Path.of(System.getProperty("prunekit.repo", ".."));

    @Test
    void charactersRoundTripExactlyAndWordsSplitAsDocumented() {
        String text = "Call me Ishmael.\n\tSome years ago—never mind how long—“Don’t”, 42 whales! 🐋";
        Vocabulary v = Vocabulary.fit(Tokenizer.CHARACTERS, List.of(text), 0, 1, false, false);
        assertEquals(text, v.decode(v.encode(text)));
        assertEquals(text.codePointCount(0, text.length()), v.encode(text).length);
        assertEquals(List.of("call", "me", "ishmael", ".", "don’t", ",", "42", "whales", "!"),
                Tokenizer.WORDS.split("Call me Ishmael. Don’t, 42 whales!"));
        Vocabulary w = Vocabulary.fit(Tokenizer.WORDS, List.of("the whale, the sea. the whale"), 0, 1, true, true);
        assertEquals(List.of(Vocabulary.PAD, Vocabulary.UNKNOWN, "the", "whale", ",", ".", "sea"), w.tokens());
        assertEquals("the whale <unk> the sea", w.decode(w.encode("The whale ahab the sea")));
        assertEquals("the whale", w.decode(new int[] {2, 3, 0, 0}), "padding is left out");
    }

    @Test
    void mobyDickHasTheDocumentedSizesAndHeldOutChapters() {
        CorpusSplit c = Datasets.mobyDick().build();
        assertEquals(89, c.vocabulary().size());
        assertEquals(Tokenizer.CHARACTERS, c.vocabulary().tokenizer());
        assertEquals(-1, c.vocabulary().unknownId());
        assertEquals(1_120_458, c.train().tokenCount());
        assertEquals(92_520, c.test().tokenCount());
        assertEquals(128, c.train().window());
        assertEquals((1_120_458 - 129) / 128 + 1, c.train().size());
        assertEquals((92_520 - 129) / 128 + 1, c.test().size());
        String train = c.vocabulary().decode(c.train().tokens());
        String test = c.vocabulary().decode(c.test().tokens());
        assertTrue(train.startsWith("ETYMOLOGY. (Supplied by a Late Consumptive Usher"), train.substring(0, 80));
        assertTrue(train.contains("Call me Ishmael."));
        for (int n = 1; n <= 135; n++) {
            String heading = "CHAPTER " + n + ". ";
            assertEquals(n % 10 == 0 && n <= 130, test.contains(heading), heading);
            assertEquals(n % 10 != 0 || n > 130, train.contains(heading), heading);
        }
        // the held-out text shares no long passage with the training text
        for (int i = 0; i + 200 < test.length(); i += 5000) {
            assertFalse(train.contains(test.substring(i, i + 200)), "test passage at " + i + " is in train");
        }
    }

    @Test
    void windowsAreInputsWithNextTokenTargets() {
        CorpusSplit c = Datasets.mobyDick().optWindow(64).optStride(32).build();
        TokenWindows train = c.train();
        assertEquals(64, train.window());
        assertEquals(32, train.start(1));
        int[] all = train.tokens();
        for (int i : new int[] {0, 1, 500, train.size() - 1}) {
            assertArrayEquals(Arrays.copyOfRange(all, train.start(i), train.start(i) + 64), train.inputs(i));
            assertArrayEquals(Arrays.copyOfRange(all, train.start(i) + 1, train.start(i) + 65), train.targets(i));
        }
        assertTrue(train.start(train.size() - 1) + 65 <= all.length);
        assertEquals(64, c.test().start(1), "test windows never overlap");
        try (NDManager m = NDManager.newBaseManager()) {
            NDList batch = train.batch(m, new int[] {3, 0, 7}, 0, 3);
            assertEquals(new Shape(3, 64), batch.get(0).getShape());
            assertEquals(new Shape(3, 64), batch.get(1).getShape());
            assertEquals(DataType.INT64, batch.get(0).getDataType());
            assertEquals(train.inputs(3)[5], batch.get(0).getLong(0, 5));
            assertEquals(train.targets(7)[63], batch.get(1).getLong(2, 63));
        }
    }

    @Test
    void corpusBuildsAndLimitsAreDeterministic() {
        TextCorpus seven = Datasets.mobyDick().optLimit(300).optTestLimit(50).optSeed(7);
        CorpusSplit a = seven.build();
        CorpusSplit b = seven.build(); // building again gives the same windows
        CorpusSplit other = Datasets.mobyDick().optLimit(300).optSeed(8).build();
        assertEquals(300, a.train().size());
        assertEquals(50, a.test().size());
        assertEquals(a.vocabulary(), b.vocabulary());
        int[] startsA = new int[300];
        int[] startsB = new int[300];
        int[] startsOther = new int[300];
        for (int i = 0; i < 300; i++) {
            startsA[i] = a.train().start(i);
            startsB[i] = b.train().start(i);
            startsOther[i] = other.train().start(i);
        }
        assertArrayEquals(startsA, startsB);
        assertNotEquals(Arrays.toString(startsA), Arrays.toString(startsOther));
        assertTrue(a.toString().contains("at most 300 train / 50 test windows kept (seed 7)"), a.toString());
    }

    @Test
    void wordLevelCorpusHasAnUnknownTokenAndABoundedVocabulary() {
        CorpusSplit w = Datasets.mobyDick().optTokenizer(Tokenizer.WORDS).optMaxVocabulary(5000).optWindow(32).build();
        Vocabulary v = w.vocabulary();
        assertEquals(5000, v.size());
        assertEquals(0, v.unknownId());
        assertEquals(Tokenizer.WORDS, v.tokenizer());
        assertTrue(v.id("whale") > 0 && v.id("ishmael") > 0);
        assertEquals("the", v.token(v.id("the")));
        long unknown = Arrays.stream(w.test().tokens()).filter(t -> t == 0).count();
        assertTrue(unknown > 0 && unknown < w.test().tokenCount() / 10, unknown + " unknown test words");
    }

    @Test
    void spamAssassinHasTheDocumentedCountsAndAStratifiedSplit() {
        TextSplit s = Datasets.spamAssassin().build();
        assertEquals(List.of("ham", "spam"), s.train().classNames());
        assertArrayEquals(new int[] {3284, 1409}, s.train().classCounts());
        assertArrayEquals(new int[] {821, 352}, s.test().classCounts());
        assertEquals(SpamAssassin.ROWS, s.train().size() + s.test().size());
        assertEquals(256, s.train().length());
        assertEquals(0, s.vocabulary().padId());
        assertEquals(1, s.vocabulary().unknownId());
        // the texts are distinct, so no text is in both parts
        Set<String> train = new HashSet<>();
        for (int i = 0; i < s.train().size(); i++) {
            assertTrue(train.add(s.train().text(i)), "repeated training text " + i);
            assertTrue(s.train().text(i).length() <= 600);
        }
        for (int i = 0; i < s.test().size(); i++) {
            assertFalse(train.contains(s.test().text(i)), "test text " + i + " is also in train");
        }
        // sequences: the text's first 256 characters, then padding
        for (int i : new int[] {0, 10, 1000}) {
            String text = s.train().text(i);
            int n = Math.min(256, text.codePointCount(0, text.length()));
            assertEquals(n, s.train().tokenCount(i));
            int[] seq = s.train().sequence(i);
            String head = text.substring(0, text.offsetByCodePoints(0, n));
            assertEquals(s.vocabulary().decode(s.vocabulary().encode(head)), s.vocabulary().decode(seq));
            assertTrue(Arrays.stream(seq, n, 256).allMatch(t -> t == 0));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDList batch = s.test().batch(m, new int[] {4, 2}, 0, 2);
            assertEquals(new Shape(2, 256), batch.get(0).getShape());
            assertEquals(new Shape(2), batch.get(1).getShape());
            assertEquals(s.test().label(2), batch.get(1).getLong(1));
            assertEquals(s.test().sequence(4)[17], batch.get(0).getLong(0, 17));
        }
    }

    @Test
    void spamSplitIsDeterministicPerSeed() {
        TextSplit a = Datasets.spamAssassin().optSeed(3).optMaxLength(64).build();
        TextSplit b = Datasets.spamAssassin().optSeed(3).optMaxLength(64).build();
        TextSplit c = Datasets.spamAssassin().optSeed(4).optMaxLength(64).build();
        assertArrayEquals(a.test().labels(), b.test().labels());
        assertEquals(a.test().text(100), b.test().text(100));
        assertEquals(a.vocabulary(), b.vocabulary());
        assertArrayEquals(a.test().classCounts(), c.test().classCounts(), "stratified: same counts per class");
        assertNotEquals(a.test().text(0) + a.test().text(1), c.test().text(0) + c.test().text(1));
        TextSplit limited = Datasets.spamAssassin().optLimit(500).optTestLimit(100).build();
        assertEquals(500, limited.train().size());
        assertEquals(100, limited.test().size());
        TextSplit words = Datasets.spamAssassin().optTokenizer(Tokenizer.WORDS).optMaxVocabulary(2000).build();
        assertEquals(2000, words.vocabulary().size());
        assertEquals(Vocabulary.PAD, words.vocabulary().token(0));
    }

    @Test
    void embeddedFilesMatchTheRepositoryCopyAndItsChecksums() throws Exception {
        Path dir = REPO.resolve("datasets/text");
        List<String> sums = Files.readAllLines(dir.resolve("SHA256SUMS"));
        assertEquals(3, sums.size());
        for (String line : sums) {
            String[] f = line.split(" {2}");
            byte[] bytes = Files.readAllBytes(dir.resolve(f[1]));
            assertEquals(f[0], HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), f[1]);
            try (var in = TextDataTest.class.getResourceAsStream(TextCorpus.RESOURCE + f[1])) {
                assertArrayEquals(bytes, in.readAllBytes(), f[1] + " in the jar");
            }
        }
        CorpusSplit fromRepo = Datasets.textCorpus(dir.resolve("moby-dick-train.txt.gz"),
                dir.resolve("moby-dick-test.txt.gz")).build();
        assertArrayEquals(Datasets.mobyDick().build().test().tokens(), fromRepo.test().tokens());
    }

    @Test
    void vocabularySavesAndLoadsAsTheSameValue(@TempDir Path tmp) throws IOException {
        Vocabulary chars = Datasets.mobyDick().optTestLimit(1).optLimit(1).build().vocabulary();
        Path file = tmp.resolve("moby.vocab");
        chars.save(file);
        Vocabulary back = Vocabulary.load(file);
        assertEquals(chars, back);
        assertEquals(chars.hashCode(), back.hashCode());
        assertTrue(back.id("\n") >= 0 && back.id(" ") >= 0);
        Vocabulary odd = Vocabulary.of(Tokenizer.CHARACTERS, List.of(Vocabulary.PAD, Vocabulary.UNKNOWN, "\\", "\t",
                "\r", "\u2028", "\u0085", "x", "\uD83D\uDC0B"));
        odd.save(file);
        assertEquals(odd, Vocabulary.load(file));
        assertEquals(10, Files.readAllLines(file).size(), "a header and one line per token");
        String text = "Call me Ishmael.\n";
        assertArrayEquals(chars.encode(text), back.encode(text));
        assertEquals(text, back.decode(chars.encode(text)));
    }

    @Test
    void aGivenVocabularyIsUsedAsItIs(@TempDir Path tmp) {
        CorpusSplit fitted = Datasets.mobyDick().optTokenizer(Tokenizer.WORDS).optWindow(16).build();
        Path file = tmp.resolve("words.vocab");
        fitted.vocabulary().save(file);
        CorpusSplit reread = Datasets.mobyDick().optVocabulary(Vocabulary.load(file)).optWindow(16).build();
        assertEquals(Tokenizer.WORDS, reread.vocabulary().tokenizer(), "the vocabulary brings its tokenizer");
        assertArrayEquals(fitted.test().tokens(), reread.test().tokens());
        assertTrue(reread.provenance().contains("vocabulary given"), reread.provenance());

        List<String> texts = List.of("cheap pills now", "meeting at noon", "buy cheap now", "lunch at noon");
        int[] labels = {1, 0, 1, 0};
        Vocabulary noPad = Vocabulary.of(Tokenizer.WORDS, List.of(Vocabulary.UNKNOWN, "cheap", "noon"));
        DatasetException pad = assertThrows(DatasetException.class,
                () -> Datasets.fromTexts(texts, labels, List.of("ham", "spam")).optVocabulary(noPad).build());
        assertTrue(pad.getMessage().contains("has no <pad> token"), pad.getMessage());
        TextSplit own = Datasets.fromTexts(texts, labels, List.of("ham", "spam")).optTokenizer(Tokenizer.WORDS)
                .optMaxLength(4).optTestFraction(0.5).build();
        assertArrayEquals(new int[] {1, 1}, own.train().classCounts());
        assertArrayEquals(new int[] {1, 1}, own.test().classCounts());
        assertEquals(3, own.train().tokenCount(0));
        assertEquals(0, own.train().sequence(0)[3], "padded with <pad> = 0");
        DatasetException padLater = assertThrows(DatasetException.class,
                () -> Vocabulary.of(Tokenizer.WORDS, List.of("a", Vocabulary.PAD)));
        assertTrue(padLater.getMessage().contains("<pad> must be token 0"), padLater.getMessage());
    }

    @Test
    void badVocabularyFilesSayWhatIsWrong(@TempDir Path tmp) throws IOException {
        DatasetException missing = assertThrows(DatasetException.class, () -> Vocabulary.load(tmp.resolve("none")));
        assertTrue(missing.getMessage().contains("is missing"), missing.getMessage());
        assertLoadFails(tmp, "a\nb\n", "not a saved PruneKit vocabulary");
        assertLoadFails(tmp, "# PruneKit vocabulary v1, tokenizer characters\na\n\\q\n", "line 3: unknown escape \\q");
        assertLoadFails(tmp, "# PruneKit vocabulary v1, tokenizer characters\na\nb\na\n", "there twice, as 0 and 2");
        assertLoadFails(tmp, "# PruneKit vocabulary v1, tokenizer bytes\na\nb\n", "unknown tokenizer \"bytes\"");
    }

    private static void assertLoadFails(Path tmp, String content, String expected) throws IOException {
        Path file = Files.writeString(tmp.resolve("vocab"), content);
        DatasetException e = assertThrows(DatasetException.class, () -> Vocabulary.load(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aTokenOutsideTheVocabularyIsNamed(@TempDir Path tmp) throws IOException {
        Vocabulary moby = Datasets.mobyDick().build().vocabulary();
        DatasetException e = assertThrows(DatasetException.class, () -> moby.encode("the whale ~ sea"));
        assertTrue(e.getMessage().contains("Token \"~\" (U+007E) (token 10 of the text starting \"the whale ~ sea\")"
                + " is not in this vocabulary of 89 characters"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown = true"), e.getMessage());
        Path train = Files.writeString(tmp.resolve("train.txt"), "abc abc abc abc abc abc");
        Path test = Files.writeString(tmp.resolve("test.txt"), "abc abd");
        DatasetException unseen = assertThrows(DatasetException.class,
                () -> Datasets.textCorpus(train, test).optWindow(3).build());
        assertTrue(unseen.getMessage().contains("test text: Token \"d\" (U+0064)"), unseen.getMessage());
        assertThrows(IllegalArgumentException.class, () -> moby.decode(new int[] {89}));
    }

    @Test
    void windowsAndLengthsAreBounded(@TempDir Path tmp) throws IOException {
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> Datasets.mobyDick().optWindow(TextCorpus.MAX_WINDOW + 1));
        assertTrue(window.getMessage().contains("A window must be 1..2048 tokens, got 2049"), window.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Datasets.mobyDick().optWindow(0));
        assertThrows(IllegalArgumentException.class, () -> Datasets.mobyDick().optStride(0));
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> Datasets.spamAssassin().optMaxLength(TextClassification.MAX_LENGTH + 1));
        assertTrue(length.getMessage().contains("A sequence must be 1..4096 tokens, got 4097"), length.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Datasets.spamAssassin().optTestFraction(1));
        Path train = Files.writeString(tmp.resolve("train.txt"), "the whale the whale the whale");
        Path test = Files.writeString(tmp.resolve("test.txt"), "the whale");
        DatasetException shortTest = assertThrows(DatasetException.class,
                () -> Datasets.textCorpus(train, test).optWindow(9).build());
        assertTrue(shortTest.getMessage().contains("test has 9 tokens, too few for one window of 9 tokens"),
                shortTest.getMessage());
    }

    @Test
    void missingOrDamagedTextFilesSayHowToFixThem(@TempDir Path tmp) throws IOException {
        Path good = tmp.resolve("good.txt");
        Files.writeString(good, "call me ishmael, call me ishmael");
        DatasetException missing = assertThrows(DatasetException.class,
                () -> Datasets.textCorpus(tmp.resolve("nowhere.txt"), good).build());
        assertTrue(missing.getMessage().contains("nowhere.txt is missing"), missing.getMessage());
        byte[] gz = Files.readAllBytes(REPO.resolve("datasets/text/moby-dick-test.txt.gz"));
        Path truncated = Files.write(tmp.resolve("cut.txt.gz"), Arrays.copyOf(gz, gz.length / 2));
        DatasetException cut = assertThrows(DatasetException.class, () -> Datasets.textCorpus(truncated, good).build());
        assertTrue(cut.getMessage().contains("cut.txt.gz is truncated or corrupt"), cut.getMessage());
        Path latin1 = Files.write(tmp.resolve("latin1.txt"), "café".getBytes(StandardCharsets.ISO_8859_1));
        DatasetException notUtf8 = assertThrows(DatasetException.class, () -> Datasets.textCorpus(latin1, good).build());
        assertTrue(notUtf8.getMessage().contains("latin1.txt is not UTF-8 text"), notUtf8.getMessage());
        DatasetException labels = assertThrows(DatasetException.class,
                () -> Datasets.fromTexts(List.of("a b", "c d"), new int[] {0}, List.of("x", "y")).build());
        assertTrue(labels.getMessage().contains("2 texts but 1 labels"), labels.getMessage());
        DatasetException tooFew = assertThrows(DatasetException.class,
                () -> Datasets.fromTexts(List.of("a b", "c d", "e f"), new int[] {0, 0, 1}, List.of("x", "y")).build());
        assertTrue(tooFew.getMessage().contains("class \"y\" has only 1 example"), tooFew.getMessage());
    }
}
