package org.prunekit.prune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.prunekit.PruneKit;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;

/**
 * {@code torch.nn.utils.prune}'s functions for a {@link Net}, function by function and with
 * torch's rules, for code ported from PyTorch. Each call computes a new mask for a parameter,
 * combines it with the mask the parameter already has (as torch's {@code PruningContainer}
 * does, so re-pruning only removes more) and registers it with the net, which keeps the pruned
 * entries at zero during fine-tuning ({@link Net#addMask}).
 *
 * <pre>{@code
 * TorchPrune.l1Unstructured(net, "fc1.weight", 0.5);          // prune.l1_unstructured(m.fc1, "weight", amount=0.5)
 * TorchPrune.lnStructured(net, "conv1.weight", 0.25, 2, 0);   // prune.ln_structured(m.conv1, "weight", 0.25, n=2, dim=0)
 * TorchPrune.globalUnstructured(net, List.of("fc1.weight", "fc1.bias", "fc2.weight"), 0.9);
 * }</pre>
 *
 * <table>
 *   <caption>torch.nn.utils.prune and TorchPrune</caption>
 *   <tr><th>torch</th><th>here</th></tr>
 *   <tr><td>{@code l1_unstructured(module, name, amount, importance_scores=None)}</td>
 *       <td>{@link #l1Unstructured(Net, String, double)}, with {@code float[]} scores: {@link #l1Unstructured(Net, String, double, float[])}</td></tr>
 *   <tr><td>{@code random_unstructured(module, name, amount)}</td><td>{@link #randomUnstructured(Net, String, double, long)}</td></tr>
 *   <tr><td>{@code ln_structured(module, name, amount, n, dim)}</td><td>{@link #lnStructured(Net, String, double, double, int)}</td></tr>
 *   <tr><td>{@code random_structured(module, name, amount, dim)}</td><td>{@link #randomStructured(Net, String, double, int, long)}</td></tr>
 *   <tr><td>{@code global_unstructured(parameters, prune.L1Unstructured, importance_scores=None, amount=...)}</td>
 *       <td>{@link #globalUnstructured(Net, List, double)}, with scores: {@link #globalUnstructured(Net, List, double, Map)}</td></tr>
 *   <tr><td>{@code custom_from_mask(module, name, mask)}</td><td>{@link #customFromMask(Net, String, float[])}</td></tr>
 *   <tr><td>{@code module.weight_mask}</td><td>{@link #mask(Net, String)}</td></tr>
 *   <tr><td>{@code is_pruned(module)}</td><td>{@code net.masks().containsKey(...)}</td></tr>
 *   <tr><td>{@code remove(module, name)}, {@code identity}</td><td>none: the pruned weights are already zero
 *       in the net (there is no {@code weight_orig}); {@link Net#clearMasks()} drops every mask and leaves the
 *       zeros</td></tr>
 * </table>
 *
 * <p>Torch's rules, all kept:
 * <ul>
 *   <li>Parameters are named {@code layer.weight} or {@code layer.bias} after the net's layer
 *       names ({@code fc1.weight}, {@code res1.conv2.bias}; see {@link #parameters(Net)}), so a
 *       bias can be pruned and can join a global ranking. Linear and Conv2d layers keep their
 *       weights as torch does, {@code (out, in)} and {@code (out, in, kh, kw)}: masks have the
 *       same layout, {@code dim} 0 means output units (filters) and {@code dim} 1 input features
 *       (input channels).</li>
 *   <li>A {@code double} amount is a fraction in [0, 1] of the entries (or, structured, the
 *       channels) <em>still unpruned</em>: 0.5 twice prunes 75 %, 0.2 five times 67.2 %. An
 *       {@code int} amount is a count of them (Java picks the overload as Python picks the
 *       type: {@code 1} is one entry, {@code 1.0} all of them). A count above what is still
 *       unpruned is an error, as in torch.</li>
 *   <li>Counts round half to even, as Python's {@code round}: 10 weights at 0.25 lose 2, 6
 *       filters at 0.75 lose 4.</li>
 *   <li>Nothing stops a tensor from being emptied: 3 weights at 0.9 lose all 3, and a global
 *       ranking empties a layer whose entries are all small.</li>
 *   <li>Unstructured methods rank {@code |s|} (the weights, or the importance scores given);
 *       structured ones the L{@code n} norm of each channel of the masked tensor, and skip
 *       channels that are already entirely pruned.</li>
 * </ul>
 *
 * <p>What differs from torch: the random methods draw from {@link Random} with the seed given,
 * so they prune as many entries as torch but not the same ones; equal scores are pruned in
 * index order (torch's {@code topk} leaves that order open); only the weights and biases of
 * Linear and Conv2d layers can be pruned; {@code global_unstructured} ranks by L1 only (torch
 * also takes a custom unstructured method); {@code ln_structured} takes no importance scores;
 * non-finite weights or scores are an error instead of being ranked.
 *
 * <p>What differs from {@link Pruner}: a Pruner's sparsity is the <em>total</em> target after
 * the call, not a fraction of what remains; a layer-wise Pruner never empties a layer and a
 * global one keeps a minimum density unless told {@code optMinDensity(0)}; a structured Pruner
 * removes output units by channel group, with their biases and batch-norm entries, so that
 * {@link Net#removePrunedUnits()} can remove them physically, while {@link #lnStructured}
 * masks only the tensor it is given (its bias stays, as in torch). Both round half to even, and
 * a single layer-wise or global L1 call at the same fraction, or an L2 structured call along
 * dim 0, gives the same masks as here.
 */
