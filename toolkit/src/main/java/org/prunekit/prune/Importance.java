package org.prunekit.prune;

/**
 * An importance criterion: scores weights (unstructured) or whole units (structured) so that
 * pruning removes the lowest. Every criterion works at both granularities.
 *
 * <table>
 *   <caption>Criteria</caption>
 *   <tr><th>factory</th><th>per weight</th><th>per unit (neuron / channel)</th><th>data</th></tr>
 *   <tr><td>{@link #magnitudeL1()}</td><td>|w|</td><td>Σ|w| (Li et al. 2017)</td><td>no</td></tr>
 *   <tr><td>{@link #magnitudeL2()}</td><td>w²</td><td>Σw², the seeds' "network-based" score</td><td>no</td></tr>
 *   <tr><td>{@link #random(long)}</td><td colspan="2">uniform random: the baseline every criterion must beat</td><td>no</td></tr>
 *   <tr><td>{@link #gradient()}</td><td>|ḡ|, mean gradient over the sample batches</td><td>Σ|ḡ|</td><td>yes</td></tr>
 *   <tr><td>{@link #gradientSquared()}</td><td>mean of (∂L/∂w)² over batches, the seeds' Σ(∂L/∂w)²</td><td>sum over the unit</td><td>yes</td></tr>
 *   <tr><td>{@link #taylor()}</td><td>|w·ḡ|, first-order Taylor estimate of the loss change</td><td>mean over batches of (Σ g·w)² (Molchanov et al. 2019); behind a batch norm, of its (g·γ + g·β)²</td><td>yes</td></tr>
 *   <tr><td>{@link #hessianDiagonal()}</td><td>½·h·w², OBD saliency (LeCun et al. 1990) with h = the mean over
 *       sample batches of the squared batch gradient (∂L/∂w)², an empirical-Fisher estimate of the Hessian
 *       diagonal. Near a minimum it is about the per-image Fisher divided by the batch size, so the
 *       saliencies rank weights like OBD but are smaller than the loss increase they estimate.</td>
 *       <td>sum over the unit</td><td>yes</td></tr>
 *   <tr><td>{@link #entropy(int)}</td><td>the unit's score, for each of its weights</td><td>entropy of a histogram of the unit's (pooled) activations over the samples (Luo and Wu 2017); low entropy = little information</td><td>yes</td></tr>
 *   <tr><td>{@link #fpgm()}</td><td>the unit's score, for each of its weights</td><td>mean distance from the unit's weight vector to every other unit's: units near the geometric median are replaceable (He et al. 2019)</td><td>no</td></tr>
 *   <tr><td>{@link #lamp()}</td><td>w² / Σ of the v² of the weights at least as large (Lee et al. 2021): comparable across layers for one global ranking</td><td>the same with each unit's Σw²</td><td>no</td></tr>
 *   <tr><td>{@link #wanda()}</td><td>|w|·‖X_j‖₂, the weight's magnitude times the norm of the input column it
 *       multiplies over the sample (Sun et al. 2023); compared per output row by default ({@link Scope#ROW})</td>
 *       <td>Σ over the unit's row</td><td>yes (inputs only)</td></tr>
 *   <tr><td>{@link #apoz()}</td><td>the unit's score, for each of its weights</td><td>1 − APoZ, the average percentage of zero activations (Hu et al. 2016)</td><td>yes</td></tr>
 * </table>
 *
 * <p>Criteria are values: two are {@code equals} when they score alike ({@code random(1)} and
 * {@code random(2)} differ, as do {@code entropy(8)} and {@code entropy(32)}), so results such as
 * {@link Sweep} keep them apart even when they share a {@link #name()}; their {@code toString()}
 * tells them apart ({@code "random (seed 1)"}).
 *
 * <p>Higher is always more important. Criteria with data need sample batches, which the
 * {@link Pruner} takes from the data it is given; asking for them without data is an error.
 */
public interface Importance {

    /** @return a short name, e.g. {@code "taylor"} */
    String name();

    /**
     * @return whether scores of different layers compare directly in a global ranking; if not (the
     *     default), a global per-unit ranking first divides each layer's unit scores by their mean
     */
    default boolean comparableAcrossLayers() {
        return false;
    }

    /** @return whether this criterion needs gradients and activations measured on data */
    default boolean needsData() {
        return false;
    }

    /**
     * @return whether this criterion needs the norms of the inputs each weight multiplies
     *     ({@link LayerStats#inputNorms()}), measured on the sample data
     */
    default boolean needsInputs() {
        return false;
    }

    /**
     * @return the scope a pruner uses with this criterion when none is given: {@link Scope#LAYER}
     *     for most, {@link Scope#ROW} for Wanda, whose scores compare within an output row
     */
    default Scope preferredScope() {
        return Scope.LAYER;
    }

    /**
     * @param s the layer's statistics
     * @return one score per weight, higher = keep
     */
    float[] weightScores(LayerStats s);

    /**
     * @param s the layer's statistics
     * @return one score per output unit, higher = keep
     */
    float[] unitScores(LayerStats s);

