package io.sonic.engine.ot;

/**
 * Correlated and random OT from an extension's rows (Asharov, Lindell, Schneider, Zohner, CCS 2013), with
 * the messages made as long as needed by the tweakable hash ({@link Tccr}): OT i's messages are the bit
 * streams H(T(i, ·), qᵢ) and H(T(i, ·), qᵢ ⊕ Δ) at the sender, H(T(i, ·), tᵢ) = the one of its choice at the
 * receiver. A message of OT i is {@code values(i)} values of {@code width(i)} bits each, read in order from
 * the stream.
 *
 * <p>Correlated OT with a vector correlation δ (sender): m⁰ from the first stream, m¹ from the second,
 * τ = m⁰ + δ − m¹ mod 2^width sent; receiver: out = H(tᵢ) + rᵢ·τ mod 2^width = m⁰ + rᵢ·δ. So the sender's
 * −m⁰ and the receiver's out are additive shares of rᵢ·δ modulo 2^width. Random OT (one-bit messages, no
 * correction) gives the sender both bits and the receiver the bit of its choice.
 */
final class CorrelatedOt {
    /** Blocks hashed per cipher call (1 MiB of blocks). */
    private static final int CHUNK_BLOCKS = 1 << 16;

    private CorrelatedOt() {
    }

    /** The message shape of each OT of an extension. */
    interface Shape {
        int values(int ot);

        /** Bits per value, 1 to 64. */
        int width(int ot);
    }

    @FunctionalInterface
    interface Correlation {
        long value(int ot, int index);
    }

    @FunctionalInterface
    interface Sink {
        void take(int ot, int index, long value);
    }

    /** Bits of the τ message of an extension of this shape. */
    static long correctionBits(int ots, Shape shape) {
        long bits = 0;
        for (int i = 0; i < ots; i++) {
            bits += (long) shape.values(i) * shape.width(i);
        }
        return bits;
    }

    /**
     * Sender of correlated OT: hands {@code m⁰} (reduced mod 2^width) of each value to {@code share}, so that
     * −m⁰ is its share of rᵢ·δ; returns τ packed little-endian into longs.
     */
    static long[] send(OtSession.Query q, OtSession.Extension ext, Shape shape, Correlation delta, Sink share) {
        BitStream tau = new BitStream(new long[(int) ((correctionBits(ext.count(), shape) + 63) >>> 6)]);
        forChunks(ext, shape, true, q, (ot, y0, y1, off) -> {
            int w = shape.width(ot);
            long mask = w == 64 ? -1L : (1L << w) - 1;
            long p0 = off;
            long p1 = off;
            for (int t = 0, n = shape.values(ot); t < n; t++) {
                long m0 = BitStream.read(y0, p0, w) & mask;
                long m1 = BitStream.read(y1, p1, w) & mask;
                p0 += w;
                p1 += w;
                tau.write((m0 + delta.value(ot, t) - m1) & mask, w);
                share.take(ot, t, m0);
            }
        });
        return tau.words();
    }

    /** Receiver of correlated OT: hands out = m^{rᵢ}... = m⁰ + rᵢ·δ (mod 2^width) of each value to {@code share}. */
    static void receive(OtSession.Query q, OtSession.Extension ext, long[] choices, Shape shape, long[] tauWords,
                        Sink share) {
        long need = (correctionBits(ext.count(), shape) + 63) >>> 6;
        if (tauWords.length != need) {
            throw new IllegalStateException("OT correction of " + tauWords.length + " words, " + need + " expected");
        }
        BitStream tau = new BitStream(tauWords);
        forChunks(ext, shape, false, q, (ot, y, unused, off) -> {
            int w = shape.width(ot);
            long mask = w == 64 ? -1L : (1L << w) - 1;
            boolean r = ((choices[ot >>> 6] >>> (ot & 63)) & 1L) != 0;
            long p = off;
            for (int t = 0, n = shape.values(ot); t < n; t++) {
                long h = BitStream.read(y, p, w);
                p += w;
                long c = tau.read(w);
                share.take(ot, t, (r ? h + c : h) & mask);
            }
        });
    }