public final class TorchPrune {

    private TorchPrune() {}

    /**
     * {@code prune.l1_unstructured(module, name, amount)}: prunes the entries with the smallest
     * {@code |w|} among those still unpruned.
     *
     * @param net the net, changed in place
     * @param param a parameter such as {@code "fc1.weight"} or {@code "fc1.bias"}
     * @param amount the fraction of the entries still unpruned to prune now, in [0, 1]
     * @throws IllegalArgumentException for an unknown parameter (the message lists the valid ones)
     *     or an amount outside [0, 1]
     */
    public static void l1Unstructured(Net net, String param, double amount) {
        l1(net, param, TorchAmount.fraction(amount), null);
    }

    /**
     * {@code prune.l1_unstructured(module, name, amount)} with an int amount.
     *
     * @param net the net, changed in place
     * @param param a parameter such as {@code "fc1.weight"}
     * @param amount how many of the entries still unpruned to prune now
     * @throws IllegalArgumentException for an unknown parameter, a negative amount or more than
     *     are still unpruned
     */
    public static void l1Unstructured(Net net, String param, int amount) {
        l1(net, param, TorchAmount.count(amount), null);
    }

    /**
     * {@code prune.l1_unstructured(module, name, amount, importance_scores=s)}: prunes the
     * entries with the smallest {@code |s|} among those still unpruned.
     *
     * @param net the net, changed in place
     * @param param a parameter such as {@code "fc1.weight"}
     * @param amount the fraction of the entries still unpruned to prune now, in [0, 1]
     * @param importanceScores one score per entry of the parameter, in its row-major order
     *     (ranked by absolute value, as torch does)
     * @throws IllegalArgumentException for an unknown parameter, a bad amount, or scores of
     *     another length
     */
    public static void l1Unstructured(Net net, String param, double amount, float[] importanceScores) {
        l1(net, param, TorchAmount.fraction(amount), Objects.requireNonNull(importanceScores, "importanceScores"));
    }

    /**
     * {@code prune.l1_unstructured(module, name, amount, importance_scores=s)} with an int amount.
     *
     * @param net the net, changed in place
     * @param param a parameter such as {@code "fc1.weight"}
     * @param amount how many of the entries still unpruned to prune now
     * @param importanceScores one score per entry of the parameter, ranked by absolute value
     * @throws IllegalArgumentException for an unknown parameter, a bad amount, or scores of
     *     another length
     */
    public static void l1Unstructured(Net net, String param, int amount, float[] importanceScores) {
        l1(net, param, TorchAmount.count(amount), Objects.requireNonNull(importanceScores, "importanceScores"));
    }

    /**
     * {@code prune.random_unstructured(module, name, amount)}: prunes entries still unpruned at
     * random (the same count as torch, not the same entries).
     *
     * @param net the net, changed in place
     * @param param a parameter such as {@code "fc1.weight"}
     * @param amount the fraction of the entries still unpruned to prune now, in [0, 1]
     * @param seed the seed of the draw
     * @throws IllegalArgumentException for an unknown parameter or a bad amount
     */
    public static void randomUnstructured(Net net, String param, double amount, long seed) {
        random(net, param, TorchAmount.fraction(amount), seed);
    }

