package io.sonic.engine.dealer;

/**
 * One item of correlated randomness that a protocol consumes, tagged with the layer it serves and
 * typed by the material it yields. A query's needs are traced from the protocols themselves (see
 * {@code Plan}); a source hands each planned item out once, and only to a request equal to it
 * (kind, layer and every size).
 */
public sealed interface Need<M extends Material> {
    int layer();

    /** A Beaver triple (A, B, C = f(A, B)); with {@code maskReuse}, A is the model's fixed mask. */
    record Triple(int layer, Bilinear op, boolean maskReuse) implements Need<Material.Triple> {
        @Override
        public boolean equals(Object o) {
            return o instanceof Triple t && t.layer == layer && t.maskReuse == maskReuse
                    && t.op.weightSize() == op.weightSize() && t.op.inputSize() == op.inputSize()
                    && t.op.outputSize() == op.outputSize();
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(layer, maskReuse, op.weightSize(), op.inputSize(), op.outputSize());
        }

        @Override
        public String toString() {
            return "Triple[layer=" + layer + ", |W|=" + op.weightSize() + ", |X|=" + op.inputSize() + ", |Z|="
                    + op.outputSize() + (maskReuse ? ", mask reuse" : "") + "]";
        }
    }

    /** {@code words} bit-sliced AND triples (64 ANDs per word). */
    record Ands(int layer, int words) implements Need<Material.Ands> {
    }

    /**
     * {@code n} random bits t shared both ways (XOR and additive), each with {@code values} masks a and
     * shares of a·t: bit-to-arithmetic conversion fused with a multiplication by the bit.
     */
    record BitMults(int layer, int n, int values) implements Need<Material.BitMults> {
    }

    /** {@code n} truncation pairs: r, r >>> f and MSB(r), additively shared. */
    record Truncs(int layer, int n, int fractionBits) implements Need<Material.Truncs> {
    }

    /**
     * {@code n} FSS select gates with {@code extra} selected values each (0: ReLU alone): one 63-bit DCF key
     * per gate with payload (σ, σ·r, σ·r₁ … σ·r_J), and shares of r, r_H, r_H·r and of each r_j and r_H·r_j.
     */
    record FssSelect(int layer, int n, int extra) implements Need<Material.FssSelect> {
    }

    /** {@code n} FSS exact truncations by f bits: one f-bit DCF key per element and shares of r, E and Cst. */
    record FssTrunc(int layer, int n, int fractionBits) implements Need<Material.FssTrunc> {
    }
}
