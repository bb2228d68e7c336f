package org.prunekit.sparse;

import java.lang.reflect.Field;

/**
 * Where a float array's values meet a cache line, so that the vector kernels can read their input from aligned
 * addresses. A vector load of 16 floats (64 bytes, AVX-512) from an address that is not a multiple of 64 touches two
 * cache lines; the convolution kernels load every input window that way, and measured on AVX-512 (Zen 5) the CSR
 * kernel ran 1.6-1.7x faster and the dense one 1.2x faster when the input started on a line. The JVM places a
 * {@code float[]} wherever its allocator and garbage collector put it (8-byte aligned, and it may move later), so
 * the same kernel on the same data ran at either speed from run to run. A kernel that copies its input anyway (the
 * convolution's zero-padded copy) asks {@link #floatsToLine} before each copy and writes the copy from there on.
 *
 * <p>The address is read with {@code sun.misc.Unsafe} (module {@code jdk.unsupported}, open to class-path code) from
 * a reference held in an {@code Object[]}, decoded as the JVM stores it (compressed or not; the decoding is checked
 * once on two arrays allocated one after the other). Where that is not possible the answer is always 0: the kernels
 * run as before, correct, at the speed the array's placement gives. Only speed depends on the answer, never values.
 */
final class Alignment {

    /** Bytes of a cache line (and of an AVX-512 register). */
    static final int LINE = 64;

    /** Floats per cache line: the most {@link #floatsToLine} returns, plus one. */
    static final int LINE_FLOATS = LINE / Float.BYTES;

    /** A holder per thread: the reference is read from an array that escapes, as the JVM stores it. */
    private static final ThreadLocal<Object[]> HOLDER = ThreadLocal.withInitial(() -> new Object[1]);

    private static final sun.misc.Unsafe UNSAFE;
    private static final long OBJECTS_BASE;
    private static final long FLOATS_BASE;
    /** Bits a compressed reference is shifted by, or -1 for uncompressed (8-byte) references. */
    private static final int SHIFT;
    private static final boolean KNOWN;

    static {
        sun.misc.Unsafe u = null;
        long objects = 0;
        long floats = 0;
        int shift = -1;
        boolean known = false;
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = (sun.misc.Unsafe) f.get(null);
            objects = u.arrayBaseOffset(Object[].class);
            floats = u.arrayBaseOffset(float[].class);
            shift = u.arrayIndexScale(Object[].class) == 8 ? -1 : shiftOf(u, objects);
            known = check(u, objects, shift);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            known = false;
        }
        UNSAFE = u;
        OBJECTS_BASE = objects;
        FLOATS_BASE = floats;
        SHIFT = shift;
        KNOWN = known;
    }

    private Alignment() {}

    /** @return whether addresses are known (otherwise {@link #floatsToLine} answers 0) */
    static boolean known() {
        return KNOWN;
    }

    /**
     * @param a an array
     * @return how many floats from index 0 the first value on a cache line is ({@code 0 .. 15}): {@code a[k]} with
     *     {@code k = floatsToLine(a)} starts a line as the array lies now (0 if unknown)
     */
    static int floatsToLine(float[] a) {
        if (!KNOWN) {
            return 0;
        }
        long at = address(UNSAFE, OBJECTS_BASE, SHIFT, a) + FLOATS_BASE;
        int bytes = (int) Math.floorMod(-at, (long) LINE);
        return bytes % Float.BYTES == 0 ? bytes / Float.BYTES : 0;
    }

    /** @return the bytes from a float array's address to its first value */
    static long floatsBase() {
        return FLOATS_BASE;
    }

    /** @return the address of {@code o} as the JVM holds it now (modulo a heap base aligned beyond a line), if
     *  {@link #known()} */
    static long address(Object o) {
        return address(UNSAFE, OBJECTS_BASE, SHIFT, o);
    }

    private static long address(sun.misc.Unsafe u, long objectsBase, int shift, Object o) {
        Object[] holder = HOLDER.get();
        holder[0] = o;
        long at = shift < 0 ? u.getLong(holder, objectsBase)
                // a heap base, where the JVM uses one, is aligned far beyond a cache line: the remainder is the same
                : (u.getInt(holder, objectsBase) & 0xFFFFFFFFL) << shift;
        holder[0] = null;
        return at;
    }

    /**
     * The shift of compressed references: 0 while the heap lies below 4 GB (the reference is the address, always a
     * multiple of the object alignment), else the log of the object alignment (8 bytes: small objects allocated one
     * after the other then give references 2 apart, not all multiples of 8).
     */
    private static int shiftOf(sun.misc.Unsafe u, long objectsBase) {
        Object[] objects = new Object[32];
        for (int i = 0; i < objects.length; i++) {
            objects[i] = new Object();
        }
        Object[] holder = HOLDER.get();
        for (Object o : objects) {
            holder[0] = o;
            int reference = u.getInt(holder, objectsBase);
            holder[0] = null;
            if ((reference & 7) != 0) {
                return Integer.numberOfTrailingZeros(alignmentBytes());
            }
        }
        return 0;
    }

    private static int alignmentBytes() {
        try {
            Object bean = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            String v = ((com.sun.management.HotSpotDiagnosticMXBean) bean).getVMOption("ObjectAlignmentInBytes")
                    .getValue();
            return Integer.parseInt(v);
        } catch (RuntimeException | LinkageError e) {
            return 8;
        }
    }

    /** The decoding is right if two small arrays allocated in a row lie one right after the other (a few tries:
     *  an allocation buffer may end between them). */
    private static boolean check(sun.misc.Unsafe u, long objectsBase, int shift) {
        for (int attempt = 0; attempt < 8; attempt++) {
            float[] first = new float[4];
            float[] second = new float[4];
            long size = u.arrayBaseOffset(float[].class) + 4L * Float.BYTES;
            long step = address(u, objectsBase, shift, second) - address(u, objectsBase, shift, first);
            long alignment = alignmentBytes();
            if (step == (size + alignment - 1) / alignment * alignment) {
                return true;
            }
        }
        return false;
    }
}