    /**
     * {@code prune.random_unstructured(module, name, amount)} with an int amount.
     *
     * @param net the net, changed in place
     * @param param a parameter such as {@code "fc1.weight"}
     * @param amount how many of the entries still unpruned to prune now
     * @param seed the seed of the draw
     * @throws IllegalArgumentException for an unknown parameter or a bad amount
     */
    public static void randomUnstructured(Net net, String param, int amount, long seed) {
        random(net, param, TorchAmount.count(amount), seed);
    }

    /**
     * {@code prune.ln_structured(module, name, amount, n, dim)}: prunes whole channels along
     * {@code dim} with the smallest L{@code n} norm, among the channels not yet entirely pruned.
     * Only this tensor is masked: pruning {@code fc1.weight} along dim 0 leaves {@code fc1.bias}
     * as it is, as in torch.
     *
     * @param net the net, changed in place
     * @param param a parameter with two or more axes, such as {@code "conv1.weight"}
     * @param amount the fraction of the channels still unpruned to prune now, in [0, 1]
     * @param n the norm: 1, 2, any other positive number, or {@link Double#POSITIVE_INFINITY} (the
     *     largest absolute value)
     * @param dim the axis of the channels: 0 for output units or filters, 1 for input features or
     *     channels (negative values count from the end, as in torch)
     * @throws IllegalArgumentException for an unknown parameter, a one-axis tensor (a bias), a bad
     *     dim, n or amount
     */
    public static void lnStructured(Net net, String param, double amount, double n, int dim) {
        ln(net, param, TorchAmount.fraction(amount), n, dim);
    }

    /**
     * {@code prune.ln_structured(module, name, amount, n, dim)} with an int amount.
     *
     * @param net the net, changed in place
     * @param param a parameter with two or more axes, such as {@code "conv1.weight"}
     * @param amount how many of the channels still unpruned to prune now
     * @param n the norm: 1, 2, any other positive number, or {@link Double#POSITIVE_INFINITY}
     * @param dim the axis of the channels: 0 for outputs, 1 for inputs
     * @throws IllegalArgumentException for an unknown parameter, a one-axis tensor, a bad dim, n or
     *     amount
     */
    public static void lnStructured(Net net, String param, int amount, double n, int dim) {
        ln(net, param, TorchAmount.count(amount), n, dim);
    }

    /**
     * {@code prune.random_structured(module, name, amount, dim)}: prunes channels not yet
     * entirely pruned at random (the same count as torch, not the same channels).
     *
     * @param net the net, changed in place
     * @param param a parameter with two or more axes
     * @param amount the fraction of the channels still unpruned to prune now, in [0, 1]
     * @param dim the axis of the channels: 0 for outputs, 1 for inputs
     * @param seed the seed of the draw
     * @throws IllegalArgumentException for an unknown parameter, a one-axis tensor, a bad dim or amount
     */
    public static void randomStructured(Net net, String param, double amount, int dim, long seed) {
        randomChannels(net, param, TorchAmount.fraction(amount), dim, seed);
    }

    /**
     * {@code prune.random_structured(module, name, amount, dim)} with an int amount.
     *
     * @param net the net, changed in place
     * @param param a parameter with two or more axes
     * @param amount how many of the channels still unpruned to prune now
     * @param dim the axis of the channels: 0 for outputs, 1 for inputs
     * @param seed the seed of the draw
     * @throws IllegalArgumentException for an unknown parameter, a one-axis tensor, a bad dim or amount
     */
    public static void randomStructured(Net net, String param, int amount, int dim, long seed) {
        randomChannels(net, param, TorchAmount.count(amount), dim, seed);
    }

    /**
     * {@code prune.global_unstructured(parameters, pruning_method=prune.L1Unstructured, amount=amount)}:
     * ranks the entries still unpruned of all the parameters together by {@code |w|} and prunes
     * the smallest. Nothing is kept per parameter: a parameter of small entries may be emptied.
     *
     * @param net the net, changed in place
     * @param params the parameters, e.g. {@code List.of("fc1.weight", "fc1.bias", "fc2.weight")}
     * @param amount the fraction of all their entries still unpruned to prune now, in [0, 1]
     * @throws IllegalArgumentException for an empty list, a parameter listed twice or unknown, or a
     *     bad amount
     */
    public static void globalUnstructured(Net net, List<String> params, double amount) {
        global(net, params, TorchAmount.fraction(amount), Map.of());
    }

