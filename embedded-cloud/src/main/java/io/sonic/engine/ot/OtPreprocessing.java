package io.sonic.engine.ot;

import io.sonic.engine.crypto.Prg;
import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.dealer.MaskSeeds;
import io.sonic.engine.dealer.Material;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.Channel;
import io.sonic.engine.net.Messages;

import java.util.ArrayList;
import java.util.List;

/**
 * The servers' own correlated randomness, without a dealer: every item of a query's traced plan made by
 * the two servers together with oblivious transfer over their link, before the online phase. Each server
 * draws its own shares with a fresh PRG; the products that join them come from OT extension
 * ({@link OtSession}) in both directions at once, one server the extension sender in each.
 *
 * <ul>
 * <li><b>Beaver triples</b> (A, B, C = f(A, B)) of any bilinear f: c = f(a₀, b₀) + f(a₁, b₁) plus the two cross
 *     terms f(a₀, b₁) and f(a₁, b₀), each by Gilboa's multiplication vectorised over the map's products: the
 *     choice bits are the bits of one server's elements of the smaller operand (64 OTs per element, each bit
 *     used once), the correlation of OT (e, j) the other server's elements multiplied with element e, mod 2^(64−j).
 *     With mask reuse A is the model's fixed mask (each server's own share, from its mask seed), B and C fresh.</li>
 * <li><b>AND triples</b> from two random OTs with one-bit messages, one per direction.</li>
 * <li><b>Bit-times-value</b> items: random bits t = t₀ ⊕ t₁ with their arithmetic shares and shares of a·t,
 *     from one OT per bit and direction with a 64-bit vector correlation (t₀ and a(1 − 2t₀) one way, a(1 − 2t₁)
 *     the other).</li>
 * <li><b>Truncation pairs</b> r, r ⋙ f, MSB(r): r = Σ 2ⁱρᵢ from 64 random bits ρᵢ = ρᵢ₀ ⊕ ρᵢ₁ per element, each
 *     made arithmetic with one OT (server 0 the sender of ρᵢ₀ as a 64-bit correlation).</li>
 * </ul>
 * The FSS suite's keys cannot be made this way at any reasonable cost; that suite stays with a dealer.
 * Message sizes and rounds: {@link #flow} (one place), documented in docs/protocols/ot-preprocessing.md.
 */
public final class OtPreprocessing {
    private OtPreprocessing() {
    }

    /**
     * One item's messages at server {@code party}: OT words (64 OTs each) it extends as receiver and as
     * sender, the bits of the correction τ it sends and receives, and whether a correction round follows.
     */
    public record Flow(int receiverWords, int senderWords, long tauBitsSent, long tauBitsReceived, boolean correction) {
        /** Bytes this server sends for the item: its u matrix (κ columns of its receiver words) and its τ. */
        public long bytesSent() {
            return 8L * OtSession.KAPPA * receiverWords + 8 * ((tauBitsSent + 63) >>> 6);
        }

        public int rounds() {
            return correction ? 2 : 1;
        }
    }

    /** The messages of one item at one server; the generation below sends exactly these. */
    public static Flow flow(Need<?> need, int party) {
        if (need instanceof Need.Triple t) {
            Bilinear op = t.op();
            int elements = choiceByInput(op) ? op.inputSize() : op.weightSize();
            long bits = 2080L * termCount(op);
            return new Flow(elements, elements, bits, bits, true);
        } else if (need instanceof Need.Ands a) {
            return new Flow(a.words(), a.words(), 0, 0, false);
        } else if (need instanceof Need.BitMults b) {
            int words = (b.n() + 63) / 64;
            long mine = 64L * b.n() * (party == 0 ? 1 + b.values() : b.values());
            long peer = 64L * b.n() * (party == 0 ? b.values() : 1 + b.values());
            return new Flow(words, words, mine, peer, true);
        } else if (need instanceof Need.Truncs t) {
            long bits = 64L * 64 * t.n();
            return party == 0 ? new Flow(0, t.n(), bits, 0, true) : new Flow(t.n(), 0, 0, bits, true);
        }
        throw new IllegalArgumentException("the servers cannot make " + need + " without a dealer");
    }

    /** Most bytes one server may send to make one query's randomness (the model's traffic grows with its products). */
    public static final long MAX_BYTES_PER_SERVER = 1L << 30;

