package io.sonic.engine.ot;

import io.sonic.engine.dealer.Material;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.MeteredChannel;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference model's invariants (../shared/fss/ref/test_ot.py) on the Java building blocks. */
class OtPrimitivesTest {

    @Test
    void transposeOf64By64BlocksEqualsTheBitByBitTranspose() {
        SplittableRandom r = new SplittableRandom(7);
        for (int run = 0; run < 20; run++) {
            long[] a = new long[64];
            for (int i = 0; i < 64; i++) {
                a[i] = r.nextLong();
            }
            long[] t = a.clone();
            BitTranspose.transpose64(t, 0);
            for (int row = 0; row < 64; row++) {
                for (int col = 0; col < 64; col++) {
                    assertEquals((a[row] >>> col) & 1, (t[col] >>> row) & 1, row + "," + col);
                }
            }
        }
    }

    @Test
    void co15ReceiverGetsTheKeyOfItsChoiceAndNotTheOther() {
        byte[] sid = "test".getBytes();
        boolean[] choices = new boolean[40];
        SplittableRandom r = new SplittableRandom(3);
        for (int j = 0; j < choices.length; j++) {
            choices[j] = r.nextBoolean();
        }
        BaseOt.Sender s = new BaseOt.Sender();
        byte[][] got = BaseOt.receive(sid, s.first(), choices);
        byte[][][] pairs = s.keys(sid, got[0], choices.length);
        assertEquals(33 * choices.length, got[0].length);
        for (int j = 0; j < choices.length; j++) {
            int c = choices[j] ? 1 : 0;
            assertArrayEquals(pairs[j][c], got[j + 1], "OT " + j);
            assertFalse(Arrays.equals(pairs[j][1 - c], got[j + 1]), "OT " + j + " other key");
            assertFalse(Arrays.equals(pairs[j][0], pairs[j][1]));
        }
    }