    /**
     * {@code prune.global_unstructured(parameters, prune.L1Unstructured, amount=amount)} with an
     * int amount.
     *
     * @param net the net, changed in place
     * @param params the parameters
     * @param amount how many of all their entries still unpruned to prune now
     * @throws IllegalArgumentException for an empty list, a parameter listed twice or unknown, or a
     *     bad amount
     */
    public static void globalUnstructured(Net net, List<String> params, int amount) {
        global(net, params, TorchAmount.count(amount), Map.of());
    }

    /**
     * {@code prune.global_unstructured(parameters, prune.L1Unstructured, importance_scores=scores,
     * amount=amount)}: ranks by {@code |s|}, where a parameter without scores is ranked by its
     * own values, as in torch.
     *
     * @param net the net, changed in place
     * @param params the parameters
     * @param amount the fraction of all their entries still unpruned to prune now, in [0, 1]
     * @param importanceScores parameter name → one score per entry (row-major), for some or all
     *     of {@code params}
     * @throws IllegalArgumentException for an empty list, a parameter listed twice or unknown,
     *     scores for a parameter not in the list or of another length, or a bad amount
     */
    public static void globalUnstructured(Net net, List<String> params, double amount,
            Map<String, float[]> importanceScores) {
        global(net, params, TorchAmount.fraction(amount), Objects.requireNonNull(importanceScores, "importanceScores"));
    }

    /**
     * {@code prune.global_unstructured(parameters, prune.L1Unstructured, importance_scores=scores,
     * amount=amount)} with an int amount.
     *
     * @param net the net, changed in place
     * @param params the parameters
     * @param amount how many of all their entries still unpruned to prune now
     * @param importanceScores parameter name → one score per entry, for some or all of {@code params}
     * @throws IllegalArgumentException for an empty list, a parameter listed twice or unknown,
     *     scores for a parameter not in the list or of another length, or a bad amount
     */
    public static void globalUnstructured(Net net, List<String> params, int amount,
            Map<String, float[]> importanceScores) {
        global(net, params, TorchAmount.count(amount), Objects.requireNonNull(importanceScores, "importanceScores"));
    }

