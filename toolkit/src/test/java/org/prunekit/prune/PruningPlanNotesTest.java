package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Html;

/**
 * A plan's warnings (layers skipped, a target not reached) are notes: a notebook shows them under
 * the plan's HTML table exactly as the text prints them.
 */
class PruningPlanNotesTest {

    @Test
    void skippedLayersAndAnUnreachableTargetShowInTextAndHtml() {
        try (Net net = Models.sequential("nm", 6).dense(8).relu().dense(2).build()) {
            PruningPlan nm = Pruner.builder().setImportance(Importance.magnitudeL1())
                    .optGranularity(Granularity.nm(2, 4)).build().plan(net);
            assertEquals(Set.of("fc1"), nm.skipped().keySet(), "6 inputs: not a multiple of M = 4");
            String skipped = "skipped fc1: " + nm.skipped().get("fc1");
            assertEquals(List.of(skipped), nm.notes());
            assertTrue(nm.toHtml().contains("<li>" + Html.escape(skipped) + "</li>"), nm.toHtml());

            PruningPlan capped = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.99)
                    .optScope(Scope.LAYER).build().plan(net);
            String target = capped.notes().get(0);
            assertTrue(target.contains("not reached") && target.contains("never empties a layer"), target);
            assertTrue(capped.toHtml().contains("<li>" + Html.escape(target) + "</li>"), capped.toHtml());

            // both kinds in one plan: both warnings, skipped layers first, in the text and in the HTML
            PruningPlan both = new PruningPlan(net, nm.pruner(), nm.layers(), "none", nm.skipped(), List.of(target));
            assertEquals(List.of(skipped, target), both.notes());
            org.prunekit.ResultsRenderTest.assertRendersFromOneSource(both);
            assertTrue(both.toText().endsWith(skipped + "\n" + target), both.toText());
        }
    }

    @Test
    void theTableEndsWithATotalRowAndTheCaptionSaysWhetherItWasApplied() {
        try (Net net = Models.sequential("two", 4).dense(5).relu().dense(3).build()) {
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optScope(Scope.GLOBAL).build().plan(net);
            var t = plan.toTable();
            assertEquals(plan.layers().size() + 1, t.rowCount());
            assertEquals("total", t.stringColumn("layer").get(plan.layers().size()));
            assertEquals(20 + 15, t.longColumn("weights").get(plan.layers().size()));
            assertEquals(plan.sparsityAfter(), t.doubleColumn("sparsity after").get(plan.layers().size()), 1e-12);
            assertTrue(t.name().startsWith("Pruning plan for two: ") && t.name().endsWith("(not applied)"), t.name());
            org.prunekit.ResultsRenderTest.assertRendersFromOneSource(plan);
            plan.apply();
            assertTrue(plan.toText().contains("(applied)"), plan.toText());
        }
    }
}