    /**
     * Gilboa's multiplication, vectorised, sender side: OT 64e + j carries the correlation δ of element e's
     * products ({@code delta[start[e]] … delta[start[e+1] − 1]}) mod 2^(64−j). Adds Σⱼ 2ʲ·m⁰ to {@code acc} per
     * product (the sender's share of the products is −acc); returns τ.
     */
    static long[] gilboaSend(OtSession.Query q, OtSession.Extension ext, int[] start, long[] delta, long[] acc) {
        Shape shape = gilboa(start);
        BitStream tau = new BitStream(new long[(int) ((correctionBits(ext.count(), shape) + 63) >>> 6)]);
        forChunks(ext, shape, true, q, (ot, y0, y1, off) -> {
            int e = ot >>> 6;
            int j = ot & 63;
            int w = 64 - j;
            long mask = j == 0 ? -1L : (1L << w) - 1;
            long p = off;
            for (int t = start[e], end = start[e + 1]; t < end; t++, p += w) {
                long m0 = BitStream.read(y0, p, w) & mask;
                long m1 = BitStream.read(y1, p, w) & mask;
                tau.write((m0 + delta[t] - m1) & mask, w);
                acc[t] += m0 << j;
            }
        });
        return tau.words();
    }

    /**
     * Gilboa's multiplication, receiver side, with choice bits the bits of its elements: adds Σⱼ 2ʲ·outⱼ to
     * {@code acc} per product, so that acc − (the sender's acc) = element · δ for every product.
     */
    static void gilboaReceive(OtSession.Query q, OtSession.Extension ext, long[] choices, int[] start, long[] tauWords,
                              long[] acc) {
        Shape shape = gilboa(start);
        long need = (correctionBits(ext.count(), shape) + 63) >>> 6;
        if (tauWords.length != need) {
            throw new IllegalStateException("OT correction of " + tauWords.length + " words, " + need + " expected");
        }
        BitStream tau = new BitStream(tauWords);
        forChunks(ext, shape, false, q, (ot, y, unused, off) -> {
            int e = ot >>> 6;
            int j = ot & 63;
            int w = 64 - j;
            long mask = j == 0 ? -1L : (1L << w) - 1;
            boolean r = ((choices[e] >>> j) & 1L) != 0;
            long p = off;
            for (int t = start[e], end = start[e + 1]; t < end; t++, p += w) {
                long h = BitStream.read(y, p, w);
                long c = tau.read(w);
                acc[t] += ((r ? h + c : h) & mask) << j;
            }
        });
    }

    private static Shape gilboa(int[] start) {
        return new Shape() {
            public int values(int ot) {
                return start[(ot >>> 6) + 1] - start[ot >>> 6];
            }

            public int width(int ot) {
                return 64 - (ot & 63);
            }
        };
    }

    /** Random OT with one-bit messages, sender: bit i of {@code x0} and {@code x1} (bit-sliced words). */
    static void randomBitsSend(OtSession.Query q, OtSession.Extension ext, long[] x0, long[] x1) {
        Shape one = one();
        forChunks(ext, one, true, q, (ot, y0, y1, off) -> {
            x0[ot >>> 6] |= (y0[(int) (off >>> 6)] >>> (off & 63) & 1L) << (ot & 63);
            x1[ot >>> 6] |= (y1[(int) (off >>> 6)] >>> (off & 63) & 1L) << (ot & 63);
        });
    }

    /** Random OT with one-bit messages, receiver: the bit of its choice, bit-sliced into {@code x}. */
    static void randomBitsReceive(OtSession.Query q, OtSession.Extension ext, long[] x) {
        forChunks(ext, one(), false, q, (ot, y, unused, off) ->
                x[ot >>> 6] |= (y[(int) (off >>> 6)] >>> (off & 63) & 1L) << (ot & 63));
    }

    private static Shape one() {
        return new Shape() {
            public int values(int ot) {
                return 1;
            }

            public int width(int ot) {
                return 1;
            }
        };
    }

    @FunctionalInterface
    private interface PerOt {
        /** OT {@code ot}'s streams start at bit {@code off} of {@code y0} (and {@code y1} at the sender). */
        void run(int ot, long[] y0, long[] y1, long off);
    }