    /**
     * {@code prune.custom_from_mask(module, name, mask)}: combines a mask of one's own with the
     * parameter's mask.
     *
     * @param net the net, changed in place
     * @param param a parameter such as {@code "fc1.weight"}
     * @param mask one value per entry in row-major order, 1 to keep and 0 to prune
     * @throws IllegalArgumentException for an unknown parameter, a mask of another length or values
     *     other than 0 and 1
     */
    public static void customFromMask(Net net, String param, float[] mask) {
        PruneKit.noGrad();
        TorchParameter t = TorchParameter.resolve(net, param);
        Objects.requireNonNull(mask, "mask");
        t.checkLength(mask, "mask");
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0f && mask[i] != 1f) {
                throw new IllegalArgumentException("The mask for " + t.name + " holds " + mask[i] + " at position " + i
                        + "; a mask holds only 0 (prune) and 1 (keep).");
            }
        }
        float[] combined = t.mask(net);
        for (int i = 0; i < combined.length; i++) {
            combined[i] *= mask[i];
        }
        t.register(net, combined);
    }

    /**
     * The parameter's mask, as torch's {@code module.weight_mask}.
     *
     * @param net the net (not changed)
     * @param param a parameter such as {@code "fc1.weight"}
     * @return one value per entry in row-major order, 1 kept and 0 pruned (all ones if the
     *     parameter has no mask)
     * @throws IllegalArgumentException for an unknown parameter
     */
    public static float[] mask(Net net, String param) {
        return TorchParameter.resolve(net, param).mask(net);
    }

    /**
     * @param net the net
     * @return the names of the parameters TorchPrune can prune, in layer order: the weight and
     *     (if it has one) the bias of every Linear and Conv2d layer, e.g. {@code [fc1.weight,
     *     fc1.bias, fc2.weight, ...]}
     */
    public static List<String> parameters(Net net) {
        List<String> out = new ArrayList<>();
        for (Layer l : net.prunableLayers()) {
            out.add(l.name() + ".weight");
            if (l.bias() != null) {
                out.add(l.name() + ".bias");
            }
        }
        return out;
    }

    private static void l1(Net net, String param, TorchAmount amount, float[] importanceScores) {
        PruneKit.noGrad();
        TorchParameter t = TorchParameter.resolve(net, param);
        float[] scores = importanceScores == null ? t.values() : importanceScores.clone();
        t.checkLength(scores, "importance scores");
        Ranking.checkFinite(t.name, importanceScores == null ? "values" : "importance scores", scores);
        float[] mask = t.mask(net);
        t.register(net, TorchMasks.pruneLowest(TorchMasks.abs(scores), mask, amount, t.name));
    }

    private static void random(Net net, String param, TorchAmount amount, long seed) {
        PruneKit.noGrad();
        TorchParameter t = TorchParameter.resolve(net, param);
        float[] mask = t.mask(net);
        t.register(net, TorchMasks.pruneLowest(TorchMasks.randomScores(mask.length, seed), mask, amount, t.name));
    }

    private static void global(Net net, List<String> params, TorchAmount amount, Map<String, float[]> importanceScores) {
        PruneKit.noGrad();
        Objects.requireNonNull(params, "params");
        if (params.isEmpty()) {
            throw new IllegalArgumentException("globalUnstructured was given no parameters; name those to rank together,"
                    + " e.g. " + parameters(net) + ".");
        }
        Map<String, TorchParameter> targets = new LinkedHashMap<>();
        for (String p : params) {
            TorchParameter t = TorchParameter.resolve(net, p);
            if (targets.put(t.name, t) != null) {
                throw new IllegalArgumentException("Parameter " + p + " is listed twice; list each parameter once.");
            }
        }
        for (String k : importanceScores.keySet()) {
            if (!targets.containsKey(k)) {
                throw new IllegalArgumentException("Importance scores are given for " + k + ", which is not among the"
                        + " parameters to prune " + targets.keySet() + "; add it to the list or drop its scores.");
            }
        }
        int total = 0;
        for (TorchParameter t : targets.values()) {
            total += t.size;
        }
        float[] scores = new float[total];
        float[] mask = new float[total];
        int at = 0;
        for (TorchParameter t : targets.values()) {
            float[] given = importanceScores.get(t.name);
            float[] s = given == null ? t.values() : given;
            t.checkLength(s, "importance scores");
            Ranking.checkFinite(t.name, given == null ? "values" : "importance scores", s);
            System.arraycopy(s, 0, scores, at, t.size);
            System.arraycopy(t.mask(net), 0, mask, at, t.size);
            at += t.size;
        }
        float[] pruned = TorchMasks.pruneLowest(TorchMasks.abs(scores), mask, amount, String.valueOf(targets.keySet()));
        at = 0;
        for (TorchParameter t : targets.values()) {
            t.register(net, java.util.Arrays.copyOfRange(pruned, at, at + t.size));
            at += t.size;
        }
    }

    private static void ln(Net net, String param, TorchAmount amount, double n, int dim) {
        PruneKit.noGrad();
        if (!(n > 0)) {
            throw new IllegalArgumentException("ln_structured's n must be a positive number (1, 2, ...) or"
                    + " Double.POSITIVE_INFINITY, got " + n + ".");
        }
        TorchParameter t = TorchParameter.resolve(net, param);
        TorchParameter.Channels c = t.channels(dim);
        float[] w = t.values();
        Ranking.checkFinite(t.name, "values", w);
        float[] mask = t.mask(net);
        // the norm of each channel of the masked tensor (torch ranks module.weight = weight_orig * mask); a
        // power of it for finite n, which ranks the same
        double[] norm = new double[c.count()];
        for (int i = 0; i < w.length; i++) {
            double a = Math.abs((double) w[i] * mask[i]);
            int ch = c.of(i);
            norm[ch] = n == Double.POSITIVE_INFINITY ? Math.max(norm[ch], a) : norm[ch] + (n == 1 ? a : Math.pow(a, n));
        }
        t.register(net, TorchMasks.pruneChannels(norm, c, mask, amount, t.name));
    }

    private static void randomChannels(Net net, String param, TorchAmount amount, int dim, long seed) {
        PruneKit.noGrad();
        TorchParameter t = TorchParameter.resolve(net, param);
        TorchParameter.Channels c = t.channels(dim);
        float[] mask = t.mask(net);
        float[] r = TorchMasks.randomScores(c.count(), seed);
        double[] scores = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            scores[i] = r[i];
        }
        t.register(net, TorchMasks.pruneChannels(scores, c, mask, amount, t.name));
    }


}
