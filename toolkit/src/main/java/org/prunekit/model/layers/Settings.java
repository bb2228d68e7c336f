package org.prunekit.model.layers;

/** Checks of layer settings shared by the kinds, with the messages users see. */
final class Settings {

    private Settings() {}

    static void positive(int value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + value + ".");
        }
    }

    static void window(int kernel, int stride, int padding, String what) {
        positive(kernel, what + "'s window");
        positive(stride, what + "'s stride");
        if (padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException(what + "'s padding must be in [0, kernel/2], got " + padding
                    + " for a window of " + kernel + ".");
        }
    }

    /** @return a parameter of a PruneKit block, its shape set when the block learns its input's */
    static ai.djl.nn.Parameter parameter(String name, ai.djl.nn.Parameter.Type type,
            ai.djl.training.initializer.Initializer initializer, boolean trained) {
        return ai.djl.nn.Parameter.builder().setName(name).setType(type).optInitializer(initializer)
                .optRequiresGrad(trained).build();
    }

    static int integer(String[] p, int i) {
        return Integer.parseInt(p[i]);
    }
}