    /**
     * Refuses a plan the servers cannot make themselves: an item of the FSS suite, or more than
     * {@link #MAX_BYTES_PER_SERVER} from one server, with the figure and what to do instead.
     */
    public static void check(List<Need<?>> plan) {
        for (Need<?> need : plan) {
            if (!supports(need)) {
                throw new IllegalArgumentException("the servers cannot make " + need + " without a dealer (the FSS"
                        + " suite's keys need one)");
            }
        }
        long most = Math.max(bytesSent(plan, 0), bytesSent(plan, 1));
        if (most > MAX_BYTES_PER_SERVER) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "without a dealer, each query of"
                    + " this model needs %.1f GB from each server to make its randomness with oblivious transfer"
                    + " (at most %d GiB are allowed): use the dealer (preprocessing=dealer) for this model", most / 1e9,
                    MAX_BYTES_PER_SERVER >> 30));
        }
    }

    /** Whether {@code need} can be made by OT (the FSS suite's keys cannot). */
    public static boolean supports(Need<?> need) {
        return need instanceof Need.Triple || need instanceof Need.Ands || need instanceof Need.BitMults
                || need instanceof Need.Truncs;
    }

    /** Bytes each server sends first: the query's nonce, which both must name alike (one round). */
    public static final int NONCE_BYTES = 8;

    /** Bytes server {@code party} sends to make a whole plan (the session's base OTs excluded). */
    public static long bytesSent(List<Need<?>> plan, int party) {
        long n = NONCE_BYTES;
        for (Need<?> need : plan) {
            n += flow(need, party).bytesSent();
        }
        return n;
    }

    /**
     * Bytes both servers send each other per layer index (the last index is the output's argmax) to make a plan,
     * the nonce and the session's base OTs excluded.
     */
    public static long[] bytesPerLayer(List<Need<?>> plan, int layers) {
        long[] perLayer = new long[Math.max(layers, 1) + 1];
        for (Need<?> need : plan) {
            perLayer[need.layer()] += flow(need, 0).bytesSent() + flow(need, 1).bytesSent();
        }
        return perLayer;
    }

    /** Rounds to make a whole plan (the session's base OTs excluded). */
    public static int rounds(List<Need<?>> plan) {
        int n = 1;
        for (Need<?> need : plan) {
            n += flow(need, 0).rounds();
        }
        return n;
    }

    /**
     * Makes every item of {@code plan} with the peer over {@code channel} (which the peer runs in step) and
     * returns them as this server's source for the query.
     *
     * @param maskSeed this server's own seed of the model's fixed weight masks (mask-reuse mode), or null
     */
    public static Randomness prepare(int party, Channel channel, OtSession.Query q, List<Need<?>> plan,
                                     byte[] maskSeed) {
        byte[] nonce = java.nio.ByteBuffer.allocate(NONCE_BYTES).putLong(q.nonce()).array();
        byte[] peer = channel.exchange("the query's OT nonce", nonce);
        if (!java.util.Arrays.equals(nonce, peer)) {
            throw new IllegalStateException("the servers' oblivious transfers are out of step: this server's query is "
                    + Long.toHexString(q.nonce()) + ", the peer's " + (peer.length == NONCE_BYTES
                    ? Long.toHexString(java.nio.ByteBuffer.wrap(peer).getLong()) : peer.length + " bytes"));
        }
        Prg prg = Prg.fresh();
        List<Material> items = new ArrayList<>(plan.size());
        for (Need<?> need : plan) {
            channel.section("offline: " + describe(need));
            items.add(make(party, channel, q, need, prg, maskSeed));
        }
        channel.section(null);
        return Randomness.prepared(plan, items);
    }

    private static String describe(Need<?> need) {
        if (need instanceof Need.Triple) {
            return "Beaver triple, layer " + need.layer();
        } else if (need instanceof Need.Ands) {
            return "AND triples, layer " + need.layer();
        } else if (need instanceof Need.BitMults) {
            return "bit × value items, layer " + need.layer();
        }
        return "truncation pairs, layer " + need.layer();
    }

    private static Material make(int party, Channel ch, OtSession.Query q, Need<?> need, Prg prg, byte[] maskSeed) {
        if (need instanceof Need.Triple t) {
            return triple(party, ch, q, t, prg, maskSeed);
        } else if (need instanceof Need.Ands a) {
            return ands(party, ch, q, a, prg);
        } else if (need instanceof Need.BitMults b) {
            return bitMults(party, ch, q, b, prg);
        } else if (need instanceof Need.Truncs t) {
            return truncs(party, ch, q, t, prg);
        }
        throw new IllegalArgumentException("the servers cannot make " + need + " without a dealer");
    }

    /** Both extensions of an item: this server's as receiver (choices), then as sender, in one round. */
    private static OtSession.Extension[] extend(Channel ch, OtSession.Query q, Flow flow, long[] choices, String what) {
        OtSession.Extension asReceiver = q.receive(choices, flow.receiverWords());
        byte[] peerU = ch.exchange("OT extension (" + what + "): the receiver's u", asReceiver.message());
        OtSession.Extension asSender = q.send(flow.senderWords(), peerU);
        return new OtSession.Extension[] {asReceiver, asSender};
    }

    private static long[] exchangeTau(Channel ch, Flow flow, long[] tau, String what) {
        byte[] peer = ch.exchange("OT correction (" + what + "): the sender's τ", Messages.pack(tau));
        return Messages.unpack(peer, (int) ((flow.tauBitsReceived() + 63) >>> 6))[0];
    }

    // ------------------------------------------------------------------ AND triples

    private static Material ands(int party, Channel ch, OtSession.Query q, Need.Ands need, Prg prg) {
        int words = need.words();
        Flow flow = flow(need, party);
        long[] b = prg.longs(words);
        OtSession.Extension[] ext = extend(ch, q, flow, b, "AND triples");
        long[] x0 = new long[words];
        long[] x1 = new long[words];
        CorrelatedOt.randomBitsSend(q, ext[1], x0, x1);
        long[] v = new long[words];
        CorrelatedOt.randomBitsReceive(q, ext[0], v);
        long[] a = new long[words];
        long[] c = new long[words];
        for (int w = 0; w < words; w++) {
            a[w] = x0[w] ^ x1[w];
            c[w] = (a[w] & b[w]) ^ x0[w] ^ v[w];
        }
        return new Material.Ands(a, b, c);
    }

    // ------------------------------------------------------------------ bit × value

    private static CorrelatedOt.Shape vectors(int n, int length) {
        return new CorrelatedOt.Shape() {
            public int values(int ot) {
                return ot < n ? length : 0;
            }

            public int width(int ot) {
                return 64;
            }
        };
    }

    private static Material bitMults(int party, Channel ch, OtSession.Query q, Need.BitMults need, Prg prg) {
        int n = need.n();
        int k = need.values();
        Flow flow = flow(need, party);
        long[] t = prg.bitWords((n + 63) / 64, n);
        long[] a = prg.longs(n * k);
        OtSession.Extension[] ext = extend(ch, q, flow, t, "bit × value");
        int sendLength = party == 0 ? 1 + k : k;
        int recvLength = party == 0 ? k : 1 + k;
        int lead = party == 0 ? 1 : 0;
        long[] s = new long[n * sendLength];
        long[] tau = CorrelatedOt.send(q, ext[1], vectors(n, sendLength), (i, idx) -> {
            long bit = (t[i >>> 6] >>> (i & 63)) & 1L;
            if (idx < lead) {
                return bit;
            }
            return a[(idx - lead) * n + i] * (1 - 2 * bit);
        }, (i, idx, m0) -> s[i * sendLength + idx] = -m0);
        long[] o = new long[n * recvLength];
        CorrelatedOt.receive(q, ext[0], t, vectors(n, recvLength), exchangeTau(ch, flow, tau, "bit × value"),
                (i, idx, out) -> o[i * recvLength + idx] = out);
        // party 0 holds its share of t₀t₁ as sender (s, first value), party 1 as receiver (o, first value)
        long[] mine = party == 0 ? s : o;
        int mineLength = party == 0 ? sendLength : recvLength;
        long[] other = party == 0 ? o : s;
        int otherLength = party == 0 ? recvLength : sendLength;
        long[] tArith = new long[n];
        long[] at = new long[n * k];
        for (int i = 0; i < n; i++) {
            long bit = (t[i >>> 6] >>> (i & 63)) & 1L;
            tArith[i] = bit - 2 * mine[i * mineLength];
            for (int j = 0; j < k; j++) {
                at[j * n + i] = a[j * n + i] * bit + mine[i * mineLength + 1 + j] + other[i * otherLength + j];
            }
        }
        return new Material.BitMults(t, tArith, a, at);
    }

    // ------------------------------------------------------------------ truncation pairs

    private static Material truncs(int party, Channel ch, OtSession.Query q, Need.Truncs need, Prg prg) {
        int n = need.n();
        int f = need.fractionBits();
        Flow flow = flow(need, party);
        long[] rho = prg.longs(n);
        OtSession.Extension[] ext = extend(ch, q, flow, rho, "truncation pairs");
        CorrelatedOt.Shape one = new CorrelatedOt.Shape() {
            public int values(int ot) {
                return 1;
            }

            public int width(int ot) {
                return 64;
            }
        };
        long[] prod = new long[64 * n];
        long[] tau = party == 0
                ? CorrelatedOt.send(q, ext[1], one, (i, idx) -> (rho[i >>> 6] >>> (i & 63)) & 1L,
                        (i, idx, m0) -> prod[i] = -m0)
                : new long[0];
        long[] peerTau = exchangeTau(ch, flow, tau, "truncation pairs");
        if (party == 1) {
            CorrelatedOt.receive(q, ext[0], rho, one, peerTau, (i, idx, out) -> prod[i] = out);
        }
        long[] r = new long[n];
        long[] high = new long[n];
        long[] msb = new long[n];
        for (int e = 0; e < n; e++) {
            long re = 0;
            long he = 0;
            for (int i = 0; i < 64; i++) {
                long bit = ((rho[e] >>> i) & 1L) - 2 * prod[64 * e + i];
                re += bit << i;
                if (i >= f) {
                    he += bit << (i - f);
                }
                if (i == 63) {
                    msb[e] = bit;
                }
            }
            r[e] = re;
            high[e] = he;
        }
        return new Material.Truncs(r, high, msb);
    }

    // ------------------------------------------------------------------ Beaver triples

    /** The choice bits come from the smaller operand (fewer OTs; the corrections are the same either way). */
    static boolean choiceByInput(Bilinear op) {
        return op.inputSize() <= op.weightSize();
    }

    static long termCount(Bilinear op) {
        long[] n = {0};
        op.terms((w, x, z) -> n[0]++);
        return n[0];
    }

    /** The map's products grouped by the choice operand's element: for each, the other operand's index and z. */
    private record Terms(int[] start, int[] other, int[] out) {
        static Terms of(Bilinear op, boolean byInput) {
            int elements = byInput ? op.inputSize() : op.weightSize();
            int[] start = new int[elements + 1];
            op.terms((w, x, z) -> start[(byInput ? x : w) + 1]++);
            for (int e = 0; e < elements; e++) {
                start[e + 1] += start[e];
            }
            int[] fill = java.util.Arrays.copyOf(start, elements);
            int[] other = new int[start[elements]];
            int[] out = new int[start[elements]];
            op.terms((w, x, z) -> {
                int e = byInput ? x : w;
                int at = fill[e]++;
                other[at] = byInput ? w : x;
                out[at] = z;
            });
            return new Terms(start, other, out);
        }

        int count(int element) {
            return start[element + 1] - start[element];
        }
    }

    private static Material triple(int party, Channel ch, OtSession.Query q, Need.Triple need, Prg prg,
                                   byte[] maskSeed) {
        Bilinear op = need.op();
        long[] a = need.maskReuse() ? MaskSeeds.maskShare(maskSeed, need.layer(), op.weightSize())
                : prg.longs(op.weightSize());
        long[] b = prg.longs(op.inputSize());
        boolean byInput = choiceByInput(op);
        long[] choice = byInput ? b : a;
        long[] other = byInput ? a : b;
        Terms terms = Terms.of(op, byInput);
        Flow flow = flow(need, party);
        OtSession.Extension[] ext = extend(ch, q, flow, choice, "Beaver triple");
        int[] start = terms.start();
        long[] delta = new long[terms.other().length];
        for (int t = 0; t < delta.length; t++) {
            delta[t] = other[terms.other()[t]];
        }
        long[] sent = new long[delta.length];
        long[] tau = CorrelatedOt.gilboaSend(q, ext[1], start, delta, sent);
        long[] got = new long[delta.length];
        CorrelatedOt.gilboaReceive(q, ext[0], choice, start, exchangeTau(ch, flow, tau, "Beaver triple"), got);
        long[] c = op.apply(a, b);
        int[] out = terms.out();
        for (int t = 0; t < out.length; t++) {
            c[out[t]] += got[t] - sent[t];
        }
        return new Material.Triple(a, b, c);
    }
}
