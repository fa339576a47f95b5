package io.sonic.desktop.learn;

import java.util.Random;

/**
 * The ring Z_2^ℓ of the worked examples, for a small ℓ such as 8 (mod 256) so that every number fits
 * on a slide; ℓ = 64 is the engine's ring. Values are held reduced, in [0, 2^ℓ), as Java longs.
 *
 * <p>Teaching material only: the examples draw their "random" shares from a seeded
 * {@link java.util.Random} so that a lecture can show the same numbers again. That generator must
 * never touch a real share, mask or key; the engine uses its AES-CTR {@code Prg} for those.
 */
public record Ring(int bits) {
    public Ring {
        if (bits < 3 || bits > 64) {
            throw new IllegalArgumentException("ring bits must be between 3 and 64, got " + bits);
        }
    }

    /** 2^ℓ as a long (ℓ < 64 only). */
    public long modulus() {
        if (bits == 64) {
            throw new IllegalStateException("2^64 does not fit a long");
        }
        return 1L << bits;
    }

    public long reduce(long v) {
        return bits == 64 ? v : v & ((1L << bits) - 1);
    }

    public long add(long a, long b) {
        return reduce(a + b);
    }

    public long sub(long a, long b) {
        return reduce(a - b);
    }

    public long mul(long a, long b) {
        return reduce(a * b);
    }

    public long neg(long a) {
        return reduce(-a);
    }

    /** The value read as a two's-complement signed number in [−2^(ℓ−1), 2^(ℓ−1)). */
    public long signed(long v) {
        long r = reduce(v);
        if (bits == 64) {
            return r;
        }
        return r >= 1L << (bits - 1) ? r - (1L << bits) : r;
    }

    /** Bit j (0 = least significant) of v. */
    public int bit(long v, int j) {
        return (int) ((reduce(v) >>> j) & 1);
    }

    /** The most significant bit, bit ℓ − 1: 1 exactly when v is negative as a signed number. */
    public int msb(long v) {
        return bit(v, bits - 1);
    }

    /** Arithmetic (sign-extending) shift right by f, reduced. */
    public long shiftSigned(long v, int f) {
        return reduce(signed(v) >> f);
    }

    /** Logical shift right by f of the value in [0, 2^ℓ). */
    public long shiftUnsigned(long v, int f) {
        return reduce(v) >>> f;
    }

    /** A uniformly random ring element from the teaching generator. */
    public long random(Random rnd) {
        return reduce(rnd.nextLong());
    }

    /** The ℓ bits of v, most significant first, in groups of four: "0001 0111". */
    public String binary(long v) {
        StringBuilder b = new StringBuilder();
        for (int j = bits - 1; j >= 0; j--) {
            b.append(bit(v, j));
            if (j > 0 && j % 4 == 0) {
                b.append(' ');
            }
        }
        return b.toString();
    }
}
