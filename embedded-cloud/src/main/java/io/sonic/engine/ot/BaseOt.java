package io.sonic.engine.ot;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Base oblivious transfer: Chou–Orlandi's "simplest OT" (LATINCRYPT 2015) as random OT on P-256 (cofactor 1),
 * batched. The sender ends with κ pairs of 16-byte keys (k⁰ⱼ, k¹ⱼ), the receiver with k^{cⱼ}ⱼ for its choice
 * bits cⱼ; neither learns more (semi-honest).
 *
 * <pre>
 * S: a ← [1, q−1], A = a·G, T = a·A            → enc(A)                 33 bytes
 * R: check A; bⱼ ← [1, q−1], Bⱼ = bⱼ·G + cⱼ·A   → enc(B₀) … enc(B_{κ−1})  33 bytes each
 *    kⱼ = KDF(sid, j, A, Bⱼ, bⱼ·A)
 * S: check each Bⱼ; P = a·Bⱼ; k⁰ⱼ = KDF(sid, j, A, Bⱼ, P), k¹ⱼ = KDF(sid, j, A, Bⱼ, P − T)
 * </pre>
 * KDF = SHA-256("CO15-ROT" ‖ sid ‖ j (4 bytes) ‖ enc(A) ‖ enc(Bⱼ) ‖ enc(P))[0..16), enc the 33-byte SEC1
 * compressed point. A point that is not on the curve, is infinity or is not 33 bytes is refused.
 */
final class BaseOt {
    static final int POINT_BYTES = 33;
    static final int KEY_BYTES = 16;
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final ECCurve CURVE = P256.getCurve();
    private static final BigInteger ORDER = P256.getN();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final FixedPointCombMultiplier FIXED = new FixedPointCombMultiplier();

    private BaseOt() {
    }

    /** The sender's state: its secret a, A and T = a·A. */
    static final class Sender {
        private final BigInteger a = scalar();
        private final ECPoint bigA = FIXED.multiply(P256.getG(), a).normalize();
        private final ECPoint t = bigA.multiply(a).normalize();
        private final byte[] aEnc = bigA.getEncoded(true);

        /** The first message, enc(A). */
        byte[] first() {
            return aEnc.clone();
        }

        /** The key pairs {k⁰ⱼ, k¹ⱼ} from the receiver's message of κ points. */
        byte[][][] keys(byte[] sid, byte[] reply, int count) {
            if (reply.length != count * POINT_BYTES) {
                throw new IllegalStateException("base OT: the peer sent " + reply.length + " bytes, " + count * POINT_BYTES
                        + " expected (" + count + " points)");
            }
            byte[][][] keys = new byte[count][2][];
            for (int j = 0; j < count; j++) {
                byte[] bEnc = Arrays.copyOfRange(reply, j * POINT_BYTES, (j + 1) * POINT_BYTES);
                ECPoint b = decode(bEnc, "point " + j);
                ECPoint p = b.multiply(a).normalize();
                keys[j][0] = kdf(sid, j, aEnc, bEnc, p);
                keys[j][1] = kdf(sid, j, aEnc, bEnc, p.subtract(t).normalize());
            }
            return keys;
        }
    }

    /** The receiver's reply to enc(A) for its choice bits, and its keys: {message, k₀, k₁, …}. */
    static byte[][] receive(byte[] sid, byte[] aEnc, boolean[] choices) {
        ECPoint bigA = decode(aEnc, "the sender's point");
        byte[][] out = new byte[choices.length + 1][];
        ByteBuffer reply = ByteBuffer.allocate(choices.length * POINT_BYTES);
        for (int j = 0; j < choices.length; j++) {
            BigInteger b = scalar();
            ECPoint bj = FIXED.multiply(P256.getG(), b);
            if (choices[j]) {
                bj = bj.add(bigA);
            }
            bj = bj.normalize();
            if (bj.isInfinity()) {
                throw new IllegalStateException("base OT: B is the point at infinity (probability 2^-256)");
            }
            byte[] bEnc = bj.getEncoded(true);
            reply.put(bEnc);
            out[j + 1] = kdf(sid, j, aEnc, bEnc, bigA.multiply(b).normalize());
        }
        out[0] = reply.array();
        return out;
    }

    private static BigInteger scalar() {
        return BigIntegers.createRandomInRange(BigInteger.ONE, ORDER.subtract(BigInteger.ONE), RANDOM);
    }

    private static ECPoint decode(byte[] enc, String what) {
        if (enc.length != POINT_BYTES || (enc[0] != 2 && enc[0] != 3)) {
            throw new IllegalStateException("base OT: " + what + " is not a compressed P-256 point");
        }
        ECPoint p;
        try {
            p = CURVE.decodePoint(enc);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("base OT: " + what + " is not on P-256");
        }
        if (p.isInfinity() || !p.isValid()) {
            throw new IllegalStateException("base OT: " + what + " is not a valid P-256 point");
        }
        return p;
    }

    static byte[] kdf(byte[] sid, int j, byte[] aEnc, byte[] bEnc, ECPoint p) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("CO15-ROT".getBytes(StandardCharsets.US_ASCII));
            sha.update(sid);
            sha.update(ByteBuffer.allocate(4).putInt(j).array());
            sha.update(aEnc);
            sha.update(bEnc);
            sha.update(p.isInfinity() ? new byte[] {0} : p.getEncoded(true));
            return Arrays.copyOf(sha.digest(), KEY_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