    /**
     * Hashes the extension's rows chunk by chunk (at most {@link #CHUNK_BLOCKS} blocks per cipher call, one OT's
     * blocks in one chunk) and walks the OTs in order; the sender hashes qᵢ and qᵢ ⊕ Δ, the receiver tᵢ.
     */
    private static void forChunks(OtSession.Extension ext, Shape shape, boolean sender, OtSession.Query q, PerOt f) {
        Tccr h = Tccr.local();
        long[] rows = ext.rows();
        int n = ext.count();
        int i = 0;
        while (i < n) {
            int start = i;
            long blocks = 0;
            while (i < n) {
                long b = blocksOf(shape, i);
                if (blocks > 0 && blocks + b > CHUNK_BLOCKS) {
                    break;
                }
                blocks += b;
                i++;
            }
            int count = i - start;
            int[] at = new int[count + 1];
            for (int k = 0; k < count; k++) {
                at[k + 1] = at[k] + (int) blocksOf(shape, start + k);
            }
            long[] px = new long[2 * count];
            h.permute(rows, 2 * start, count, px, 0);
            long[] y0 = hashAll(h, q, ext, start, count, at, px);
            long[] y1 = null;
            if (sender) {
                long[] rd = new long[2 * count];
                for (int k = 0; k < count; k++) {
                    rd[2 * k] = rows[2 * (start + k)] ^ q.deltaHi();
                    rd[2 * k + 1] = rows[2 * (start + k) + 1] ^ q.deltaLo();
                }
                h.permute(rd, 0, count, rd, 0);
                y1 = hashAll(h, q, ext, start, count, at, rd);
            }
            for (int k = 0; k < count; k++) {
                f.run(start + k, y0, y1, 128L * at[k]);
            }
        }
    }

    private static long blocksOf(Shape shape, int ot) {
        return ((long) shape.values(ot) * shape.width(ot) + 127) >>> 7;
    }

    /** y = H(T(i, c), x) for the chunk's OTs i and their blocks c, given πx. */
    private static long[] hashAll(Tccr h, OtSession.Query q, OtSession.Extension ext, int start, int count, int[] at,
                                  long[] px) {
        long[] y = new long[2 * at[count]];
        for (int k = 0; k < count; k++) {
            long base = Tccr.tweak(ext.direction(), ext.firstIndex() + start + k, 0);
            int blocks = at[k + 1] - at[k];
            if (blocks >= 1 << Tccr.COUNTER_BITS) {
                throw new IllegalStateException("one OT's message of " + blocks + " blocks exceeds 2^"
                        + Tccr.COUNTER_BITS);
            }
            for (int c = 0; c < blocks; c++) {
                int o = 2 * (at[k] + c);
                y[o] = px[2 * k] ^ q.nonce();
                y[o + 1] = px[2 * k + 1] ^ (base | c);
            }
        }
        h.permute(y, 0, at[count], y, 0);
        for (int k = 0; k < count; k++) {
            for (int c = at[k]; c < at[k + 1]; c++) {
                y[2 * c] ^= px[2 * k];
                y[2 * c + 1] ^= px[2 * k + 1];
            }
        }
        return y;
    }

    /** A little-endian bit stream over longs. */
    static final class BitStream {
        private final long[] words;
        private long pos;

        BitStream(long[] words) {
            this.words = words;
        }

        long[] words() {
            return words;
        }

        /** {@code w} bits of {@code y} from bit {@code pos} (higher bits of the result are garbage unless w = 64). */
        static long read(long[] y, long pos, int w) {
            int i = (int) (pos >>> 6);
            int o = (int) (pos & 63);
            long v = y[i] >>> o;
            if (o + w > 64) {
                v |= y[i + 1] << (64 - o);
            }
            return v;
        }

        long read(int w) {
            long v = read(words, pos, w);
            pos += w;
            return w == 64 ? v : v & ((1L << w) - 1);
        }

        /** Appends the low {@code w} bits of {@code v} (which must have no higher bits set). */
        void write(long v, int w) {
            int i = (int) (pos >>> 6);
            int o = (int) (pos & 63);
            words[i] |= v << o;
            if (o + w > 64) {
                words[i + 1] |= v >>> (64 - o);
            }
            pos += w;
        }
    }
}
