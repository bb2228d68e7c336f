package org.prunekit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import java.util.List;
import org.prunekit.model.Architecture;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/**
 * A residual block: {@code y = main(x) + shortcut(x)}, where an empty shortcut is the identity
 * (He et al. 2016). The two branches must give the same shape. Their output channels are added
 * one to one, so they are one channel group: removing channel {@code c} means removing it from the
 * last producer of both branches — and, for an identity shortcut, from whatever produced
 * {@code x} (see {@link org.prunekit.model.ChannelGroups}).
 *
 * @param main the main branch (names local to the block, e.g. {@code conv1})
 * @param shortcut the shortcut branch; empty for the identity
 */
public record Residual(List<Architecture.Entry> main, List<Architecture.Entry> shortcut) implements LayerSpec {

    /** Copies the branches and checks them. */
    public Residual {
        main = List.copyOf(main);
        shortcut = List.copyOf(shortcut);
        if (main.isEmpty()) {
            throw new IllegalArgumentException("A residual block needs at least one layer in its main branch.");
        }
        Architecture.requireUniqueNames(main, "the residual block's main branch");
        Architecture.requireUniqueNames(shortcut, "the residual block's shortcut");
    }

    /** @return whether the shortcut is the identity */
    public boolean identityShortcut() {
        return shortcut.isEmpty();
    }

    @Override
    public Block build() {
        SequentialBlock m = new SequentialBlock();
        main.forEach(e -> m.add(e.spec().build()));
        Block s;
        if (shortcut.isEmpty()) {
            s = Blocks.identityBlock();
        } else {
            SequentialBlock sb = new SequentialBlock();
            shortcut.forEach(e -> sb.add(e.spec().build()));
            s = sb;
        }
        return new ParallelBlock(Residual::sum, List.of(m, s));
    }

    private static NDList sum(List<NDList> branches) {
        return new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow()));
    }

    @Override
    public String encode() {
        return "residual " + main.size() + " " + shortcut.size();
    }

    /** @return the sizes of the two branches, from an encoding such as {@code residual 5 2} */
    static int[] branchSizes(String[] p) {
        return new int[] {Settings.integer(p, 1), Settings.integer(p, 2)};
    }

    static Residual decode(String[] p, List<List<Architecture.Entry>> branches) {
        return new Residual(branches.get(0), branches.get(1));
    }

    @Override
    public String namePrefix() {
        return "res";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.RESIDUAL_SUM;
    }

    @Override
    public List<List<Architecture.Entry>> branches() {
        return List.of(main, shortcut);
    }

    @Override
    public LayerSpec withBranches(List<List<Architecture.Entry>> branches) {
        return new Residual(branches.get(0), branches.get(1));
    }

    @Override
    public NDArray combine(List<NDArray> branchOutputs) {
        return branchOutputs.get(0).add(branchOutputs.get(1));
    }
}
