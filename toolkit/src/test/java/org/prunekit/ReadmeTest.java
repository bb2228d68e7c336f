package org.prunekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;

/**
 * The README's Java code runs as written: every {@code ```java} block, in order, in one JShell
 * (in a JVM of its own, with the toolkit's class path), as a reader pastes them into a notebook.
 * A block fails the test on any compile error or exception. Blocks that cannot run here (they
 * read the reader's own files) are marked {@code ```java no-run} and counted. Every block, run or
 * not, must import every class it names, so that it also works on its own in a kernel that
 * preloads nothing.
 */
class ReadmeTest {

    private static final Pattern FENCE = Pattern.compile("^```(\\S*)(.*)$");

    /** A fenced block of the README: its info string and its lines. */
    record Block(int line, String language, boolean run, String code) {}

    static Path readme() {
        String repo = System.getProperty("prunekit.repo");
        Path p = repo != null ? Path.of(repo, "README.md") : Path.of("..", "README.md");
        if (!Files.exists(p)) {
            p = Path.of("README.md");
        }
        return p.toAbsolutePath().normalize();
    }

    static List<Block> blocks(List<String> lines) {
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = FENCE.matcher(lines.get(i));
            if (!m.matches() || m.group(1).isEmpty()) {
                continue;
            }
            int start = i;
            StringBuilder code = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                code.append(lines.get(i)).append('\n');
            }
            String info = m.group(2).trim();
            out.add(new Block(start + 1, m.group(1), !info.equals("no-run"), code.toString()));
        }
        return out;
    }

    private static List<Block> javaBlocks() throws IOException {
        return blocks(Files.readAllLines(readme())).stream().filter(b -> b.language().equals("java")).toList();
    }

    @Test
    void everyJavaBlockImportsTheClassesItNames() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Block b : javaBlocks()) {
            for (String name : unresolved(b.code())) {
                problems.add("README.md line " + b.line() + ": " + name + " is not imported by its block");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyJavaBlockRunsAsWrittenInOrder() throws IOException {
        List<Block> all = javaBlocks();
        List<Block> run = all.stream().filter(Block::run).toList();
        List<Block> skipped = all.stream().filter(b -> !b.run()).toList();
        // the count of blocks not run is part of the test: a new no-run block is a decision, not an accident
        assertEquals(1, skipped.size(), "blocks marked no-run: " + skipped.stream().map(b -> "line " + b.line()).toList());
        assertTrue(run.size() >= 10, "java blocks run: " + run.size());

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        String classPath = System.getProperty("java.class.path");
        try (JShell shell = JShell.builder().out(out).err(out)
                .remoteVMOptions("--class-path", classPath, "-Djava.awt.headless=true", "-Dai.djl.offline=true",
                        "-Xmx1g")
                .compilerOptions("--class-path", classPath)
                .build()) {
            for (Block b : run) {
                for (String snippet : snippets(shell, b.code())) {
                    for (SnippetEvent e : shell.eval(snippet)) {
                        if (e.status() == Snippet.Status.REJECTED) {
                            fail("README.md block at line " + b.line() + " does not compile:\n" + snippet + "\n"
                                    + shell.diagnostics(e.snippet()).map(d -> d.getMessage(null))
                                            .collect(Collectors.joining("\n")) + "\noutput so far:\n" + tail(output));
                        }
                        if (e.exception() != null) {
                            fail("README.md block at line " + b.line() + " throws " + e.exception() + ":\n" + snippet
                                    + "\noutput so far:\n" + tail(output));
                        }
                    }
                }
            }
        }
        System.out.println(output.toString(StandardCharsets.UTF_8));
    }

    private static String tail(ByteArrayOutputStream output) {
        String s = output.toString(StandardCharsets.UTF_8);
        return s.length() > 3000 ? "..." + s.substring(s.length() - 3000) : s;
    }

    /** The block cut into complete snippets, as a notebook kernel cuts a cell. */
    static List<String> snippets(JShell shell, String code) {
        List<String> out = new ArrayList<>();
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String rest = code;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            if (!info.completeness().isComplete()) {
                fail("Incomplete code in the README: " + rest);
            }
            out.add(info.source());
            rest = info.remaining();
        }
        return out;
    }

    /**
     * The capitalised names a block uses as classes (not after a dot, not constants) that neither
     * java.lang, nor its single-type imports, nor its on-demand imports provide.
     */
    static Set<String> unresolved(String code) {
        String plain = code.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("'(\\\\.|[^'\\\\])*'", "''").replaceAll("//[^\n]*", " ");
        List<String> single = new ArrayList<>();
        List<String> packages = new ArrayList<>(List.of("java.lang"));
        Matcher imports = Pattern.compile("(?m)^\\s*import\\s+([\\w.]+?)(\\.\\*)?\\s*;").matcher(plain);
        while (imports.find()) {
            if (imports.group(2) != null) {
                packages.add(imports.group(1));
            } else {
                single.add(imports.group(1).substring(imports.group(1).lastIndexOf('.') + 1));
            }
        }
        String body = plain.replaceAll("(?m)^\\s*import\\s+[^;]*;", " ");
        Set<String> missing = new LinkedHashSet<>();
        Matcher names = Pattern.compile("\\b([A-Z][A-Za-z0-9_]*)\\b").matcher(body);
        while (names.find()) {
            String n = names.group(1);
            int before = names.start(1) - 1;
            while (before >= 0 && Character.isWhitespace(body.charAt(before))) {
                before--;
            }
            if (before >= 0 && body.charAt(before) == '.' || n.equals(n.toUpperCase()) || single.contains(n)) {
                continue;
            }
            if (packages.stream().noneMatch(p -> exists(p + "." + n))) {
                missing.add(n);
            }
        }
        return missing;
    }

    private static boolean exists(String className) {
        try {
            Class.forName(className, false, ReadmeTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Test
    void theImportCheckFindsAMissingImport() {
        assertEquals(Set.of("Shape"), unresolved("import org.prunekit.model.*;\nNet n = Models.sequential(\"x\","
                + " new Shape(1, 28, 28)).dense(10).build(1); // Table in a comment\nString s = \"Table\";"));
        assertEquals(Set.of(), unresolved("import ai.djl.ndarray.types.Shape;\nimport org.prunekit.model.*;\n"
                + "Net n = Models.lenet300100();\nNetIO.Format f = NetIO.Format.SPARSE;\nShape s = n.inputShape();"));
    }
}
