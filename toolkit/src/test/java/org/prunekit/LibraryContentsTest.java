package org.prunekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The library a user loads ({@code toolkit/target/prunekit.jar}) holds only the library: the course
 * kit ({@code org.prunekit.course}) and the benchmark ({@code org.prunekit.bench}) are modules of
 * their own ({@code toolkit/course/}, {@code toolkit/benchmark/}). The test reads what the jar is
 * made of: the library's compiled classes (its {@code target/classes} while the module's tests run,
 * the jar itself when the tests run against it).
 */
class LibraryContentsTest {

    private static final List<String> NOT_LIBRARY = List.of("org/prunekit/course/", "org/prunekit/bench/");

    /** @return every entry name (files and folders, '/'-separated) where {@link PruneKit} was loaded from */
    private static List<String> entries() throws IOException, URISyntaxException {
        Path where = Path.of(PruneKit.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.walk(where)) {
                files.filter(p -> !p.equals(where))
                        .forEach(p -> names.add(where.relativize(p).toString().replace('\\', '/')
                                + (Files.isDirectory(p) ? "/" : "")));
            }
        } else {
            try (ZipFile jar = new ZipFile(where.toFile())) {
                jar.stream().map(ZipEntry::getName).forEach(names::add);
            }
        }
        return names;
    }

    @Test
    void theLibraryHoldsNoCourseOrBenchmarkClass() throws Exception {
        List<String> names = entries();
        assertTrue(names.contains("org/prunekit/PruneKit.class"), "the library's own classes were not found: " + names);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("org/prunekit/prune/")), "no org.prunekit.prune in " + names);
        // files only: a checkout built before the split keeps the emptied folders until "mvn clean"
        List<String> misplaced = names.stream().filter(n -> !n.endsWith("/"))
                .filter(n -> NOT_LIBRARY.stream().anyMatch(n::startsWith)).toList();
        assertEquals(List.of(), misplaced, "course and benchmark classes belong in toolkit/course/ and"
                + " toolkit/benchmark/ (modules of their own), not in the library");
    }
}
