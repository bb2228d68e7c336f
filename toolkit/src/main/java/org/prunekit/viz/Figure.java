package org.prunekit.viz;

import java.awt.image.BufferedImage;

/**
 * Anything this package draws: a chart family ({@link ChartFamily}) or a picture drawn pixel by
 * pixel ({@link MaskImage}, {@link Tiles}). Every figure takes the one {@link ChartOptions} type
 * (what a figure cannot use, such as a log axis on a mask, it ignores) and renders as an image.
 *
 * @param <F> the figure itself, so that {@link #options} chains
 */
public abstract class Figure<F extends Figure<F>> {

    private ChartOptions options = ChartOptions.defaults();

    /** For the figures of this package. */
    Figure() {}

    /**
     * @param newOptions titles, size, axes, ranges and legend (what is not set keeps the figure's default)
     * @return this figure
     */
    @SuppressWarnings("unchecked")
    public F options(ChartOptions newOptions) {
        if (newOptions == null) {
            throw new IllegalArgumentException("Give options, e.g. ChartOptions.defaults().title(\"...\"), not null.");
        }
        this.options = newOptions;
        return (F) this;
    }

    /** @return the options the figure is drawn with */
    public ChartOptions options() {
        return options;
    }

    /** @return the figure rendered as an image (about {@link ChartOptions#width()} pixels wide) */
    public abstract BufferedImage image();
}
