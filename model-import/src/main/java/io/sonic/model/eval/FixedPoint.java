package io.sonic.model.eval;

/**
 * Fixed-point encoding in the ring Z_2^64 (a Java long; wrap-around is the modular reduction):
 * a real v is held as round(v·2^f). A product of two encodings carries 2f fraction bits and is
 * brought back by an arithmetic shift of f ("truncation").
 */
public record FixedPoint(int fractionBits) {
    public static final int DEFAULT_FRACTION_BITS = 16;
    public static final FixedPoint DEFAULT = new FixedPoint(DEFAULT_FRACTION_BITS);
    /** The most fraction bits an encoding may have. */
    public static final int MAX_FRACTION_BITS = 30;

    public FixedPoint {
        if (fractionBits < 1 || fractionBits > MAX_FRACTION_BITS) {
            throw new IllegalArgumentException("fraction bits must be between 1 and " + MAX_FRACTION_BITS + ", got "
                    + fractionBits);
        }
    }

    /** round(v·2^f). */
    public long encode(double v) {
        return encodeAt(v, fractionBits);
    }

    /** round(v·2^bits), for constants added to products (bits = 2f). */
    public static long encodeAt(double v, int bits) {
        double scaled = Math.scalb(v, bits);
        if (Double.isNaN(scaled) || Math.abs(scaled) >= 0x1p63) {
            throw new ArithmeticException("value out of the fixed-point range with " + bits + " fraction bits");
        }
        return Math.round(scaled);
    }

    public double decode(long x) {
        return Math.scalb((double) x, -fractionBits);
    }

    /** The exact (floor) truncation the secure engine approximates: x >> f. */
    public long truncate(long x) {
        return x >> fractionBits;
    }

    public long[] encode(float[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = encode(v[i]);
        }
        return r;
    }

    public long[] encodeAt(float[] v, int bits) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = encodeAt(v[i], bits);
        }
        return r;
    }

    public double[] decode(long[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = decode(x[i]);
        }
        return r;
    }

    /** round(2^f / divisor): the public multiplier that turns a window sum into its mean. */
    public long reciprocal(int divisor) {
        return Math.round(Math.scalb(1.0, fractionBits) / divisor);
    }
}
