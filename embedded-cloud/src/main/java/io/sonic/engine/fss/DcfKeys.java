package io.sonic.engine.fss;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One party's DCF keys for a batch of B gates with the same input length n and payload length m, in
 * struct-of-arrays form: the party's root seeds (hi/lo per gate) plus the {@link Common} part, which holds the
 * correction words and is identical for both parties. The dealer therefore produces the common part once and
 * one root per party and gate ({@link Pair}); a party's batch is rebuilt from (its roots, the common part) with
 * {@link #DcfKeys(long[], long[], Common)}.
 *
 * <p><b>Single-key byte format</b> ({@link #serialize(int)}, the format the test vectors hash): root seed
 * (16 bytes: hi then lo, big-endian), then for each level i = 1..n, MSB first, {@code sCW | tLCW} as 16 bytes
 * (tLCW in the free LSB of sCW) followed by VCW[0..m-1] as 8 bytes big-endian each, then ⌈n/64⌉ big-endian
 * longs of tRCW bits (bit (i-1) of long (i-1)/64 is tRCW of level i), then CWlast[0..m-1] as 8 bytes each:
 * {@link #keyBytes(int, int)} = 16 + n(16+8m) + 8⌈n/64⌉ + 8m bytes per key.
 *
 * <p><b>Security.</b> A key is for exactly one gate instance, evaluated on the single opened value of that
 * gate; never evaluate a key twice on different inputs or reuse a batch. Keys hide α and β only while the
 * other party's root stays secret: a server must never see both roots. The arrays returned by the accessors
 * are the backing arrays (not copied) and must not be modified.
 */
public final class DcfKeys {
    private final Common common;
    private final long[] rootHi;
    private final long[] rootLo;

    /**
     * A party's batch from its roots (one per gate, LSB 0) and the common part. The arrays are not copied.
     *
     * @throws IllegalArgumentException if the lengths disagree or a root has its LSB set
     */
    public DcfKeys(long[] rootHi, long[] rootLo, Common common) {
        if (rootHi.length != common.size() || rootLo.length != common.size()) {
            throw new IllegalArgumentException("expected " + common.size() + " roots, got " + rootHi.length + "/"
                    + rootLo.length);
        }
        for (long lo : rootLo) {
            if ((lo & 1) != 0) {
                throw new IllegalArgumentException("a root seed has its LSB cleared");
            }
        }
        this.common = common;
        this.rootHi = rootHi;
        this.rootLo = rootLo;
    }

    /** A party's batch from its roots in the bulk form of {@link #rootsToLongs()} and the common part. */
    public static DcfKeys fromRoots(long[] roots, int offset, Common common) {
        int b = common.size();
        if (offset < 0 || roots.length - offset < 2L * b) {
            throw new IllegalArgumentException("expected " + 2 * b + " root words");
        }
        long[] hi = new long[b];
        long[] lo = new long[b];
        for (int g = 0; g < b; g++) {
            hi[g] = roots[offset + 2 * g];
            lo[g] = roots[offset + 2 * g + 1];
        }
        return new DcfKeys(hi, lo, common);
    }

    /** The roots as {hi_0, lo_0, hi_1, lo_1, ...}: 16 bytes per gate. */
    public long[] rootsToLongs() {
        long[] r = new long[2 * size()];
        for (int g = 0; g < size(); g++) {
            r[2 * g] = rootHi[g];
            r[2 * g + 1] = rootLo[g];
        }
        return r;
    }

    public Common common() {
        return common;
    }

    public int n() {
        return common.n;
    }

    public int m() {
        return common.m;
    }

    /** B, the number of gates. */
    public int size() {
        return common.size;
    }

    /** Root seeds' high words (backing array). */
    public long[] rootHi() {
        return rootHi;
    }

    /** Root seeds' low words, LSB 0 (backing array). */
    public long[] rootLo() {
        return rootLo;
    }

    /** Bytes of one serialised key: 16 + n(16+8m) + 8⌈n/64⌉ + 8m. */
    public static int keyBytes(int n, int m) {
        return 16 + 8 * Common.wordsPerGate(n, m);
    }

    /** Key {@code i} in the single-key format of the class comment ({@link #keyBytes(int, int)} bytes). */
    public byte[] serialize(int i) {
        final Common c = common;
        final int stride = 2 + c.m;
        ByteBuffer out = ByteBuffer.allocate(keyBytes(c.n, c.m));
        out.putLong(rootHi[i]).putLong(rootLo[i]);
        for (int lvl = 0; lvl < c.n; lvl++) {
            int r = c.record(i, lvl);
            for (int k = 0; k < stride; k++) {
                out.putLong(c.words[r + k]);
            }
        }
        int tr = c.trBase(i);
        for (int k = 0; k < (c.n + 63) / 64; k++) {
            out.putLong(c.words[tr + k]);
        }
        int lb = c.lastBase(i);
        for (int j = 0; j < c.m; j++) {
            out.putLong(c.words[lb + j]);
        }
        return out.array();
    }

    /** Parses one key of the single-key format into a batch of one gate. */
    public static DcfKeys parse(int n, int m, byte[] key) {
        int w = Common.wordsPerGate(n, m);
        if (key.length != 16 + 8 * w) {
            throw new IllegalArgumentException("a key of n=" + n + ", m=" + m + " has " + (16 + 8 * w) + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(key);
        long hi = in.getLong();
        long lo = in.getLong();
        long[] words = new long[w];
        in.asLongBuffer().get(words); // for a batch of one gate the bulk layout is the single-key layout
        return new DcfKeys(new long[] {hi}, new long[] {lo}, Common.fromLongs(n, m, 1, words, 0));
    }

    /** Gates [from, from+count) as a new batch (copies). */
    public DcfKeys slice(int from, int count) {
        return new DcfKeys(Arrays.copyOfRange(rootHi, from, from + count), Arrays.copyOfRange(rootLo, from, from + count),
                common.slice(from, count));
    }

    /**
     * The part of a batch of DCF keys that is identical for both parties: per gate and level the seed
     * correction sCW (LSB 0), the control-bit corrections tLCW and tRCW and the value correction VCW (m words),
     * and per gate CWlast (m words).
     *
     * <p><b>Bulk format</b> ({@link #toLongs()}/{@link #fromLongs}; {@link #toBytes()} is its big-endian byte
     * form). No header: n, m and B are agreed out of band (they come from the plan). Level-major, so that the
     * level-synchronous Eval streams it sequentially; with stride S = 2 + m and nw = ⌈n/64⌉:
     * <ol>
     * <li>for level i = 0..n-1 (MSB first), for gate g = 0..B-1: the record
     * {@code [sCW.hi, sCW.lo | tLCW, VCW[0..m-1]]} at word (i·B + g)·S (tLCW in the free LSB of sCW);</li>
     * <li>for gate g: nw words of tRCW bits at n·B·S + g·nw (bit i%64 of word i/64 is level i);</li>
     * <li>for gate g: CWlast[0..m-1] at n·B·S + B·nw + g·m.</li>
     * </ol>
     * Size: <b>{@link #bytesPerGate(int, int)} = n(16+8m) + 8⌈n/64⌉ + 8m bytes per gate</b> (2040 for n=63, m=2;
     * 1528 for n=63, m=1; 400 for n=16, m=1), i.e. B·W longs with W = {@link #wordsPerGate(int, int)} =
     * n(2+m) + ⌈n/64⌉ + m, plus 16 bytes per gate and party for the roots ({@link DcfKeys#rootsToLongs()}).
     * For B = 1 it is exactly the single-key format without its root. Gen writes and Eval reads this layout in
     * place (no conversion).
     */
    public static final class Common {
        final int n;
        final int m;
        final int size;
        final long[] words;

        Common(int n, int m, int size, long[] words) {
            Dcf.checkShape(n, m);
            if (size < 0 || words.length != (long) size * wordsPerGate(n, m)) {
                throw new IllegalArgumentException("bad common-part length " + words.length + " for " + size
                        + " gates of n=" + n + ", m=" + m);
            }
            this.n = n;
            this.m = m;
            this.size = size;
            this.words = words;
        }

        /** W = n(2+m) + ⌈n/64⌉ + m, the words of one gate in the bulk format. */
        public static int wordsPerGate(int n, int m) {
            return n * (2 + m) + (n + 63) / 64 + m;
        }

        /** n(16+8m) + 8⌈n/64⌉ + 8m, the bytes of one gate in the bulk format. */
        public static int bytesPerGate(int n, int m) {
            return 8 * wordsPerGate(n, m);
        }

        /** Wraps {@code size·W} words of the bulk format starting at {@code offset} (copied if offset ≠ 0 or longer). */
        public static Common fromLongs(int n, int m, int size, long[] bulk, int offset) {
            int len = Math.multiplyExact(size, wordsPerGate(n, m));
            long[] w = offset == 0 && bulk.length == len ? bulk : Arrays.copyOfRange(bulk, offset, offset + len);
            Common c = new Common(n, m, size, w);
            c.check();
            return c;
        }

        /** Parses the big-endian byte form of the bulk format. */
        public static Common fromBytes(int n, int m, int size, byte[] bulk, int offset) {
            long[] w = new long[Math.multiplyExact(size, wordsPerGate(n, m))];
            ByteBuffer.wrap(bulk, offset, 8 * w.length).asLongBuffer().get(w);
            Common c = new Common(n, m, size, w);
            c.check();
            return c;
        }

        /** The bulk format (the backing array, not copied). */
        public long[] toLongs() {
            return words;
        }

        /** The bulk format as big-endian bytes: bytesPerGate(n, m)·B bytes. */
        public byte[] toBytes() {
            ByteBuffer b = ByteBuffer.allocate(8 * words.length);
            b.asLongBuffer().put(words);
            return b.array();
        }

        public int n() {
            return n;
        }

        public int m() {
            return m;
        }

        public int size() {
            return size;
        }

        /** Word index of the record of gate g at level i. */
        int record(int g, int i) {
            return (i * size + g) * (2 + m);
        }

        /** Word index of gate g's first tR word. */
        int trBase(int g) {
            return n * size * (2 + m) + g * ((n + 63) / 64);
        }

        /** Word index of gate g's CWlast[0]. */
        int lastBase(int g) {
            return n * size * (2 + m) + size * ((n + 63) / 64) + g * m;
        }

        /** sCW of gate g at level i (0 = MSB level), high word. */
        public long sCwHi(int g, int i) {
            return words[record(g, i)];
        }

        /** sCW of gate g at level i, low word with the LSB cleared. */
        public long sCwLo(int g, int i) {
            return words[record(g, i) + 1] & ~1L;
        }

        /** tLCW of gate g at level i (0 or 1). */
        public int tL(int g, int i) {
            return (int) (words[record(g, i) + 1] & 1);
        }

        /** tRCW of gate g at level i (0 or 1). */
        public int tR(int g, int i) {
            return (int) (words[trBase(g) + (i >>> 6)] >>> (i & 63)) & 1;
        }

        /** VCW word j of gate g at level i. */
        public long vcw(int g, int i, int j) {
            return words[record(g, i) + 2 + j];
        }

        /** CWlast word j of gate g. */
        public long last(int g, int j) {
            return words[lastBase(g) + j];
        }

        Common slice(int from, int count) {
            if (from < 0 || count < 0 || from + count > size) {
                throw new IndexOutOfBoundsException("slice out of the batch");
            }
            final int stride = 2 + m;
            final int nw = (n + 63) / 64;
            long[] w = new long[count * wordsPerGate(n, m)];
            for (int i = 0; i < n; i++) {
                System.arraycopy(words, record(from, i), w, i * count * stride, count * stride);
            }
            System.arraycopy(words, trBase(from), w, n * count * stride, count * nw);
            System.arraycopy(words, lastBase(from), w, n * count * stride + count * nw, count * m);
            return new Common(n, m, count, w);
        }

        /** Rejects tR words with bits beyond level n (a malformed or mis-sized batch). */
        private void check() {
            int rest = n & 63;
            if (rest == 0) {
                return;
            }
            for (int g = 0; g < size; g++) {
                long last = words[trBase(g) + (n - 1) / 64];
                if (last >>> rest != 0) {
                    throw new IllegalArgumentException("gate " + g + ": tR bits beyond level " + n
                            + " (wrong n, m or offset?)");
                }
            }
        }
    }

    /**
     * What the dealer produces for a batch: the common part once and the root seeds of both parties.
     * {@link #party(int)} gives the batch handed to server b (its roots and the shared common part).
     */
    public record Pair(Common common, long[] root0Hi, long[] root0Lo, long[] root1Hi, long[] root1Lo) {
        /** Party b's keys (b = 0 or 1). */
        public DcfKeys party(int b) {
            if (b == 0) {
                return new DcfKeys(root0Hi, root0Lo, common);
            }
            if (b == 1) {
                return new DcfKeys(root1Hi, root1Lo, common);
            }
            throw new IllegalArgumentException("party is 0 or 1");
        }
    }
}