    @Test
    void co15RefusesPointsThatAreNotOnTheCurveOrInfinity() {
        BaseOt.Sender s = new BaseOt.Sender();
        byte[] notOnCurve = offCurveEncoding();
        byte[][] tries = {notOnCurve, new byte[33], new byte[] {0}, Arrays.copyOf(s.first(), 32)};
        for (byte[] bad : tries) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> BaseOt.receive("x".getBytes(), bad, new boolean[] {true}));
            assertTrue(e.getMessage().startsWith("base OT: the sender's point is not"), e.getMessage());
        }
        byte[] reply = new byte[33];
        assertThrows(IllegalStateException.class, () -> s.keys("x".getBytes(), reply, 1));
        assertThrows(IllegalStateException.class, () -> s.keys("x".getBytes(), new byte[34], 1));
    }

    /**
     * A compressed encoding 0x02 ‖ x whose x is the smallest positive integer with x³ − 3x + b a quadratic
     * non-residue mod p, so no P-256 point has it (flipping a bit of a real point's x lands on the curve half
     * the time).
     */
    private static byte[] offCurveEncoding() {
        BigInteger p = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
        BigInteger b = new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
        BigInteger halfOrder = p.subtract(BigInteger.ONE).shiftRight(1);
        for (BigInteger x = BigInteger.ONE; x.bitLength() < 16; x = x.add(BigInteger.ONE)) {
            BigInteger y2 = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(b).mod(p);
            if (y2.modPow(halfOrder, p).equals(p.subtract(BigInteger.ONE))) {
                byte[] enc = new byte[33];
                enc[0] = 2;
                byte[] xb = x.toByteArray();
                System.arraycopy(xb, 0, enc, 33 - xb.length, xb.length);
                return enc;
            }
        }
        throw new AssertionError("no x below 2^16 is off P-256");
    }

    /** Both servers' sessions, set up over an in-memory link. */
    private static OtSession[] sessions() {
        MeteredChannel[] m = new MeteredChannel[2];
        List<OtSession> s = OtPreprocessingTest.both((p, ch) -> OtSession.establish(p, ch), m);
        assertEquals(OtSession.SETUP_BYTES_EACH_WAY, m[0].total().bytesSent());
        assertEquals(OtSession.SETUP_BYTES_EACH_WAY, m[1].total().bytesSent());
        assertEquals(OtSession.SETUP_ROUNDS, m[0].total().rounds());
        return new OtSession[] {s.get(0), s.get(1)};
    }

    @Test
    void iknpRowsSatisfyQXorTEqualsRTimesDeltaAndTheUMessageIsBalanced() {
        OtSession[] s = sessions();
        SplittableRandom r = new SplittableRandom(11);
        int words = 40;
        long[] choices = new long[words];
        for (int w = 0; w < words; w++) {
            choices[w] = r.nextLong();
        }
        // direction 0: server 0 sends (holds Δ), server 1 receives with the choices
        OtSession.Query q0 = s[0].begin(5);
        OtSession.Query q1 = s[1].begin(5);
        OtSession.Extension recv = q1.receive(choices, words);
        OtSession.Extension send = q0.send(words, recv.message());
        assertEquals(16 * 64 * words, recv.message().length, "κ·m bits of u");
        for (int i = 0; i < 64 * words; i++) {
            boolean ri = ((choices[i >>> 6] >>> (i & 63)) & 1) != 0;
            assertEquals(ri ? s[0].deltaHi() : 0, send.rows()[2 * i] ^ recv.rows()[2 * i], "row " + i + " hi");
            assertEquals(ri ? s[0].deltaLo() : 0, send.rows()[2 * i + 1] ^ recv.rows()[2 * i + 1], "row " + i + " lo");
        }
        long ones = 0;
        for (byte b : recv.message()) {
            ones += Integer.bitCount(b & 0xff);
        }
        double bits = recv.message().length * 8.0;
        assertTrue(Math.abs(ones - bits / 2) < 5 * Math.sqrt(bits / 4), "u is balanced: " + ones + " of " + bits);
        // a second query on the same session extends from fresh streams: its u differs for the same choices
        OtSession.Extension again = s[1].begin(6).receive(choices, words);
        assertFalse(Arrays.equals(recv.message(), again.message()));
        IllegalStateException reused = assertThrows(IllegalStateException.class, () -> s[0].begin(5));
        assertTrue(reused.getMessage().contains("was already used on this link"), reused.getMessage());
    }

    @Test
    void serversWhoseQueriesDisagreeStopBeforeMakingAnything() {
        OtSession[] s = sessions();
        List<Need<?>> plan = List.of(new Need.Ands(0, 4));
        MeteredChannel[] m = new MeteredChannel[2];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OtPreprocessingTest.both(
                (p, ch) -> OtPreprocessing.prepare(p, ch, s[p].begin(p == 0 ? 21 : 22), plan, null), m));
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().startsWith("the servers' oblivious transfers are out of step"), cause.getMessage());
    }

    @Test
    void madeItemsAreBalancedAndFreshPerQuery() {
        OtSession[] s = sessions();
        int words = 64;
        List<Need<?>> plan = List.of(new Need.Ands(0, words), new Need.Truncs(0, 4096, 16));
        long[] nonce = {100};
        long[][] firstA = new long[2][];
        for (int query = 0; query < 2; query++) {
            long n = nonce[0]++;
            MeteredChannel[] m = new MeteredChannel[2];
            List<Randomness> r = OtPreprocessingTest.both((p, ch) -> OtPreprocessing.prepare(p, ch, s[p].begin(n),
                    plan, null), m);
            long[][] ands0 = ((Material.Ands) r.get(0).take(plan.get(0))).take(words);
            long[][] ands1 = ((Material.Ands) r.get(1).take(plan.get(0))).take(words);
            Material.Truncs t0 = (Material.Truncs) r.get(0).take(plan.get(1));
            Material.Truncs t1 = (Material.Truncs) r.get(1).take(plan.get(1));
            // the shared AND inputs and the truncation masks' top bits are balanced coins
            long onesU = 0;
            for (int w = 0; w < words; w++) {
                onesU += Long.bitCount(ands0[0][w] ^ ands1[0][w]) + Long.bitCount(ands0[1][w] ^ ands1[1][w]);
            }
            assertTrue(Math.abs(onesU - 64 * words) < 5 * Math.sqrt(32 * words), "AND inputs " + onesU);
            long msbOnes = 0;
            for (int i = 0; i < 4096; i++) {
                msbOnes += t0.msb()[i] + t1.msb()[i];
            }
            assertTrue(Math.abs(msbOnes - 2048) < 5 * 32, "msb(r) " + msbOnes);
            if (query == 0) {
                firstA = new long[][] {ands0[0], ands1[0]};
            } else {
                assertFalse(Arrays.equals(firstA[0], ands0[0]), "a fresh query makes fresh triples");
            }
        }
    }
}