    /** @return |w| per weight, Σ|w| per unit */
    static Importance magnitudeL1() {
        return Criteria.L1;
    }

    /** @return w² per weight, Σw² per unit */
    static Importance magnitudeL2() {
        return Criteria.L2;
    }

    /**
     * @param seed the seed of the scores
     * @return uniformly random scores (a baseline)
     */
    static Importance random(long seed) {
        return new Criteria.Random(seed);
    }

    /** @return |mean gradient| per weight, summed per unit */
    static Importance gradient() {
        return Criteria.GRADIENT;
    }

    /** @return mean squared gradient per weight (the seeds' Σ(∂L/∂w)²), summed per unit */
    static Importance gradientSquared() {
        return Criteria.GRADIENT_SQUARED;
    }

    /** @return |w·g| per weight; (Σ g·w)² averaged over batches per unit */
    static Importance taylor() {
        return Criteria.TAYLOR;
    }

    /**
     * @return OBD saliency ½·h·w² with h the mean squared batch gradient (an empirical-Fisher
     *     estimate of the Hessian diagonal, scaled down by about the batch size: right for ranking)
     */
    static Importance hessianDiagonal() {
        return Criteria.OBD;
    }

    /** @return activation entropy with 32 histogram bins */
    static Importance entropy() {
        return entropy(32);
    }

    /**
     * @param bins histogram bins per unit (at least 2)
     * @return activation entropy
     */
    static Importance entropy(int bins) {
        return new Criteria.Entropy(bins);
    }

    /** @return FPGM: mean distance from a unit's weights to every other unit's of its layer (He et al. 2019) */
    static Importance fpgm() {
        return Criteria.FPGM;
    }

    /**
     * Scores computed elsewhere — by hand in a notebook, by another tool, or from a paper — used
     * like any criterion. Per layer, give one score per weight (per-unit scores are then their
     * sums over each unit) or one per unit (each weight then gets its unit's score).
     *
     * <p>The scores are ranked as they are, <em>signed</em>: the lowest go first, so a score of
     * −5 is pruned before one of 0.1, and a unit's score is the plain sum of its weights' scores.
     * This is not what torch's {@code importance_scores} do: {@code torch.nn.utils.prune} ranks
     * {@code |s|} (unstructured) or the L{@code n} norm of each channel's scores (structured). To
     * prune by torch's rules with scores of one's own, use
     * {@link TorchPrune#l1Unstructured(org.prunekit.model.Net, String, double, float[])} or
     * {@link TorchPrune#globalUnstructured(org.prunekit.model.Net, java.util.List, double, java.util.Map)};
     * to rank magnitudes here, pass {@code |s|} yourself.
     *
     * @param name the criterion's name, e.g. {@code "obd, exact Hessian"}
     * @param scores layer name → scores (a copy is kept)
     * @return the criterion (needs no data)
     */
    static Importance fixed(String name, java.util.Map<String, float[]> scores) {
        return new GivenCriteria.Fixed(name, scores);
    }

    /**
     * A criterion known only by its name, for results measured elsewhere (another tool, a paper)
     * that are put beside PruneKit's, e.g. as points of a {@link Sweep}. It cannot score layers;
     * two of the same name are equal.
     *
     * @param name the criterion's name, e.g. {@code "PyTorch L1 global"}
     * @return the criterion
     */
    static Importance reported(String name) {
        return new GivenCriteria.Reported(name);
    }

    /**
     * @param newName another name (for tables and charts)
     * @return this criterion under that name
     */
    default Importance named(String newName) {
        return GivenCriteria.rename(this, newName);
    }

    /**
     * @return this criterion with every score negated: the most important go first. A sanity
     *     check that a criterion ranks anything at all (its negation should do far worse).
     */
    default Importance negated() {
        return GivenCriteria.negate(this);
    }

    /** @return LAMP: layer-adaptive magnitude scores for global pruning (Lee et al. 2021) */
    static Importance lamp() {
        return Criteria.LAMP;
    }

    /**
     * Wanda (Sun et al. 2023, "A Simple and Effective Pruning Approach for Large Language
     * Models"): a weight's score is {@code |W_ij|·‖X_j‖₂}, with {@code X_j} the input column it
     * multiplies over every sample example and position (a convolution's im2col patches; see
     * {@link org.prunekit.model.WeightInput}). A pruner with it compares weights within each output
     * row by default ({@link Scope#ROW}), as the paper does; layer-wise, global and N:M work too.
     * Per unit (structured) a row's score is the sum of its weights'. It needs sample data: a
     * calibration set ({@code pruner.plan(net, calibration)}, 128 examples by default, as the paper),
     * or the pruner's {@code optSamples} drawn from a split ({@code pruner.plan(net, data)}).
     *
     * @return the Wanda criterion
     */
    static Importance wanda() {
        return Criteria.WANDA;
    }

    /** @return 1 − average percentage of zero activations */
    static Importance apoz() {
        return Criteria.APOZ;
    }
}
