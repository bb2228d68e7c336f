package org.prunekit.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Small grey-level images side by side in a grid: image patches, the atoms of a learned
 * dictionary, the weight rows of a first layer read as pictures, digits.
 *
 * <pre>{@code
 * Show.image(Tiles.grid("64 atoms of 8x8 pixels", atoms, 8, 8, 16));
 * Show.image(Tiles.of("64 atoms of 8x8 pixels", atoms, 8, 8).columns(16).caption("most used first")
 *         .options(ChartOptions.defaults().size(1000, 600)).image());
 * }</pre>
 *
 * <p>Each tile is scaled on its own, by its largest absolute value. A tile with no negative value
 * (a digit, a patch) goes from white (0) to black (its largest value); a tile with negative values
 * (a dictionary atom, a weight row) is drawn with 0 as mid grey, positive darker and negative
 * lighter. The title goes above the grid, the caption (if any) below it. Of the
 * {@link ChartOptions}, the title and the width apply.
 */
public final class Tiles extends Figure<Tiles> {

    static {
        Style.headless();
    }

    private static final Color FRAME = new Color(0xBBBBBB);
    private static final Font CAPTION_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final int GAP = 3;
    private static final int TOP = 44;
    private static final int BOTTOM = 40;
    private static final int SIDE = 20;

    private final String title;
    private final float[][] tiles;
    private final int height;
    private final int width;
    private int columns;
    private String caption = "";

    private Tiles(String title, float[][] tiles, int height, int width) {
        if (tiles == null || tiles.length == 0) {
            throw new IllegalArgumentException("Give at least one tile.");
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("Tiles need a height and a width of at least 1, got " + height + " and "
                    + width + ".");
        }
        for (int t = 0; t < tiles.length; t++) {
            if (tiles[t] == null || tiles[t].length != height * width) {
                throw new IllegalArgumentException("Tile " + t + " has " + (tiles[t] == null ? 0 : tiles[t].length)
                        + " values, but " + height + " × " + width + " = " + height * width + " were expected.");
            }
            for (float v : tiles[t]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("Tile " + t + " holds a non-finite value " + v + ".");
                }
            }
        }
        this.title = title;
        this.tiles = tiles.clone();
        this.height = height;
        this.width = width;
        this.columns = Math.min(16, tiles.length);
    }

    /**
     * @param title the title drawn above
     * @param tiles the tiles, each {@code height · width} finite values in row-major order
     * @param height pixels per tile, top to bottom
     * @param width pixels per tile, left to right
     * @return the grid (16 tiles per row unless {@link #columns} says otherwise)
     */
    public static Tiles of(String title, float[][] tiles, int height, int width) {
        return new Tiles(title, tiles, height, width);
    }

    /**
     * @param perRow tiles per row of the grid (at least 1)
     * @return this grid
     */
    public Tiles columns(int perRow) {
        if (perRow < 1) {
            throw new IllegalArgumentException("A grid needs at least 1 tile per row, got " + perRow + ".");
        }
        this.columns = perRow;
        return this;
    }

    /**
     * @param line a line drawn below the grid ("" for none)
     * @return this grid
     */
    public Tiles caption(String line) {
        this.caption = line;
        return this;
    }

    /**
     * @param title the title drawn above
     * @param tiles the tiles, each {@code height · width} values in row-major order
     * @param height pixels per tile, top to bottom
     * @param width pixels per tile, left to right
     * @param columns tiles per row of the grid
     * @return the image (about 800 pixels wide)
     */
    public static BufferedImage grid(String title, float[][] tiles, int height, int width, int columns) {
        return grid(title, tiles, height, width, columns, "");
    }

    /**
     * @param title the title drawn above
     * @param tiles the tiles, each {@code height · width} values in row-major order
     * @param height pixels per tile, top to bottom
     * @param width pixels per tile, left to right
     * @param columns tiles per row of the grid
     * @param caption a line drawn below the grid ("" for none)
     * @return the image (about 800 pixels wide)
     */
    public static BufferedImage grid(String title, float[][] tiles, int height, int width, int columns,
            String caption) {
        return of(title, tiles, height, width).columns(columns).caption(caption).image();
    }

    /** @return the tiles drawn as one image (about {@link ChartOptions#width()} pixels wide) */
    @Override
    public BufferedImage image() {
        int maxWidth = options().width();
        int cols = Math.min(columns, tiles.length);
        int rows = (tiles.length + cols - 1) / cols;
        int scale = Math.max(1, (maxWidth - 2 * SIDE - (cols - 1) * GAP) / (cols * width));
        int gridW = cols * width * scale + (cols - 1) * GAP;
        int gridH = rows * height * scale + (rows - 1) * GAP;
        int imageW = Math.max(maxWidth, gridW + 2 * SIDE);
        int x0 = (imageW - gridW) / 2;
        BufferedImage img = new BufferedImage(imageW, TOP + gridH + BOTTOM, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int t = 0; t < tiles.length; t++) {
            float[] tile = tiles[t];
            float maxAbs = 0;
            boolean signed = false;
            for (float v : tile) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
                signed |= v < 0;
            }
            int tx = x0 + (t % cols) * (width * scale + GAP);
            int ty = TOP + (t / cols) * (height * scale + GAP);
            for (int r = 0; r < height; r++) {
                for (int c = 0; c < width; c++) {
                    double f = maxAbs == 0 ? 0 : tile[r * width + c] / maxAbs;
                    int grey = (int) Math.round(signed ? 127.5 - 127.5 * f : 255 - 255 * f);
                    g.setColor(new Color(grey, grey, grey));
                    g.fillRect(tx + c * scale, ty + r * scale, scale, scale);
                }
            }
            g.setColor(FRAME);
            g.drawRect(tx - 1, ty - 1, width * scale + 1, height * scale + 1);
        }
        g.setColor(Style.TEXT);
        g.setFont(Style.TITLE_FONT);
        Style.drawCentered(g, options().titleOr(title), imageW / 2, 26);
        if (caption != null && !caption.isEmpty()) {
            g.setFont(CAPTION_FONT);
            Style.drawCentered(g, caption, imageW / 2, TOP + gridH + 26);
        }
        g.dispose();
        return img;
    }
}
