package org.prunekit.engine;

/**
 * The independent side of the engine check: the operations PruneKit relies on, computed by plain
 * Java loops in double precision from the same float32 inputs the engine gets. Every result comes
 * with the sum of the absolute values of the terms that make it up, the scale a float32 rounding
 * error is measured against (a wrong kernel is off by the order of the values themselves, a right
 * one by a few units in the last place of that scale).
 *
 * <p>Arrays are logical row-major NCHW (or (n, features)), whatever memory layout the engine used.
 */
final class Reference {

    private Reference() {}

    /** A computed array and, per element, the sum of the absolute values of its terms. */
    record Values(double[] value, double[] scale) {
        Values(int n) {
            this(new double[n], new double[n]);
        }
    }

    /** The geometry of a 2-D convolution (square kernel, stride and padding, no dilation, one group). */
    record Conv(int n, int cin, int cout, int h, int w, int k, int s, int p) {
        int ho() {
            return (h + 2 * p - k) / s + 1;
        }

        int wo() {
            return (w + 2 * p - k) / s + 1;
        }

        int inputSize() {
            return n * cin * h * w;
        }

        int weightSize() {
            return cout * cin * k * k;
        }

        int outputSize() {
            return n * cout * ho() * wo();
        }

        /** @return multiply-accumulates of one pass */
        long macs() {
            return (long) n * cout * cin * k * k * ho() * wo();
        }
    }

