package org.prunekit.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.prune.SparsityReport;
import org.prunekit.train.History;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/** Charts of several copies of one net name their series after what differs, not "#1 / #2". */
class LegendTest {

    private static Pruner global(Importance importance, double sparsity) {
        return Pruner.builder().setImportance(importance).setSparsity(sparsity).optScope(Scope.GLOBAL).build();
    }

    @Test
    void copiesPrunedByDifferentCriteriaAreNamedByTheirCriterion() {
        try (Net dense = Models.lenet300100(); Net lampNet = dense.copy(); Net globalNet = dense.copy()) {
            // the natural notebook code: copies keep the net's name, the reports come from apply()
            SparsityReport lampReport = global(Importance.lamp(), 0.98).plan(lampNet).apply();
            SparsityReport globalReport = global(Importance.magnitudeL1(), 0.98).plan(globalNet).apply();
            assertEquals("lamp, global 98 %", lampReport.pruning());
            CategoryChart c = Charts.layerSparsityChart(globalReport, lampReport);
            List<String> names = List.copyOf(c.getSeriesMap().keySet());
            assertEquals(List.of(String.format("magnitude-L1, global 98 %% (total %.1f%%)", 100 * globalReport.sparsity()),
                    String.format("lamp, global 98 %% (total %.1f%%)", 100 * lampReport.sparsity())), names);
            // the bars are each report's own numbers
            List<Number> fc3 = List.copyOf(c.getSeriesMap().get(names.get(1)).getYData());
            assertEquals(100 * lampReport.row("fc3").sparsity(), fc3.get(2).doubleValue(), 1e-9);
            // reports that do not say how they were made keep the old numbering
            List<String> plain = List.copyOf(Charts.layerSparsityChart(SparsityReport.of(globalNet),
                    SparsityReport.of(lampNet)).getSeriesMap().keySet());
            assertEquals("LeNet-300-100 #1", plain.get(0).substring(0, "LeNet-300-100 #1".length()));
        }
    }

    @Test
    void namedCopiesNameTheirReportsHistoriesAndSeries() {
        DataSplit data = Datasets.mnist().optLimit(200).optTestLimit(100).build();
        try (Net dense = Models.lenet300100(); Net lampNet = dense.copy("LAMP 90 %");
                Net globalNet = dense.copy("global magnitude 90 %")) {
            assertEquals(dense.architecture(), lampNet.architecture());
            global(Importance.lamp(), 0.9).plan(lampNet).apply();
            global(Importance.magnitudeL1(), 0.9).plan(globalNet).apply();
            History lamp = Training.fit(lampNet, data, TrainConfig.epochs(1), Progress.none());
            History magnitude = Training.fit(globalNet, data, TrainConfig.epochs(1), Progress.none());
            assertEquals("LAMP 90 %", lamp.net());
            XYChart curves = Charts.trainingCurvesChart(magnitude, lamp);
            assertEquals(List.of("global magnitude 90 % test", "global magnitude 90 % train", "LAMP 90 % test",
                    "LAMP 90 % train"), List.copyOf(curves.getSeriesMap().keySet()));
            assertEquals("LAMP 90 %", SparsityReport.of(lampNet).net());
            CategoryChart bars = Charts.layerSparsityChart(SparsityReport.of(globalNet), SparsityReport.of(lampNet));
            assertEquals(List.of("global magnitude 90 %", "LAMP 90 %"), bars.getSeriesMap().keySet().stream()
                    .map(n -> n.substring(0, n.indexOf(" (total"))).toList());
            assertThrows(IllegalArgumentException.class, () -> dense.copy(" "));
        }
    }
}
