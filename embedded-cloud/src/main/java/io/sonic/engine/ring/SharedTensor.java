package io.sonic.engine.ring;

import io.sonic.engine.crypto.Prg;
import io.sonic.model.Shapes;

/**
 * One party's additive share of a secret tensor over Z_2^64: the secret is the sum of party 0's and
 * party 1's values. A share is not a value: there is no conversion to {@link RingTensor} except
 * {@link #reconstruct}, which needs both shares. Immutable (copies in and out).
 */
public final class SharedTensor {
    private final int party;
    private final int[] shape;
    private final long[] values;

    public SharedTensor(int party, int[] shape, long[] values) {
        if (party != 0 && party != 1) {
            throw new IllegalArgumentException("party must be 0 or 1");
        }
        if (Shapes.size(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " needs " + Shapes.size(shape)
                    + " values, got " + values.length);
        }
        this.party = party;
        this.shape = shape.clone();
        this.values = values.clone();
    }

    /** Splits a secret into two shares: party 1's share is uniformly random, party 0's is the rest. */
    public static SharedTensor[] split(RingTensor secret, Prg prg) {
        long[] v = secret.values();
        long[] s1 = prg.longs(v.length);
        long[] s0 = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            s0[i] = v[i] - s1[i];
        }
        return new SharedTensor[] {new SharedTensor(0, secret.shape(), s0), new SharedTensor(1, secret.shape(), s1)};
    }

    public static RingTensor reconstruct(SharedTensor a, SharedTensor b) {
        if (a.party == b.party || !Shapes.equal(a.shape, b.shape)) {
            throw new IllegalArgumentException("reconstruction needs both parties' shares of one tensor");
        }
        long[] v = new long[a.values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.values[i] + b.values[i];
        }
        return new RingTensor(a.shape, v);
    }

    public int party() {
        return party;
    }

    public int[] shape() {
        return shape.clone();
    }

    public long[] values() {
        return values.clone();
    }

    public int size() {
        return values.length;
    }

    /** This share cut into {@code n} equal rows, each of shape {@code rowShape} (a batch's queries). */
    public java.util.List<SharedTensor> rows(int n, int[] rowShape) {
        int size = Shapes.size(rowShape);
        if ((long) n * size != values.length) {
            throw new IllegalArgumentException(n + " rows of shape " + Shapes.format(rowShape) + " need "
                    + (long) n * size + " values, got " + values.length);
        }
        java.util.List<SharedTensor> out = new java.util.ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            out.add(new SharedTensor(party, rowShape, java.util.Arrays.copyOfRange(values, k * size, (k + 1) * size)));
        }
        return out;
    }

    /** The rows one after another as one share of shape [rows, row size] (one row: the row itself). */
    public static SharedTensor stack(java.util.List<SharedTensor> rows) {
        if (rows.size() == 1) {
            return rows.get(0);
        }
        int size = rows.get(0).size();
        long[] v = new long[rows.size() * size];
        for (int k = 0; k < rows.size(); k++) {
            SharedTensor r = rows.get(k);
            if (r.size() != size || r.party != rows.get(0).party) {
                throw new IllegalArgumentException("rows of one party and one size are stacked");
            }
            System.arraycopy(r.values, 0, v, k * size, size);
        }
        return new SharedTensor(rows.get(0).party, new int[] {rows.size(), size}, v);
    }
}
