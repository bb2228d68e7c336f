package org.prunekit.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class TilesTest {

    /** The grey level (0..255) of the pixel at the centre of tile {@code t}'s pixel (r, c). */
    private static int grey(BufferedImage img, int gridCols, int tileW, int tileH, int tiles, int t, int r, int c) {
        int cols = Math.min(gridCols, tiles);
        int scale = Math.max(1, (800 - 40 - (cols - 1) * 3) / (cols * tileW));
        int gridW = cols * tileW * scale + (cols - 1) * 3;
        int x0 = (Math.max(800, gridW + 40) - gridW) / 2;
        int x = x0 + (t % cols) * (tileW * scale + 3) + c * scale + scale / 2;
        int y = 44 + (t / cols) * (tileH * scale + 3) + r * scale + scale / 2;
        return img.getRGB(x, y) & 0xFF;
    }

    @Test
    void nonNegativeTilesGoFromWhiteToBlackAndSignedOnesAroundMidGrey() {
        float[][] tiles = {{0, 0.5f, 1, 0}, {-1, 0, 1, 0.5f}, {0, 0, 0, 0}};
        BufferedImage img = Tiles.grid("three tiles", tiles, 2, 2, 2, "a caption");
        assertEquals(800, img.getWidth());
        assertEquals(255, grey(img, 2, 2, 2, 3, 0, 0, 0)); // 0 of a non-negative tile: white
        assertEquals(0, grey(img, 2, 2, 2, 3, 0, 1, 0));   // its largest value: black
        assertEquals(128, grey(img, 2, 2, 2, 3, 0, 0, 1), 1);
        assertEquals(255, grey(img, 2, 2, 2, 3, 1, 0, 0)); // -max of a signed tile: white
        assertEquals(128, grey(img, 2, 2, 2, 3, 1, 0, 1), 1); // 0: mid grey
        assertEquals(0, grey(img, 2, 2, 2, 3, 1, 1, 0));   // +max: black
        assertEquals(255, grey(img, 2, 2, 2, 3, 2, 1, 1)); // an all-zero tile: white
        assertTrue(img.getHeight() > 44 + 40);
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> Tiles.grid("t", new float[][] {{1, 2, 3}}, 2, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> Tiles.grid("t", new float[0][], 2, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> Tiles.grid("t", new float[][] {{Float.NaN}}, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Tiles.grid("t", new float[][] {{1}}, 1, 1, 0));
    }
}
