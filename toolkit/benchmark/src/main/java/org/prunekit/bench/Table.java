package org.prunekit.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prunekit.notebook.TableFormat;

/** A small benchmark result table: printed aligned, written as CSV; decimals as {@link TableFormat#number(double)} shows them. */
final class Table {

    private final String title;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String title, String... header) {
        this.title = title;
        this.header = List.of(header);
    }

    Table add(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row of " + cells.length + " cells for " + header.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(c instanceof Double d ? TableFormat.number(d) : String.valueOf(c));
        }
        rows.add(row);
        return this;
    }

    void print(PrintStream out) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        out.println();
        out.println(title);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            line.append(String.format("%-" + (width[i] + 2) + "s", header.get(i)));
        }
        out.println(line.toString().stripTrailing());
        for (List<String> r : rows) {
            line.setLength(0);
            for (int i = 0; i < width.length; i++) {
                line.append(String.format("%-" + (width[i] + 2) + "s", r.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    void writeCsv(Path file) {
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (List<String> r : rows) {
            sb.append(String.join(",", r.stream().map(c -> c.contains(",") ? '"' + c + '"' : c).toList())).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