    /** y[n,o,i,j] = b[o] + Σ_{c,ki,kj} w[o,c,ki,kj]·x[n,c,i·s−p+ki, j·s−p+kj]. */
    static Values convForward(Conv g, float[] x, float[] wt, float[] bias) {
        int ho = g.ho();
        int wo = g.wo();
        int plane = ho * wo;
        Values y = new Values(g.outputSize());
        for (int n = 0; n < g.n; n++) {
            for (int o = 0; o < g.cout; o++) {
                int yBase = (n * g.cout + o) * plane;
                double b0 = bias == null ? 0 : bias[o];
                for (int q = 0; q < plane; q++) {
                    y.value[yBase + q] = b0;
                    y.scale[yBase + q] = Math.abs(b0);
                }
                for (int c = 0; c < g.cin; c++) {
                    int xBase = (n * g.cin + c) * g.h * g.w;
                    for (int ki = 0; ki < g.k; ki++) {
                        int iLo = first(ki, g.p, g.s);
                        int iHi = last(ki, g.p, g.s, g.h, ho);
                        for (int kj = 0; kj < g.k; kj++) {
                            int jLo = first(kj, g.p, g.s);
                            int jHi = last(kj, g.p, g.s, g.w, wo);
                            double wv = wt[((o * g.cin + c) * g.k + ki) * g.k + kj];
                            for (int i = iLo; i <= iHi; i++) {
                                int xRow = xBase + (i * g.s - g.p + ki) * g.w - g.p + kj;
                                int yRow = yBase + i * wo;
                                for (int j = jLo; j <= jHi; j++) {
                                    double t = wv * x[xRow + j * g.s];
                                    y.value[yRow + j] += t;
                                    y.scale[yRow + j] += Math.abs(t);
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    /** @return the first output index whose window position {@code kk} falls inside the input */
    private static int first(int kk, int p, int s) {
        return Math.max(0, (p - kk + s - 1) / s);
    }

    /** @return the last output index whose window position {@code kk} falls inside an input of {@code size} */
    private static int last(int kk, int p, int s, int size, int outSize) {
        int v = size - 1 + p - kk;
        return v < 0 ? -1 : Math.min(outSize - 1, v / s);
    }

    /**
     * Gradients of {@code Σ y·dy} for the convolution {@code y = conv(x, w) + b}.
     *
     * @return the gradients of the input, the weight and the bias, in that order
     */
    static Values[] convBackward(Conv g, float[] x, float[] wt, float[] dy) {
        int ho = g.ho();
        int wo = g.wo();
        int plane = ho * wo;
        Values dx = new Values(g.inputSize());
        Values dw = new Values(g.weightSize());
        Values db = new Values(g.cout);
        for (int n = 0; n < g.n; n++) {
            for (int o = 0; o < g.cout; o++) {
                int yBase = (n * g.cout + o) * plane;
                for (int q = 0; q < plane; q++) {
                    db.value[o] += dy[yBase + q];
                    db.scale[o] += Math.abs(dy[yBase + q]);
                }
                for (int c = 0; c < g.cin; c++) {
                    int xBase = (n * g.cin + c) * g.h * g.w;
                    for (int ki = 0; ki < g.k; ki++) {
                        int iLo = first(ki, g.p, g.s);
                        int iHi = last(ki, g.p, g.s, g.h, ho);
                        for (int kj = 0; kj < g.k; kj++) {
                            int jLo = first(kj, g.p, g.s);
                            int jHi = last(kj, g.p, g.s, g.w, wo);
                            int wi = ((o * g.cin + c) * g.k + ki) * g.k + kj;
                            double wv = wt[wi];
                            double sw = 0;
                            double aw = 0;
                            for (int i = iLo; i <= iHi; i++) {
                                int xRow = xBase + (i * g.s - g.p + ki) * g.w - g.p + kj;
                                int yRow = yBase + i * wo;
                                for (int j = jLo; j <= jHi; j++) {
                                    double gv = dy[yRow + j];
                                    int xi = xRow + j * g.s;
                                    double tx = gv * wv;
                                    dx.value[xi] += tx;
                                    dx.scale[xi] += Math.abs(tx);
                                    double tw = gv * x[xi];
                                    sw += tw;
                                    aw += Math.abs(tw);
                                }
                            }
                            dw.value[wi] += sw;
                            dw.scale[wi] += aw;
                        }
                    }
                }
            }
        }
        return new Values[] {dx, dw, db};
    }

    /** y[n,o] = b[o] + Σ_i w[o,i]·x[n,i]. */
    static Values linearForward(int batch, int in, int out, float[] x, float[] wt, float[] bias) {
        Values y = new Values(batch * out);
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                double v = bias[o];
                double a = Math.abs(v);
                for (int i = 0; i < in; i++) {
                    double t = (double) wt[o * in + i] * x[n * in + i];
                    v += t;
                    a += Math.abs(t);
                }
                y.value[n * out + o] = v;
                y.scale[n * out + o] = a;
            }
        }
        return y;
    }

    /** @return the gradients of {@code Σ y·dy} for the input, the weight and the bias */
    static Values[] linearBackward(int batch, int in, int out, float[] x, float[] wt, float[] dy) {
        Values dx = new Values(batch * in);
        Values dw = new Values(out * in);
        Values db = new Values(out);
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                double gv = dy[n * out + o];
                db.value[o] += gv;
                db.scale[o] += Math.abs(gv);
                for (int i = 0; i < in; i++) {
                    double tx = gv * wt[o * in + i];
                    dx.value[n * in + i] += tx;
                    dx.scale[n * in + i] += Math.abs(tx);
                    double tw = gv * x[n * in + i];
                    dw.value[o * in + i] += tw;
                    dw.scale[o * in + i] += Math.abs(tw);
                }
            }
        }
        return new Values[] {dx, dw, db};
    }

    /**
     * Batch normalisation over axis 1 with the batch's own statistics (training mode, biased
     * variance), and the gradients of {@code Σ y·dy}.
     *
     * @return the output, and the gradients of the input, the scale γ and the shift β
     */
    static Values[] batchNormTraining(int n, int c, int hw, float[] x, float[] gamma, float[] beta, float[] dy,
            double eps) {
        Values y = new Values(n * c * hw);
        Values dx = new Values(n * c * hw);
        Values dg = new Values(c);
        Values dbeta = new Values(c);
        int m = n * hw;
        for (int ch = 0; ch < c; ch++) {
            double mean = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < hw; i++) {
                    mean += x[(b * c + ch) * hw + i];
                }
            }
            mean /= m;
            double var = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < hw; i++) {
                    double d = x[(b * c + ch) * hw + i] - mean;
                    var += d * d;
                }
            }
            var /= m;
            double inv = 1 / Math.sqrt(var + eps);
            double sumG = 0;
            double sumGx = 0;
            double absG = 0;
            double absGx = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < hw; i++) {
                    int at = (b * c + ch) * hw + i;
                    double xh = (x[at] - mean) * inv;
                    y.value[at] = gamma[ch] * xh + beta[ch];
                    y.scale[at] = Math.abs(gamma[ch]) * (Math.abs(x[at]) + Math.abs(mean)) * inv + Math.abs(beta[ch]);
                    sumG += dy[at];
                    sumGx += dy[at] * xh;
                    absG += Math.abs(dy[at]);
                    absGx += Math.abs(dy[at] * xh);
                }
            }
            dbeta.value[ch] = sumG;
            dbeta.scale[ch] = absG;
            dg.value[ch] = sumGx;
            dg.scale[ch] = absGx;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < hw; i++) {
                    int at = (b * c + ch) * hw + i;
                    double xh = (x[at] - mean) * inv;
                    dx.value[at] = gamma[ch] * inv * (dy[at] - sumG / m - xh * sumGx / m);
                    dx.scale[at] = Math.abs(gamma[ch]) * inv * (Math.abs(dy[at]) + absG / m + Math.abs(xh) * absGx / m);
                }
            }
        }
        return new Values[] {y, dx, dg, dbeta};
    }

    /** Batch normalisation with given running statistics (inference mode). */
    static Values batchNormInference(int n, int c, int hw, float[] x, float[] mean, float[] var, float[] gamma,
            float[] beta, double eps) {
        Values y = new Values(n * c * hw);
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                double inv = 1 / Math.sqrt(var[ch] + eps);
                for (int i = 0; i < hw; i++) {
                    int at = (b * c + ch) * hw + i;
                    y.value[at] = gamma[ch] * (x[at] - mean[ch]) * inv + beta[ch];
                    y.scale[at] = Math.abs(gamma[ch]) * (Math.abs(x[at]) + Math.abs(mean[ch])) * inv
                            + Math.abs(beta[ch]);
                }
            }
        }
        return y;
    }

    /**
     * Max (or average) pooling with a square window, no padding, and the gradient of
     * {@code Σ y·dy} (for max pooling, to the first maximum of each window; inputs are
     * continuous random values, so windows have no ties).
     *
     * @return the output and the gradient of the input
     */
    static Values[] pool(boolean max, int n, int c, int h, int w, int k, int s, float[] x, float[] dy) {
        int ho = (h - k) / s + 1;
        int wo = (w - k) / s + 1;
        Values y = new Values(n * c * ho * wo);
        Values dx = new Values(n * c * h * w);
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (b * c + ch) * h;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        int out = ((b * c + ch) * ho + i) * wo + j;
                        double best = Double.NEGATIVE_INFINITY;
                        int arg = -1;
                        double sum = 0;
                        double abs = 0;
                        for (int ki = 0; ki < k; ki++) {
                            for (int kj = 0; kj < k; kj++) {
                                int at = (base + i * s + ki) * w + j * s + kj;
                                if (x[at] > best) {
                                    best = x[at];
                                    arg = at;
                                }
                                sum += x[at];
                                abs += Math.abs(x[at]);
                            }
                        }
                        if (max) {
                            y.value[out] = best;
                            y.scale[out] = Math.abs(best);
                            dx.value[arg] += dy[out];
                            dx.scale[arg] += Math.abs(dy[out]);
                        } else {
                            y.value[out] = sum / (k * k);
                            y.scale[out] = abs / (k * k);
                            for (int ki = 0; ki < k; ki++) {
                                for (int kj = 0; kj < k; kj++) {
                                    int at = (base + i * s + ki) * w + j * s + kj;
                                    dx.value[at] += dy[out] / (k * k);
                                    dx.scale[at] += Math.abs(dy[out]) / (k * k);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Values[] {y, dx};
    }
}
