package org.prunekit.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.prunekit.PruneKit;
import org.prunekit.data.Examples;

/**
 * The next training batch, assembled on a helper thread while the engine computes the current
 * one: the examples' values copied into floats and into two native arrays (the inputs and the
 * targets), in a sub-manager of the net's of their own that the training loop closes after the
 * batch's step. The engine runs one thread (see {@code PruneKit.threads()}), so on a machine with a
 * second core the assembly (~0.1 ms per batch of 64 MNIST images, 2-7 % of a small net's batch)
 * leaves the critical path. Batches come out exactly as the loop would assemble them itself.
 */
final class BatchPrefetch implements AutoCloseable {

    /** One daemon thread for every training loop of the process (its scratch buffers are reused). */
    private static final ExecutorService HELPER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "prunekit-batch-prefetch");
        t.setDaemon(true);
        return t;
    });

    /**
     * An assembled batch and the manager that owns its arrays.
     *
     * @param manager close it after the batch's step
     * @param batch the inputs and the targets
     */
    record Batch(NDManager manager, NDList batch) {}

    private final Trainable net;
    private final Examples data;
    private Future<Batch> next;

    /**
     * @param net the net whose manager the batches' managers hang under, and whose input shape they take
     * @param data the examples
     */
    BatchPrefetch(Trainable net, Examples data) {
        this.net = net;
        this.data = data;
    }

    /** Starts assembling the examples {@code order[from..to)}; the batch is {@link #take()}n next. */
    void request(int[] order, int from, int to) {
        if (next != null) {
            throw new IllegalStateException("A batch is already requested; take it first.");
        }
        next = HELPER.submit(() -> assemble(net, data, order, from, to));
    }

    /** @return the batch requested last (waiting for it if it is not ready) */
    Batch take() {
        Future<Batch> f = next;
        next = null;
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("Assembling a batch failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a training batch.", e);
        }
    }

    /**
     * Takes the batch requested last and requests the next one, the pair every batch loop makes: the
     * next batch is assembled while the taken one is computed.
     *
     * @param order the examples' order
     * @param nextFrom the next batch's first position in {@code order}
     * @param nextTo the position after its last; nothing is requested if not above {@code nextFrom}
     * @return the batch requested last
     */
    Batch takeThenRequest(int[] order, int nextFrom, int nextTo) {
        Batch taken = take();
        if (nextFrom < nextTo) {
            request(order, nextFrom, nextTo);
        }
        return taken;
    }

    /** Assembles a batch on the calling thread (what the helper does). */
    static Batch assemble(Trainable net, Examples data, int[] order, int from, int to) {
        PruneKit.noGrad(); // autograd is per thread, on in every new one
        NDManager manager = net.manager().newSubManager();
        try {
            return new Batch(manager, data.batch(manager, order, from, to, net.inputShape()));
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /** Frees a batch requested and not taken (when the loop stops early). */
    @Override
    public void close() {
        if (next != null) {
            try {
                take().manager().close();
            } catch (RuntimeException e) {
                // the loop is stopping for another reason already; nothing of this batch stays allocated
            }
        }
    }
}
