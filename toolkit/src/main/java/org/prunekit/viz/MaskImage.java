package org.prunekit.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import org.prunekit.prune.NmPattern;

/**
 * A pruning mask as a picture (Han et al. 2015, Fig. 4): a {@code rows × cols} 0/1 matrix, one
 * pixel block per weight, dark where the weight is kept and white where it is pruned; x is the
 * input index, y the output unit. The image is about as wide as {@link ChartOptions#width()}
 * (weights are scaled up by whole pixels, or averaged into grey levels when there are more
 * columns than pixels), with the title above and the sparsity below. Of the options, the title,
 * the axis titles and the width apply.
 *
 * <pre>{@code
 * Show.image(MaskImage.ofLayer(net, "fc1").image());
 * Show.image(MaskImage.of(pixelKept, 28, 28, "Input pixels still connected").image());
 * }</pre>
 */
public final class MaskImage extends Figure<MaskImage> {

    /** Where the parts of a mask image go. */
    record Layout(int width, int height, int plotX, int plotY, int plotW, int plotH, double scale) {}

    private static final int MAX_H = 560;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 44;
    private static final int BOTTOM = 84;

    private final float[] mask;
    private final int rows;
    private final int cols;
    private final String title;

    private MaskImage(float[] mask, int rows, int cols, String title) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("A mask needs at least one row and one column, got " + rows + " × "
                    + cols + ".");
        }
        if (mask == null || mask.length != (long) rows * cols) {
            throw new IllegalArgumentException("The mask has " + (mask == null ? 0 : mask.length) + " values, but "
                    + rows + " × " + cols + " = " + (long) rows * cols + " were expected.");
        }
        this.mask = mask.clone();
        this.rows = rows;
        this.cols = cols;
        this.title = title;
    }

    /**
     * @param mask the mask values, row-major like a Linear weight of shape (rows, cols); any non-zero value
     *     counts as kept
     * @param rows the number of rows (output units), drawn top to bottom
     * @param cols the number of columns (inputs), drawn left to right
     * @param title the title drawn above
     * @return the mask image
     */
    public static MaskImage of(float[] mask, int rows, int cols, String title) {
        return new MaskImage(mask, rows, cols, title);
    }

    /**
     * A layer's mask. A weight of shape (out, in, kh, kw) is drawn flattened to (out, in·kh·kw);
     * a layer without a mask is drawn all kept. The title names the layer, the net, the shape and
     * an N:M pattern if the mask has one.
     *
     * @param net a net
     * @param layer the name of a Linear or Conv2d layer, e.g. {@code fc1}
     * @return the mask image
     */
    public static MaskImage ofLayer(Net net, String layer) {
        Layer l = weightedLayer(net, layer);
        NDArray w = l.weight().getArray();
        Shape shape = w.getShape();
        if (shape.dimension() != 2 && shape.dimension() != 4) {
            throw new IllegalArgumentException("Layer " + layer + " has a weight of shape " + shape + "; a mask image"
                    + " draws 2-D (Linear) and 4-D (Conv2d) weights.");
        }
        int rows = Math.toIntExact(shape.get(0));
        int cols = Math.toIntExact(shape.size() / shape.get(0));
        NDArray m = net.masks().get(l.weight());
        float[] values;
        if (m == null) {
            values = new float[rows * cols];
            Arrays.fill(values, 1f);
        } else if (m.getDataType() == DataType.FLOAT32) {
            values = m.toFloatArray();
        } else {
            try (NDArray f = m.toType(DataType.FLOAT32, true)) {
                values = f.toFloatArray();
            }
        }
        String dims = shape.dimension() == 2 ? rows + " × " + cols
                : rows + " × " + shape.get(1) + "·" + shape.get(2) + "·" + shape.get(3) + " = " + rows + " × " + cols;
        String pattern = m == null ? "" : NmPattern.detect(values, shape);
        return of(values, rows, cols, "Mask of " + layer + " in " + net.name() + " (" + dims + ")"
                + (m == null ? ", no mask" : "") + (pattern.isEmpty() ? "" : ", " + pattern + " pattern"));
    }

    /** The layer, which must have a weight (Linear or Conv2d). */
    static Layer weightedLayer(Net net, String layer) {
        if (net == null || layer == null) {
            throw new IllegalArgumentException("Give a net and a layer name, e.g. (net, \"fc1\").");
        }
        Layer l = net.layer(layer);
        if (!l.isPrunable()) {
            throw new IllegalArgumentException("Layer " + layer + " (" + l.kind() + ") has no weight matrix; use one"
                    + " of " + net.prunableLayers().stream().map(Layer::name).toList() + ".");
        }
        return l;
    }

    /** @return the fraction of the mask's entries that are kept (non-zero) */
    public double keptFraction() {
        long kept = 0;
        for (float v : mask) {
            kept += v != 0 ? 1 : 0;
        }
        return kept / (double) mask.length;
    }

    /**
     * @param rows mask rows
     * @param cols mask columns
     * @param maxWidth the widest the plot may be, in pixels
     * @return the layout of the mask image
     */
    static Layout layout(int rows, int cols, int maxWidth) {
        double fit = Math.min(maxWidth / (double) cols, MAX_H / (double) rows);
        double scale = fit >= 1 ? Math.floor(fit) : fit;
        int plotW = Math.max(1, (int) Math.ceil(cols * scale - 1e-9));
        int plotH = Math.max(1, (int) Math.ceil(rows * scale - 1e-9));
        int width = Math.max(maxWidth, plotW + LEFT + RIGHT);
        int plotX = Math.max(LEFT, (width - plotW) / 2);
        return new Layout(width, plotH + TOP + BOTTOM, plotX, TOP, plotW, plotH, scale);
    }

    /** @return the layout this image is drawn with */
    Layout layout() {
        return layout(rows, cols, options().width());
    }

    /** @return the mask drawn as an image */
    @Override
    public BufferedImage image() {
        Layout g = layout();
        BufferedImage img = new BufferedImage(g.width(), g.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = img.createGraphics();
        gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        gr.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        gr.setColor(Color.WHITE);
        gr.fillRect(0, 0, g.width(), g.height());
        // fraction kept per pixel: whole-pixel blocks when scaling up, averages when scaling down
        double[] keptPerPixel = new double[g.plotW() * g.plotH()];
        int[] cellsPerPixel = new int[keptPerPixel.length];
        double s = g.scale();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                boolean on = mask[r * cols + c] != 0;
                if (s >= 1) {
                    int k = (int) s;
                    for (int dy = 0; dy < k; dy++) {
                        int base = (r * k + dy) * g.plotW() + c * k;
                        for (int dx = 0; dx < k; dx++) {
                            keptPerPixel[base + dx] = on ? 1 : 0;
                            cellsPerPixel[base + dx] = 1;
                        }
                    }
                } else {
                    int px = Math.min(g.plotW() - 1, (int) (c * s));
                    int py = Math.min(g.plotH() - 1, (int) (r * s));
                    keptPerPixel[py * g.plotW() + px] += on ? 1 : 0;
                    cellsPerPixel[py * g.plotW() + px]++;
                }
            }
        }
        for (int py = 0; py < g.plotH(); py++) {
            for (int px = 0; px < g.plotW(); px++) {
                int i = py * g.plotW() + px;
                double f = cellsPerPixel[i] == 0 ? 0 : keptPerPixel[i] / cellsPerPixel[i];
                img.setRGB(g.plotX() + px, g.plotY() + py, blend(Color.WHITE, Style.KEPT, f));
            }
        }
        gr.setColor(new Color(0x999999));
        gr.setStroke(new BasicStroke(1f));
        gr.drawRect(g.plotX() - 1, g.plotY() - 1, g.plotW() + 1, g.plotH() + 1);
        gr.setColor(Style.TEXT);
        gr.setFont(Style.TITLE_FONT);
        Style.drawCentered(gr, Style.fit(options().titleOr(title), Style.TITLE_FONT, g.width() - 40), g.width() / 2,
                26);
        drawTicks(gr, g);
        long n = (long) rows * cols;
        long kept = Math.round(keptFraction() * n);
        String caption = String.format("%.1f%% pruned: %,d of %,d weights kept (dark = kept, white = pruned)",
                100.0 * (n - kept) / n, kept, n);
        Style.drawCentered(gr, caption, g.width() / 2, g.height() - 12);
        gr.dispose();
        return img;
    }

    /** Ticks: x below the plot, y to its left (row 0 at the top, like the matrix), and the axis titles. */
    private void drawTicks(Graphics2D gr, Layout g) {
        double s = g.scale();
        gr.setFont(Style.TICK_FONT);
        FontMetrics fm = gr.getFontMetrics();
        int bottom = g.plotY() + g.plotH();
        for (int c = 0; c < cols; c += tickStep(cols)) {
            int x = g.plotX() + (int) Math.round((c + 0.5) * s);
            gr.drawLine(x, bottom + 1, x, bottom + 5);
            Style.drawCentered(gr, Integer.toString(c), x, bottom + 6 + fm.getAscent());
        }
        for (int r = 0; r < rows; r += tickStep(rows)) {
            int y = g.plotY() + (int) Math.round((r + 0.5) * s);
            gr.drawLine(g.plotX() - 6, y, g.plotX() - 2, y);
            String label = Integer.toString(r);
            gr.drawString(label, g.plotX() - 9 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        gr.setFont(Style.AXIS_TITLE_FONT);
        fm = gr.getFontMetrics();
        Style.drawCentered(gr, options().xTitleOr("input index"), g.plotX() + g.plotW() / 2,
                bottom + 26 + fm.getAscent());
        AffineTransform saved = gr.getTransform();
        gr.rotate(-Math.PI / 2);
        Style.drawCentered(gr, options().yTitleOr("output unit"), -(g.plotY() + g.plotH() / 2), g.plotX() - 44);
        gr.setTransform(saved);
    }

    private static int tickStep(int n) {
        double raw = n / 6.0;
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(1, raw))));
        for (int m : new int[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return (int) Math.max(1, m * p);
            }
        }
        return (int) Math.max(1, 10 * p);
    }

    private static int blend(Color a, Color b, double f) {
        int r = (int) Math.round(a.getRed() + f * (b.getRed() - a.getRed()));
        int g = (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen()));
        int bl = (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue()));
        return (r << 16) | (g << 8) | bl;
    }

    @Override
    public String toString() {
        return String.format("MaskImage[%s, %d × %d, %.1f%% kept]", title, rows, cols, 100 * keptFraction());
    }
}
