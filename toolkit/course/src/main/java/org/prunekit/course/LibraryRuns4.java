package org.prunekit.course;

import java.util.List;
import org.prunekit.model.Net;
import org.prunekit.prune.Calibration;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.prune.SparseGpt;
import org.prunekit.prune.SparseGptResult;

/**
 * The library parts of assignment 4's exercises 2 and 4: a net the student pruned with the library
 * (Wanda, SparseGPT) against the checker's own run of the same method, with the same settings and
 * calibration, on its own copy of the trained model; the alternatives a wrong answer may have used
 * (magnitude, a layer-wise ranking, a mask without SparseGPT's update) are run too, to name them.
 */
final class LibraryRuns4 {

    private LibraryRuns4() {}

    /** @return whether {@code net} is a copy of the trained model with all its units; if not, a failed requirement */
    static boolean isCopy(Check c, Reference r, Net net, String name) {
        boolean ok = net != null && Reference.sameShapes(net, r.trained);
        if (!ok) {
            c.require(false, name + " is " + (net == null ? "null" : "not a LeNet-300-100 with all its units"),
                    "start from " + name + " = trained.copy().");
        }
        return ok;
    }

    /** @return {@code c} with the requirements on the net pruned by the library's Wanda, against the checker's own plan */
    static Check wandaNet(Check c, Reference r, Net wandaNet, Calibration cal) {
        if (!isCopy(c, r, wandaNet, "wandaNet")) {
            return c;
        }
        List<boolean[]> mine = Reference.kept(wandaNet);
        double own;
        double layerWise;
        double magnitude;
        double magnitudeLoss;
        try (Net w = r.trained.copy(); Net l = r.trained.copy(); Net m = r.trained.copy()) {
            Pruner.builder().setImportance(Importance.wanda()).setSparsity(0.5).build().plan(w, cal).apply();
            Pruner.builder().setImportance(Importance.wanda()).setSparsity(0.5).optScope(Scope.LAYER).build()
                    .plan(l, cal).apply();
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5).build().plan(m).apply();
            own = Reference.keptOverlap(mine, Reference.kept(w));
            layerWise = Reference.keptOverlap(mine, Reference.kept(l));
            magnitude = Reference.keptOverlap(mine, Reference.kept(m));
            magnitudeLoss = m.loss(r.data.test());
        }
        double sparsity = Reference.sparsity(wandaNet);
        c.require(Math.abs(sparsity - 0.5) < 1e-3 && own >= 0.999, String.format("wandaNet: sparsity %.4f, %.1f %% of the"
                        + " weights the checker's Wanda plan keeps are kept (needed 0.50 and 100 %%; a layer-wise Wanda plan"
                        + " %.1f %%, magnitude %.1f %%)", sparsity, 100 * own, 100 * layerWise, 100 * magnitude),
                Math.abs(sparsity - 0.5) >= 1e-3 ? "prune once to 50 %: setSparsity(0.5), then apply()."
                : magnitude > own ? "your masks are magnitude's: use Importance.wanda(), planned with plan(wandaNet,"
                        + " Assignment4.calibration())."
                : layerWise > own ? "your masks rank each layer as a whole: leave the scope at Wanda's default (per row,"
                        + " Scope.ROW)."
                : "use Importance.wanda(), setSparsity(0.5), the default scope, and plan(wandaNet, Assignment4.calibration()):"
                        + " the norms depend on the calibration examples.");
        if (!c.failed()) {
            c.report(String.format("test loss: dense %.4f, Wanda 50 %% %.4f, magnitude 50 %% %.4f (reported, not graded)",
                    r.trained.loss(r.data.test()), wandaNet.loss(r.data.test()), magnitudeLoss));
        }
        return c;
    }

    /** Adds the requirements on the net pruned by the library's SparseGPT, against the checker's own run. */
    static void gptNet(Check c, Reference r, Net gptNet, Calibration cal) {
        if (!isCopy(c, r, gptNet, "gptNet")) {
            return;
        }
        SparseGptResult res;
        double ownLoss;
        double magnitudeLoss;
        double maxDiff = 0;
        double overlap;
        double ownSparsity;
        long keptAtTrained = 0;
        long kept = 0;
        try (Net own = r.trained.copy(); Net m = r.trained.copy()) {
            res = SparseGpt.builder().setSparsity(0.5).build().prune(own, cal);
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5).build().plan(m).apply();
            overlap = Reference.keptOverlap(Reference.kept(gptNet), Reference.kept(own));
            ownSparsity = Reference.sparsity(own);
            for (var l : own.prunableLayers()) {
                float[] a = gptNet.layer(l.name()).weightValues();
                float[] b = l.weightValues();
                float[] t = r.trained.layer(l.name()).weightValues();
                float scale = 0;
                for (float v : b) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int i = 0; i < a.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]) / scale);
                    if (a[i] != 0) {
                        kept++;
                        keptAtTrained += a[i] == t[i] ? 1 : 0;
                    }
                }
            }
            ownLoss = own.loss(r.data.test());
            magnitudeLoss = m.loss(r.data.test());
        }
        double sparsity = Reference.sparsity(gptNet);
        boolean ok = overlap >= 0.999 && Math.abs(sparsity - ownSparsity) < 1e-3 && maxDiff <= 1e-4;
        c.require(ok, String.format("gptNet: %.4f of the weights zero (50 %% masked, and the weights of inputs never active"
                        + " on the calibration set, which SparseGPT zeroes), %.1f %% of the checker's SparseGPT masks kept, weights"
                        + " within %.1e of its updated weights (needed %.4f as in the checker's run, 100 %%, <= 1e-4)", sparsity,
                        100 * overlap, maxDiff, ownSparsity),
                kept > 0 && keptAtTrained > 0.9 * kept ? "the kept weights are still the trained ones: that is a mask"
                        + " without SparseGPT's weight update. Use SparseGpt.builder().setSparsity(0.5).build().prune(gptNet,"
                        + " Assignment4.cal)."
                : Math.abs(sparsity - ownSparsity) >= 1e-3 ? "prune to 50 % unstructured: setSparsity(0.5) (no N:M pattern)."
                : "use SparseGpt.builder().setSparsity(0.5).build() with its defaults and prune(gptNet,"
                        + " Assignment4.cal): the updates depend on the calibration examples.");
        if (!c.failed()) {
            StringBuilder sb = new StringBuilder("relative reconstruction error per layer, SparseGPT / magnitude / Wanda:");
            for (SparseGptResult.LayerResult l : res.layers()) {
                sb.append(String.format(" %s %.4f / %.4f / %.4f;", l.layer(), l.error(), l.magnitudeError(), l.wandaError()));
            }
            c.report(sb + String.format(" test loss SparseGPT %.4f, magnitude %.4f (reported, not graded)", ownLoss,
                    magnitudeLoss));
        }
    }
}
