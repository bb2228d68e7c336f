package org.prunekit.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.SparsityReport;

/** Bar labels that would overlap are turned; short ones stay horizontal. */
class BarLabelsTest {

    private static Map<String, Double> perLayer(Net net) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Layer l : net.prunableLayers()) {
            values.put(l.name(), 0.5 + values.size() / 100.0);
        }
        return values;
    }

    @Test
    void resNet8LayerNamesAreTurnedLeNetNamesAreNot() {
        try (Net resnet = Models.resNet8(); Net lenet = Models.lenet300100()) {
            List<String> names = resnet.prunableLayers().stream().map(Layer::name).toList();
            assertEquals(true, names.contains("res2.sc_conv1"), names.toString());
            assertEquals(45, Charts.barsChart("Sensitivity per layer", "layer", "accuracy", perLayer(resnet))
                    .getStyler().getXAxisLabelRotation());
            assertEquals(45, Charts.layerSparsityChart(SparsityReport.of(resnet)).getStyler().getXAxisLabelRotation());
            assertEquals(0, Charts.barsChart("Sensitivity per layer", "layer", "accuracy", perLayer(lenet))
                    .getStyler().getXAxisLabelRotation());
        }
    }

    @Test
    void manyCategoriesStandUpright() {
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            values.put("unit " + i, (double) i);
        }
        assertEquals(90, Charts.barsChart("Sixty bars", "unit", "score", values).getStyler().getXAxisLabelRotation());
    }
}
