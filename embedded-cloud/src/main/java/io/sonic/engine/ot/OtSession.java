package io.sonic.engine.ot;

import io.sonic.engine.crypto.Prg;
import io.sonic.engine.net.Channel;
import io.sonic.engine.net.Messages;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

/**
 * One server's oblivious-transfer state on one link to the other server: the IKNP OT extension (Ishai,
 * Kilian, Nissim, Petrank, CRYPTO 2003; semi-honest) in both directions, seeded by κ = 128 base OTs per
 * direction ({@link BaseOt}) made once when the link's session begins ({@link #establish}).
 *
 * <p>Direction d has server d as the <em>extension sender</em>: it holds a secret Δ ∈ {0,1}^128 (its base-OT
 * choice bits) and the keys k^{Δⱼ}ⱼ; server 1 − d is the <em>extension receiver</em>, the base-OT sender holding
 * both keys of every pair. Each query extends from its own PRG streams (AES-CTR under each base key with the
 * query's nonce as the stream number), so concurrent queries never share a stream; a nonce is accepted once
 * per session. For m OTs with choice bits r the receiver sends u = t ⊕ G(k¹) ⊕ r per column (16·m bytes) and
 * both sides transpose: the sender's rows q and the receiver's rows t satisfy q ⊕ t = r·Δ.
 */
public final class OtSession {
    public static final int KAPPA = 128;
    /** Bytes each server sends to set a session up: enc(A), then κ points enc(Bⱼ). */
    public static final long SETUP_BYTES_EACH_WAY = BaseOt.POINT_BYTES * (1L + KAPPA);
    /** Rounds of the set-up. */
    public static final int SETUP_ROUNDS = 2;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int party;
    private final long deltaHi;
    private final long deltaLo;
    private final byte[][] deltaKeys;
    private final byte[][] keys0;
    private final byte[][] keys1;
    private final Set<Long> nonces = new HashSet<>();

    private OtSession(int party, long deltaHi, long deltaLo, byte[][] deltaKeys, byte[][] keys0, byte[][] keys1) {
        this.party = party;
        this.deltaHi = deltaHi;
        this.deltaLo = deltaLo;
        this.deltaKeys = deltaKeys;
        this.keys0 = keys0;
        this.keys1 = keys1;
    }

    /**
     * The base OTs of both directions at once, in two rounds over {@code channel}: each server is the base-OT
     * sender of the direction in which the peer holds Δ, and the receiver (choice bits Δ) of its own.
     */
    public static OtSession establish(int party, Channel channel) {
        BaseOt.Sender sender = new BaseOt.Sender();
        byte[] peerA = channel.exchange("the base OTs' sender points", sender.first());
        long deltaHi = RANDOM.nextLong();
        long deltaLo = RANDOM.nextLong();
        boolean[] choices = new boolean[KAPPA];
        for (int j = 0; j < KAPPA; j++) {
            choices[j] = bit(deltaHi, deltaLo, j);
        }
        byte[][] received = BaseOt.receive(sid(party), peerA, choices);
        byte[] peerB = channel.exchange("the base OTs' receiver points", received[0]);
        byte[][][] pairs = sender.keys(sid(1 - party), peerB, KAPPA);
        byte[][] deltaKeys = new byte[KAPPA][];
        byte[][] k0 = new byte[KAPPA][];
        byte[][] k1 = new byte[KAPPA][];
        for (int j = 0; j < KAPPA; j++) {
            deltaKeys[j] = received[j + 1];
            k0[j] = pairs[j][0];
            k1[j] = pairs[j][1];
        }
        return new OtSession(party, deltaHi, deltaLo, deltaKeys, k0, k1);
    }

    private static byte[] sid(int direction) {
        return ("sonic-ot/v1/direction-" + direction).getBytes(StandardCharsets.US_ASCII);
    }

    /** Bit j of Δ: bits 0..63 are the low word (row columns 0..63), 64..127 the high word. */
    static boolean bit(long hi, long lo, int j) {
        return ((j < 64 ? lo >>> j : hi >>> (j - 64)) & 1L) != 0;
    }

    public int party() {
        return party;
    }

    long deltaHi() {
        return deltaHi;
    }

    long deltaLo() {
        return deltaLo;
    }

    /** Starts a query's extensions under {@code nonce}, which both servers name alike and which is used once. */
    public synchronized Query begin(long nonce) {
        if (!nonces.add(nonce)) {
            throw new IllegalStateException("OT nonce " + Long.toHexString(nonce) + " was already used on this link"
                    + " (a reused nonce would repeat the OT extension's pads)");
        }
        return new Query(nonce);
    }

    /** One query's OT extensions in both directions; not thread-safe. */
    public final class Query {
        private final long nonce;
        private final Prg[] sendStreams = new Prg[KAPPA];
        private final Prg[] recvStreams0 = new Prg[KAPPA];
        private final Prg[] recvStreams1 = new Prg[KAPPA];
        private long sent;
        private long received;

        private Query(long nonce) {
            this.nonce = nonce;
            for (int j = 0; j < KAPPA; j++) {
                sendStreams[j] = new Prg(deltaKeys[j], nonce);
                recvStreams0[j] = new Prg(keys0[j], nonce);
                recvStreams1[j] = new Prg(keys1[j], nonce);
            }
        }

        public long nonce() {
            return nonce;
        }

        public int party() {
            return party;
        }

        long deltaHi() {
            return deltaHi;
        }

        long deltaLo() {
            return deltaLo;
        }

        /**
         * As extension receiver (direction 1 − party): {@code words}·64 OTs with the given choice bits (bit i
         * of word w chooses OT 64w + i). Returns the message u to send and this side's rows t.
         */
        public Extension receive(long[] choices, int words) {
            if (choices.length < words) {
                throw new IllegalArgumentException("choice words " + choices.length + " < " + words);
            }
            long[][] t = new long[KAPPA][];
            long[][] u = new long[KAPPA][];
            for (int j = 0; j < KAPPA; j++) {
                t[j] = recvStreams0[j].longs(words);
                long[] g1 = recvStreams1[j].longs(words);
                long[] uj = new long[words];
                for (int w = 0; w < words; w++) {
                    uj[w] = t[j][w] ^ g1[w] ^ choices[w];
                }
                u[j] = uj;
            }
            long first = received;
            received += 64L * words;
            return new Extension(1 - party, first, words, BitTranspose.columnsToRows(t, words), Messages.pack(u));
        }

        /** As extension sender (direction party): the rows q of {@code words}·64 OTs from the receiver's u. */
        public Extension send(int words, byte[] uMessage) {
            int[] lengths = new int[KAPPA];
            java.util.Arrays.fill(lengths, words);
            long[][] u = Messages.unpack(uMessage, lengths);
            long[][] q = new long[KAPPA][];
            for (int j = 0; j < KAPPA; j++) {
                long[] g = sendStreams[j].longs(words);
                if (bit(deltaHi, deltaLo, j)) {
                    for (int w = 0; w < words; w++) {
                        g[w] ^= u[j][w];
                    }
                }
                q[j] = g;
            }
            long first = sent;
            sent += 64L * words;
            return new Extension(party, first, words, BitTranspose.columnsToRows(q, words), null);
        }
    }

    /**
     * One batch of 64·words OTs in one direction: their rows (hi, lo per OT), the global index of the first
     * (the hash tweak), and for the receiver the message u.
     */
    public record Extension(int direction, long firstIndex, int words, long[] rows, byte[] message) {
        public int count() {
            return 64 * words;
        }
    }
}
