package org.prunekit.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.prunekit.data.Examples;

/**
 * A training batch: the examples' values copied into floats and into two native arrays (the
 * inputs and the targets), in a sub-manager of the net's of their own that the training loop
 * closes after the batch's step.
 *
 * <p>Batches are assembled on the training thread. Assembling the next batch on a helper thread
 * while the engine computed the current one (issue 23) gained nothing measurable in a plain JVM
 * (LeNet-300-100 epochs 0.176-0.186 s with it, 0.184-0.192 s without) and cost 15-25 % in a
 * notebook kernel (0.22-0.32 s against 0.20-0.25 s), where the kernel's own threads share the
 * two cores of a typical notebook machine.
 */
final class BatchAssembly {

    /**
     * An assembled batch and the manager that owns its arrays.
     *
     * @param manager close it after the batch's step
     * @param batch the inputs and the targets
     */
    record Batch(NDManager manager, NDList batch) {}

    private BatchAssembly() {}

    /**
     * @param net the net whose manager the batch's manager hangs under, and whose input shape it takes
     * @param data the examples
     * @param order the examples' order
     * @param from the batch's first position in {@code order}
     * @param to the position after its last
     * @return the batch of {@code order[from..to)}
     */
    static Batch assemble(Trainable net, Examples data, int[] order, int from, int to) {
        NDManager manager = net.manager().newSubManager();
        try {
            return new Batch(manager, data.batch(manager, order, from, to, net.inputShape()));
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }
}
