package io.sonic.desktop.learn;

import io.sonic.desktop.learn.Claim.Measure;
import io.sonic.desktop.learn.Examples.Argmax;
import io.sonic.desktop.learn.Examples.Beaver;
import io.sonic.desktop.learn.Examples.Collusion;
import io.sonic.desktop.learn.Examples.IndexedPair;
import io.sonic.desktop.learn.Examples.MaskReuse;
import io.sonic.desktop.learn.Examples.MaxPool;
import io.sonic.desktop.learn.Examples.Msb;
import io.sonic.desktop.learn.Examples.Pair;
import io.sonic.desktop.learn.Examples.Sharing;
import io.sonic.desktop.learn.Examples.Truncation;
import io.sonic.desktop.learn.Page.Row;
import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.SecureConfig;
import io.sonic.model.eval.FixedPoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.sonic.desktop.learn.Fmt.n;

/**
 * The text of every Learn page, built from the engine's constants and cost formulas ({@link Figures})
 * and from the worked examples ({@link Examples}), so that no figure is typed in.
 */
public final class Pages {
    /** The seed of the examples a page shows first. */
    public static final long FIRST_SEED = 1;

    private static final String MOD = "mod " + Examples.RING.modulus();

    private Pages() {
    }

    public static Page of(Topic topic) {
        return of(topic, FIRST_SEED);
    }

    /** A topic's page with the worked example for {@code seed}. */
    public static Page of(Topic topic, long seed) {
        return switch (topic) {
            case SHARING -> sharing(Examples.sharing(seed));
            case BEAVER -> beaver(Examples.beaver(seed));
            case TRUNCATION -> truncation(Examples.truncation(seed));
            case MSB -> msb(Examples.msb(seed));
            case MAX_POOL -> maxPool(Examples.maxPool(seed));
            case ARGMAX -> argmax(Examples.argmax(seed));
            case FSS -> fss(Examples.fss(seed));
            case MASK_REUSE -> maskReuse(Examples.maskReuse(seed));
            case NON_COLLUSION -> collusion(Examples.collusion(seed));
        };
    }

    /** Title → summary paragraph of every topic, in lecture order. */
    public static Map<String, String> summaries() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Topic t : Topic.values()) {
            m.put(t.title(), of(t).summary());
        }
        return m;
    }

    /** Every claim about mnist-m2 that some page makes. */
    public static List<Claim> claims() {
        List<Claim> all = new ArrayList<>();
        for (Topic t : Topic.values()) {
            all.addAll(of(t).claims());
        }
        return all;
    }

    private static String exampleTitle() {
        return "Worked example in an " + Examples.RING.bits() + "-bit ring (everything " + MOD + "), random values"
                + " from a seeded teaching generator";
    }

    private static Claim layer(Topic t, String what, SecureConfig cfg, int layer, Measure m, long value) {
        return new Claim(t, what, cfg, layer, m, value);
    }

    private static Claim query(Topic t, String what, SecureConfig cfg, Measure m, long value) {
        return new Claim(t, what, cfg, Claim.QUERY, m, value);
    }

    private static String ok(boolean good) {
        return good ? "\u2713" : "\u2717";
    }

    // ---------------------------------------------------------------- secret sharing

    static Page sharing(Sharing e) {
        Topic t = Topic.SHARING;
        Ring r = e.ring();
        int f = Figures.fractionBits();
        FixedPoint fp = new FixedPoint(f);
        long enc = fp.encode(2.5);
        List<String> p = List.of(
                "Sonic computes in the ring of integers modulo 2^" + Figures.RING_BITS + ": a Java long, whose"
                        + " overflow is exactly the reduction modulo 2^" + Figures.RING_BITS + ". A secret x is split"
                        + " into two shares with x₀ + x₁ = x (mod 2^" + Figures.RING_BITS + "): x₁ is drawn uniformly"
                        + " at random (in Sonic from an AES-CTR generator seeded by the operating system) and"
                        + " x₀ = x − x₁. Server 0 receives x₀ and server 1 receives x₁. The model owner splits every"
                        + " weight this way, the user every input value.",
                "Why one share is uniform noise: for a fixed x, the map x₁ ↦ x − x₁ is one-to-one on the ring, so"
                        + " when x₁ is uniform, x₀ is uniform too — whatever x is. A server holding one share has"
                        + " seen a uniformly random number, with the same distribution for x = 0 as for x = "
                        + e.x() + ". Only the two shares together give x.",
                "Reals are encoded in fixed point with f = " + f + " fraction bits: v is stored as round(v·2^" + f
                        + "), so 2.5 becomes " + n(enc) + " and −2.5 becomes 2^" + Figures.RING_BITS + " − "
                        + n(enc) + " (negative numbers wrap to the top of the ring, as in two's complement).",
                "Linear steps are free: to add two shared values each server adds its own shares, since"
                        + " (x₀ + y₀) + (x₁ + y₁) = x + y. Multiplying by a public constant is local too, and a public"
                        + " constant is added by server 0 alone. Only products of two secrets and comparisons need"
                        + " messages: they are the next topics.");
        List<Row> rows = List.of(
                new Row("x", n(e.x()), "the secret"),
                new Row("x₁", n(e.x1()), "random: server 1's share"),
                new Row("x₀ = x − x₁", n(e.x0()), MOD + ": server 0's share"),
                new Row("x₀ + x₁", n(e.x0() + e.x1()), (e.x0() + e.x1() >= r.modulus()
                        ? "= " + n(r.modulus()) + " + " + n(e.x()) + " ≡ " : "= ") + n(e.x()) + " " + MOD + " "
                        + ok(r.add(e.x0(), e.x1()) == e.x())),
                new Row("y, its shares y₀, y₁", n(e.y()) + ";  " + n(e.y0()) + ", " + n(e.y1()), "a second secret"),
                new Row("server 0: z₀ = x₀ + y₀", n(e.z0()), "on its own, no message"),
                new Row("server 1: z₁ = x₁ + y₁", n(e.z1()), "on its own, no message"),
                new Row("z₀ + z₁", n(e.z()), "= x + y = " + n(r.add(e.x(), e.y())) + " " + MOD + " "
                        + ok(e.z() == r.add(e.x(), e.y()))),
                new Row("x₀ over all " + r.modulus() + " choices of x₁", n(e.distinctX0()) + " distinct values",
                        "for x = " + e.x() + ", and " + n(e.distinctOtherX0()) + " for x = " + e.other()
                                + ": every value once, so one share says nothing about x"));
        int pixels = M2Structure.graph().inputSize();
        Cost flat = Figures.m2(M2Structure.FLATTEN, Figures.DEFAULT);
        List<String> cost = List.of(
                "Local steps cost nothing between the servers. M2's Flatten layer: " + n(flat.onlineBytes())
                        + " bytes, " + n(flat.rounds()) + " rounds.",
                "A share of one value is one " + Figures.RING_BITS + "-bit ring element, " + Figures.ELEMENT_BYTES
                        + " bytes: each server's share of a 28 × 28 MNIST image is " + n(pixels) + " × "
                        + Figures.ELEMENT_BYTES + " = " + n((long) pixels * Figures.ELEMENT_BYTES) + " bytes.");
        List<Claim> claims = List.of(
                layer(t, "Flatten bytes", Figures.DEFAULT, M2Structure.FLATTEN, Measure.ONLINE_BYTES,
                        flat.onlineBytes()),
                layer(t, "Flatten rounds", Figures.DEFAULT, M2Structure.FLATTEN, Measure.ROUNDS, flat.rounds()));
        String summary = "A number x is split into two shares with x₀ + x₁ = x (mod 2^" + Figures.RING_BITS
                + "): x₁ is uniformly random and x₀ = x − x₁, so each share alone is uniform noise whatever x is."
                + " Each server gets one share of every weight and every input value; adding shares is local."
                + " Reals are encoded in fixed point: v is stored as round(v·2^" + f + ").";
        return new Page(t, summary, p, exampleTitle(), rows, cost, claims, e);
    }

    // ---------------------------------------------------------------- Beaver triples

    static Page beaver(Beaver e) {
        Topic t = Topic.BEAVER;
        List<String> p = List.of(
                "Adding shares is local, but a product of two secrets is not: (W₀ + W₁)·(X₀ + X₁) contains the"
                        + " cross terms W₀·X₁ and W₁·X₀, which no server can compute alone. Before any input exists,"
                        + " the dealer prepares a Beaver triple: random A and B and C = A·B, each additively shared,"
                        + " and gives each server its shares.",
                "To multiply the shared weights W by the shared activations X, each server sends its shares of"
                        + " E = W − A and F = X − B. Both directions travel in one round, after which both servers"
                        + " know E and F. They reveal nothing: A and B are uniformly random and used once, so E and"
                        + " F are one-time pads of W and X.",
                "Then each server computes, locally, Zᵢ = [i = 0]·E·F + E·Bᵢ + Aᵢ·F + Cᵢ. Only server 0 adds"
                        + " the public term E·F: if both added it, the sum would contain it twice. Summed over both"
                        + " servers: E·F + E·B + A·F + C = (W − A)(X − B) + (W − A)·B + A·(X − B) + A·B = W·X.",
                "For a layer the triple is shaped like the layer: A like the weights, B like the input and"
                        + " C = f(A, B) for the layer's matrix product or convolution f, so a whole layer takes one"
                        + " round, with all of E and F in one message. A triple is never used twice: with the same B"
                        + " for two inputs X and X′ the servers would learn F − F′ = X − X′. The product carries 2f"
                        + " fraction bits and is truncated next (see Truncation).");
        Ring r = e.ring();
        List<Row> rows = List.of(
                new Row("W, X", n(e.w()) + ", " + n(e.x()), "the secrets; W·X = " + n(e.w() * e.x())),
                new Row("dealer: A, B, C = A·B", n(e.a()) + ", " + n(e.b()) + ", " + n(e.c()), "random A and B, "
                        + "C " + MOD),
                new Row("server 0: W₀, X₀, A₀, B₀, C₀", n(e.w0()) + ", " + n(e.x0()) + ", " + n(e.a0()) + ", "
                        + n(e.b0()) + ", " + n(e.c0()), "its shares"),
                new Row("server 1: W₁, X₁, A₁, B₁, C₁", n(e.w1()) + ", " + n(e.x1()) + ", " + n(e.a1()) + ", "
                        + n(e.b1()) + ", " + n(e.c1()), "its shares"),
                new Row("E₀ = W₀ − A₀, F₀ = X₀ − B₀", n(e.e0()) + ", " + n(e.f0()), "server 0 sends them"),
                new Row("E₁ = W₁ − A₁, F₁ = X₁ − B₁", n(e.e1()) + ", " + n(e.f1()), "server 1 sends them"),
                new Row("E = E₀ + E₁, F = F₀ + F₁", n(e.e()) + ", " + n(e.f()), "both know them: W − A and X − B "
                        + MOD + " " + ok(e.e() == r.sub(e.w(), e.a()) && e.f() == r.sub(e.x(), e.b()))),
                new Row("Z₀ = E·F + E·B₀ + A₀·F + C₀", n(e.z0()), "server 0, with E·F = " + n(e.ef()) + " " + MOD),
                new Row("Z₁ = E·B₁ + A₁·F + C₁", n(e.z1()), "server 1, without E·F"),
                new Row("Z₀ + Z₁", n(e.z()), "= W·X " + MOD + " = " + n(e.product()) + " " + ok(e.z() == e.product())),
                new Row("if server 1 also added E·F", n(r.add(e.z(), e.ef())), "wrong by E·F: only one server may"
                        + " add it"));
        Cost conv1 = Figures.m2(M2Structure.CONV1, Figures.DEFAULT);
        Cost conv1Local = Figures.m2(M2Structure.CONV1, Figures.LOCAL);
        Cost fc1 = Figures.m2(M2Structure.FC1, Figures.DEFAULT);
        Cost fc1Local = Figures.m2(M2Structure.FC1, Figures.LOCAL);
        var c1 = Figures.m2(M2Structure.CONV1);
        var f1 = Figures.m2(M2Structure.FC1);
        long c1Out = c1.outputSize();
        int each = Figures.ELEMENT_BYTES;
        List<String> cost = List.of(
                "Faithful mode (the paper) opens each weight and each input of a layer once per query: 16·(|W| + |X|)"
                        + " bytes (" + each + " bytes per element each way) in 1 round.",
                "M2's first convolution (16 filters of 5 × 5 over the 28 × 28 image): 16·(" + n(Figures.weights(c1))
                        + " + " + n(Figures.inputs(c1)) + ") = " + n(conv1Local.onlineBytes()) + " bytes for E and F in "
                        + n(conv1Local.rounds()) + " round; with the exact truncation of its " + n(c1Out)
                        + " outputs the layer measures " + n(conv1.onlineBytes()) + " bytes in " + n(conv1.rounds())
                        + " rounds.",
                "M2's first fully connected layer (256 → 100): 16·(" + n(Figures.weights(f1)) + " + "
                        + n(Figures.inputs(f1)) + ") = " + n(fc1Local.onlineBytes()) + " bytes; with truncation "
                        + n(fc1.onlineBytes()) + " bytes in " + n(fc1.rounds()) + " rounds.",
                "Offline, the dealer sends server 1 only its correction C₁, " + each + " bytes per output (server 0's"
                        + " shares and A₁, B₁ grow from seeds): " + n(conv1Local.offlineBytes()) + " bytes for the"
                        + " first convolution, " + n(conv1.offlineBytes()) + " with the truncation's corrections.");
        List<Claim> claims = List.of(
                layer(t, "conv1 bytes, exact truncation", Figures.DEFAULT, M2Structure.CONV1, Measure.ONLINE_BYTES,
                        conv1.onlineBytes()),
                layer(t, "conv1 rounds, exact truncation", Figures.DEFAULT, M2Structure.CONV1, Measure.ROUNDS,
                        conv1.rounds()),
                layer(t, "conv1 bytes, local truncation", Figures.LOCAL, M2Structure.CONV1, Measure.ONLINE_BYTES,
                        conv1Local.onlineBytes()),
                layer(t, "conv1 rounds, local truncation", Figures.LOCAL, M2Structure.CONV1, Measure.ROUNDS,
                        conv1Local.rounds()),
                layer(t, "conv1 offline bytes, local truncation", Figures.LOCAL, M2Structure.CONV1,
                        Measure.OFFLINE_BYTES, conv1Local.offlineBytes()),
                layer(t, "conv1 offline bytes", Figures.DEFAULT, M2Structure.CONV1, Measure.OFFLINE_BYTES,
                        conv1.offlineBytes()),
                layer(t, "fc1 bytes, local truncation", Figures.LOCAL, M2Structure.FC1, Measure.ONLINE_BYTES,
                        fc1Local.onlineBytes()),
                layer(t, "fc1 bytes", Figures.DEFAULT, M2Structure.FC1, Measure.ONLINE_BYTES, fc1.onlineBytes()),
                layer(t, "fc1 rounds", Figures.DEFAULT, M2Structure.FC1, Measure.ROUNDS, fc1.rounds()));
        String summary = "Multiplying two shared values needs a Beaver triple from the dealer: random A, B and"
                + " C = A·B, all shared. The servers open E = W − A and F = X − B in one round (masked by A and B,"
                + " they reveal nothing); then Zᵢ = [i = 0]·E·F + E·Bᵢ + Aᵢ·F + Cᵢ, so only server 0 adds E·F, and"
                + " Z₀ + Z₁ = W·X. A triple is used once; for a layer it is shaped like the layer and all of E and F"
                + " travel in one message.";
        return new Page(t, summary, p, exampleTitle(), rows, cost, claims, e);
    }

    // ---------------------------------------------------------------- truncation

    static Page truncation(Truncation e) {
        Topic t = Topic.TRUNCATION;
        int f = Figures.fractionBits();
        int l = Figures.RING_BITS;
        long truncated = Figures.m2Truncated().stream().mapToLong(Integer::longValue).sum();
        List<String> p = List.of(
                "Fixed point with f = " + f + " fraction bits stores v as round(v·2^" + f + "). A product of two"
                        + " encodings carries 2f = " + 2 * f + " fraction bits and has to be shifted right by f to"
                        + " come back to f. On shares that is the hard part: x₀ + x₁ may wrap around 2^" + l
                        + ", and then (x₀ >> f) + (x₁ >> f) is nowhere near x >> f.",
                "The paper's local truncation (from SecureML): server 0 takes x₀ >> f, server 1 takes"
                        + " −((−x₁) >> f), and nothing is sent. The result is ⌊x/2^f⌋ or one more — unless the shares"
                        + " wrap, which for |x| < 2^k happens with probability about 2^(k+1−" + l + "); then the value"
                        + " is off by 2^(" + l + "−f), a wildly wrong activation. Rare for one value, but one M2"
                        + " inference truncates " + n(truncated) + " values, and a classroom demo must never be"
                        + " wrong.",
                "Sonic's default is exact and dealer-assisted. The dealer deals shares of a random r, of r >>> f and"
                        + " of MSB(r). The servers open c = x + 2^" + (l - 2) + " + r in one round (server 0 adds the"
                        + " 2^" + (l - 2) + "); c is uniformly random, so it hides x.",
                "Why it is exact: x + 2^" + (l - 2) + " lies in [0, 2^" + (l - 1) + ") for |x| < 2^" + (l - 2)
                        + ", so c wraps around 2^" + l + " exactly when MSB(r) = 1 and MSB(c) = 0. The wrap is"
                        + " therefore known as a sharing, and each server takes yᵢ = [i = 0]·((c >>> f) − 2^(" + (l - 2)
                        + "−f)) − [r >>> f]ᵢ + (1 − MSB(c))·[MSB(r)]ᵢ·2^(" + l + "−f). The result is ⌊x/2^f⌋ or"
                        + " ⌊x/2^f⌋ + 1, always.");
        Ring r = e.ring();
        int ef = e.f();
        double scale = 1 << ef;
        long floor = e.floor();
        boolean localGood = e.local() == floor || e.local() == floor + 1;
        boolean exactGood = e.y() == floor || e.y() == floor + 1;
        List<Row> rows = List.of(
                new Row("a, b", n(e.aEnc()) + ", " + n(e.bEnc()), "encodings with f = " + ef + " fraction bits: "
                        + Fmt.real(e.aEnc() / scale, 4) + " and " + Fmt.real(e.bEnc() / scale, 4)),
                new Row("x = a·b", n(r.signed(e.x())), "2f = " + 2 * ef + " fraction bits: "
                        + Fmt.real(r.signed(e.x()) / (scale * scale), 4)),
                new Row("⌊x/2^" + ef + "⌋", n(floor), "the goal, " + Fmt.real(floor / scale, 4)),
                new Row("x₀, x₁", n(e.x0()) + ", " + n(e.x1()), "shares of x = " + n(e.x()) + " " + MOD),
                new Row("local: x₀ >> " + ef + ", −((−x₁) >> " + ef + ")", n(e.local0()) + ", " + n(e.local1()),
                        "each server alone"),
                new Row("local result", n(e.local()), localGood ? "floor or one more " + ok(true)
                        : "wrapped: wrong by " + n(e.local() - floor) + " " + ok(false)),
                new Row("local, over all " + e.localCases() + " shares x₁", "wrong for " + n(e.localWrong()),
                        "a tiny ring wraps often; in 2^" + l + " it is rare, but not never"),
                new Row("dealer: r, r >>> " + ef + ", MSB(r)", n(e.r()) + ", " + n(e.high()) + ", " + e.msbR(),
                        "shared: [r] = " + n(e.r0()) + ", " + n(e.r1()) + "; [r >>> " + ef + "] = " + n(e.high0())
                                + ", " + n(e.high1()) + "; [MSB(r)] = " + n(e.msbR0()) + ", " + n(e.msbR1())),
                new Row("c₀ = x₀ + r₀ + " + e.offset() + ", c₁ = x₁ + r₁", n(e.c0()) + ", " + n(e.c1()),
                        "sent: one round (" + e.offset() + " = 2^" + (r.bits() - 2) + ")"),
                new Row("c = x + " + e.offset() + " + r", n(e.c()), "uniformly random; MSB(c) = " + r.msb(e.c())),
                new Row("y₀, y₁", n(e.y0()) + ", " + n(e.y1()), "each server's formula"),
                new Row("y = y₀ + y₁", n(e.y()), (e.y() == floor ? "= ⌊x/2^" + ef + "⌋ " : "= ⌊x/2^" + ef + "⌋ + 1 ")
                        + ok(exactGood) + ", i.e. " + Fmt.real(e.y() / scale, 4)));
        Cost one = Figures.truncation(1);
        var c1 = Figures.m2(M2Structure.CONV1);
        Cost c1Trunc = Figures.truncation(c1.outputSize());
        Cost conv1 = Figures.m2(M2Structure.CONV1, Figures.DEFAULT);
        Cost conv1Local = Figures.m2(M2Structure.CONV1, Figures.LOCAL);
        Cost total = Figures.m2Total(Figures.DEFAULT);
        Cost totalLocal = Figures.m2Total(Figures.LOCAL);
        String parts = Figures.m2Truncated().stream().map(v -> n(v)).collect(Collectors.joining(" + "));
        List<String> cost = List.of(
                "Exact truncation: " + n(one.onlineBytes()) + " bytes per element (" + n(one.onlineBytes() / 2)
                        + " each way) in " + n(one.rounds()) + " round; offline " + n(one.offlineBytes())
                        + " bytes per element (server 1's shares of r >>> f and MSB(r)). Local truncation: 0 bytes,"
                        + " 0 rounds.",
                "M2's first convolution has " + n(c1.outputSize()) + " outputs: truncating them costs "
                        + n(c1Trunc.onlineBytes()) + " bytes in " + n(c1Trunc.rounds()) + " round. The layer measures "
                        + n(conv1.onlineBytes()) + " bytes in " + n(conv1.rounds()) + " rounds with exact"
                        + " truncation, " + n(conv1Local.onlineBytes()) + " bytes in " + n(conv1Local.rounds())
                        + " round with --truncation local.",
                "One M2 query truncates " + parts + " = " + n(truncated) + " values: " + n(total.onlineBytes())
                        + " bytes in " + n(total.rounds()) + " rounds with exact truncation, "
                        + n(totalLocal.onlineBytes()) + " bytes in " + n(totalLocal.rounds()) + " rounds with local.");
        List<Claim> claims = List.of(
                layer(t, "conv1 bytes, exact", Figures.DEFAULT, M2Structure.CONV1, Measure.ONLINE_BYTES,
                        conv1.onlineBytes()),
                layer(t, "conv1 rounds, exact", Figures.DEFAULT, M2Structure.CONV1, Measure.ROUNDS, conv1.rounds()),
                layer(t, "conv1 bytes, local", Figures.LOCAL, M2Structure.CONV1, Measure.ONLINE_BYTES,
                        conv1Local.onlineBytes()),
                layer(t, "conv1 rounds, local", Figures.LOCAL, M2Structure.CONV1, Measure.ROUNDS,
                        conv1Local.rounds()),
                query(t, "query bytes, exact", Figures.DEFAULT, Measure.ONLINE_BYTES, total.onlineBytes()),
                query(t, "query rounds, exact", Figures.DEFAULT, Measure.ROUNDS, total.rounds()),
                query(t, "query bytes, local", Figures.LOCAL, Measure.ONLINE_BYTES, totalLocal.onlineBytes()),
                query(t, "query rounds, local", Figures.LOCAL, Measure.ROUNDS, totalLocal.rounds()));
        String summary = "A product of two fixed-point numbers carries 2f = " + 2 * f + " fraction bits and must be"
                + " shifted back by f = " + f + ". The paper's local truncation lets each server shift its own share:"
                + " free, but when the shares wrap around the result is wildly wrong. Sonic's default asks the dealer"
                + " for shares of a random r, r >>> f and MSB(r): the servers open c = x + 2^" + (l - 2) + " + r"
                + " (uniformly random) in one round, " + n(one.onlineBytes()) + " bytes per element, and the result"
                + " is always ⌊x/2^f⌋ or one more.";
        return new Page(t, summary, p, exampleTitle(), rows, cost, claims, e);
    }

    // ---------------------------------------------------------------- MSB and ReLU

    /** The ℓ−1 low bits of g or p, most significant first, with "·" in the top position. */
    static String lowBits(Ring ring, List<CarryTree.Segment> bits, boolean g) {
        StringBuilder b = new StringBuilder();
        for (int j = ring.bits() - 1; j >= 0; j--) {
            b.append(j == ring.bits() - 1 ? "·" : String.valueOf(g ? bits.get(j).g() : bits.get(j).p()));
            if (j > 0 && j % 4 == 0) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    /** A level of segments, highest first: "6: (0, 1)   5–4: (1, 0)   1–0: (1, –)". */
    static String segments(List<CarryTree.Segment> level) {
        List<String> parts = new ArrayList<>();
        for (int i = level.size() - 1; i >= 0; i--) {
            CarryTree.Segment s = level.get(i);
            String bits = s.low() == s.high() ? String.valueOf(s.low()) : s.high() + "–" + s.low();
            parts.add(bits + ": (" + s.g() + ", " + (s.hasP() ? String.valueOf(s.p()) : "–") + ")");
        }
        return String.join("   ", parts);
    }

    static String sum(List<Integer> v) {
        return v.stream().map(String::valueOf).collect(Collectors.joining(" + "));
    }

    static Page msb(Msb e) {
        Topic t = Topic.MSB;
        int l = Figures.RING_BITS;
        List<Integer> gates = CarryTree.gatesPerRound(l);
        List<Integer> segs = CarryTree.segmentsPerLevel(l);
        String segChain = segs.stream().map(String::valueOf).collect(Collectors.joining(" → "));
        List<String> p = List.of(
                "ReLU(x) = x when x ≥ 0, else 0. In two's complement x ≥ 0 exactly when its most significant bit,"
                        + " bit " + (l - 1) + ", is 0; so ReLU(x) = x·DReLU(x) with DReLU(x) = 1 − MSB(x).",
                "x = x₀ + x₁, and server 0 knows all of x₀, server 1 all of x₁. So the MSB is the top bit of the"
                        + " sum of two numbers, each known to one server: with a = the bits of x₀ and b = the bits of"
                        + " x₁, MSB(x) = a" + (l - 1) + " ⊕ b" + (l - 1) + " ⊕ carry, where the carry comes from"
                        + " adding bits 0…" + (l - 2) + ".",
                "For each bit position: g = a ∧ b (this bit generates a carry) and p = a ⊕ b (it propagates one)."
                        + " p is XOR-shared for free, since server 0 holds a and server 1 holds b. Each g is one secret"
                        + " AND gate, with one AND triple from the dealer; all " + gates.get(0) + " generates go in"
                        + " round 1.",
                "The carry tree (Kogge–Stone style) then combines adjacent segments level by level: a high segment"
                        + " (G, P) and the low one next to it (G′, P′) make (G ⊕ P∧G′, P∧P′) — the pair generates a"
                        + " carry if its high part does, or if it propagates one generated below. Over"
                        + " bits 0…" + (l - 2) + " that takes " + Figures.treeLevels() + " levels (" + segChain
                        + " segments), one round each; the segment holding bit 0 never needs its P. The G at the"
                        + " top is the carry into bit " + (l - 1) + ".",
                "Bit-sliced: bit j of 64 elements is packed into one 64-bit word, so one word-AND evaluates 64 gates,"
                        + " and every gate of a level, for the whole layer, goes in one message. An AND gate on XOR"
                        + " shares with a triple (u, v, w): each server sends dᵢ = xᵢ ⊕ uᵢ and eᵢ = yᵢ ⊕ vᵢ, then"
                        + " zᵢ = [i = 0]·(d∧e) ⊕ (d∧vᵢ) ⊕ (e∧uᵢ) ⊕ wᵢ.",
                "Last, one select round turns the shared bit into an arithmetic share and multiplies x by it (the"
                        + " bit-to-arithmetic conversion fused with the product, with a dealer bit shared both ways)."
                        + " Rounds: 1 + " + Figures.treeLevels() + " + 1 = " + Figures.reluRounds() + " for ℓ = " + l
                        + ", which is log2 ℓ + 2.");
        Ring r = e.ring();
        CarryTree.Evaluation tree = e.tree();
        int top = r.bits() - 1;
        List<Integer> small = CarryTree.gatesPerRound(r.bits());
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("x", n(r.signed(e.x())), r.binary(e.x()) + " in binary"));
        rows.add(new Row("a = bits of x₀ (server 0)", r.binary(e.x0()), "x₀ = " + n(e.x0())));
        rows.add(new Row("b = bits of x₁ (server 1)", r.binary(e.x1()), "x₁ = " + n(e.x1())));
        rows.add(new Row("g = a ∧ b, bits " + (top - 1) + "…0", lowBits(r, tree.bits(), true),
                "round 1: " + small.get(0) + " AND gates"));
        rows.add(new Row("p = a ⊕ b, bits " + (top - 1) + "…0", lowBits(r, tree.bits(), false),
                "free: a from server 0 and b from server 1 are an XOR sharing of p"));
        for (int lv = 1; lv < tree.levels().size(); lv++) {
            rows.add(new Row("level " + lv + ": segment: (G, P)", segments(tree.levels().get(lv)),
                    "round " + (lv + 1) + ": " + small.get(lv) + " AND gate" + (small.get(lv) == 1 ? "" : "s")));
        }
        rows.add(new Row("carry into bit " + top, String.valueOf(tree.carry()), "the G at the top"));
        rows.add(new Row("MSB = a" + top + " ⊕ b" + top + " ⊕ carry", r.bit(e.x0(), top) + " ⊕ " + r.bit(e.x1(), top)
                + " ⊕ " + tree.carry() + " = " + tree.msb(), "bit " + top + " of x is " + r.msb(e.x()) + " "
                + ok(tree.msb() == r.msb(e.x()))));
        rows.add(new Row("DReLU = 1 − MSB", String.valueOf(e.drelu()), e.drelu() == 1 ? "x ≥ 0" : "x < 0"));
        rows.add(new Row("ReLU(x) = x·DReLU", n(e.relu()), "round " + (CarryTree.msbRounds(r.bits()) + 1)
                + ": the select"));
        rows.add(new Row("in " + r.bits() + " bits", sum(small) + " = " + CarryTree.gatesPerElement(r.bits())
                + " AND gates", "1 + " + CarryTree.levels(r.bits()) + " + 1 = " + (CarryTree.msbRounds(r.bits()) + 1)
                + " rounds = log2 " + r.bits() + " + 2"));
        int n = Figures.RELU_EXAMPLE;
        long w = Figures.words(n);
        var relu1 = Figures.m2(M2Structure.RELU1);
        Cost m2relu = Figures.m2(M2Structure.RELU1, Figures.DEFAULT);
        long m2n = relu1.outputSize();
        List<String> treeGates = gates.subList(1, gates.size()).stream().map(String::valueOf).toList();
        List<String> cost = List.of(
                "Rounds for ℓ = " + l + ": 1 (the " + gates.get(0) + " generates) + " + Figures.treeLevels()
                        + " (tree levels of " + String.join(" + ", treeGates) + " gates) + 1 (the select) = "
                        + Figures.reluRounds() + ".",
                "AND gates per element: " + sum(gates) + " = " + Figures.gates() + ". A word-AND (64 gates) costs 32"
                        + " bytes: each server sends its d and e, 8 bytes each, so 16 bytes each way.",
                "Bytes for n elements, W = ⌈n/64⌉ words: 32·" + Figures.gates() + "·W + 16·W + 16·n. A ReLU layer of "
                        + n(n) + " elements (W = " + w + "): 32·" + Figures.gates() + "·" + w + " + 16·" + w + " + 16·"
                        + n(n) + " = " + n(Figures.reluBytes(n)) + " bytes in " + Figures.reluRounds() + " rounds, "
                        + Fmt.real(Figures.bitsPerRelu(), 2) + " bits per ReLU (whenever 64 divides n); offline the"
                        + " dealer sends " + n(Figures.reluOffline(n)) + " bytes.",
                "M2's first ReLU (16 × 12 × 12 = " + n(m2n) + " elements) measures " + n(m2relu.onlineBytes())
                        + " bytes in " + m2relu.rounds() + " rounds; offline " + n(m2relu.offlineBytes()) + " bytes.",
                "The published figure (SoK of PPML frameworks) is 20ℓ − 16 = " + n(Figures.publishedReluBits())
                        + " bits in log ℓ + 2 = " + Figures.publishedReluRounds() + " rounds. The rounds agree; the"
                        + " meter counts fewer bits because the tree computes only the final carry and the"
                        + " conversion shares the product's round.");
        List<Claim> claims = List.of(
                layer(t, "relu1 bytes", Figures.DEFAULT, M2Structure.RELU1, Measure.ONLINE_BYTES, m2relu.onlineBytes()),
                layer(t, "relu1 rounds", Figures.DEFAULT, M2Structure.RELU1, Measure.ROUNDS, m2relu.rounds()),
                layer(t, "relu1 offline", Figures.DEFAULT, M2Structure.RELU1, Measure.OFFLINE_BYTES,
                        m2relu.offlineBytes()));
        String summary = "ReLU keeps x when its most significant bit is 0. x = x₀ + x₁ and each server knows one"
                + " summand, so the MSB is the top bit of a sum of two known numbers: g = a∧b and p = a⊕b per bit, then"
                + " a carry tree over bits 0…" + (l - 2) + " with one dealer AND triple per gate, 64 elements per"
                + " word. Rounds: 1 for the generates + " + Figures.treeLevels() + " tree levels + 1 select that"
                + " multiplies x by the bit = " + Figures.reluRounds() + ", and " + Fmt.real(Figures.bitsPerRelu(), 2)
                + " bits per ReLU.";
        return new Page(t, summary, p, exampleTitle(), rows, cost, claims, e);
    }

    // ---------------------------------------------------------------- max pooling

    static Page maxPool(MaxPool e) {
        Topic t = Topic.MAX_POOL;
        long rounds = Figures.reluRounds();
        List<String> p = List.of(
                "Max pooling keeps the largest value of each window. Sonic builds it from the comparison of the"
                        + " previous topic: max(a, b) = b + ReLU(a − b) — when a > b it adds a − b to b, otherwise"
                        + " nothing. That is one MSB extraction of a − b and one select per pair.",
                "A window of k·k values is reduced in a tree: pair the candidates (0, 1), (2, 3), …, keep each pair's"
                        + " maximum, repeat; an odd one passes up unchanged. That takes ⌈log2(k·k)⌉ levels: "
                        + Examples.levelsFor(4) + " for a 2 × 2 window, " + Examples.levelsFor(9) + " for 3 × 3.",
                "All pairs of all windows of a layer go through the same MSB extraction and select together, so a"
                        + " level costs " + rounds + " rounds however many windows the layer has. Which values are"
                        + " paired depends only on the public geometry; positions on padding are dropped before"
                        + " pairing (padding never wins).");
        List<Row> rows = new ArrayList<>();
        long[] w = e.window();
        rows.add(new Row("2 × 2 window", n(w[0]) + "  " + n(w[1]) + " / " + n(w[2]) + "  " + n(w[3]),
                "values as the servers hold them, shared"));
        for (int lv = 0; lv < e.levels().size(); lv++) {
            for (Pair pr : e.levels().get(lv)) {
                rows.add(new Row("level " + (lv + 1) + ": max(" + n(pr.a()) + ", " + n(pr.b()) + ")",
                        n(pr.b()) + " + ReLU(" + n(pr.diff()) + ") = " + n(pr.max()),
                        "a − b = " + n(pr.diff()) + ": carry-tree MSB " + pr.tree().msb() + ", DReLU " + pr.drelu()));
            }
        }
        long plainMax = Arrays.stream(w).max().orElseThrow();
        rows.add(new Row("window maximum", n(e.max()), "plain max " + n(plainMax) + " " + ok(e.max() == plainMax)));
        int[] pairs = Figures.m2PoolPairs(M2Structure.POOL1);
        var pool1 = Figures.m2(M2Structure.POOL1);
        Cost m2pool = Figures.m2(M2Structure.POOL1, Figures.DEFAULT);
        List<String> levels = new ArrayList<>();
        for (int pp : pairs) {
            levels.add("a level of " + n(pp) + " pairs (" + n(Figures.reluBytes(pp)) + " bytes)");
        }
        List<String> cost = List.of(
                "A level of p pairs costs exactly a ReLU on p elements: 32·" + Figures.gates() + "·⌈p/64⌉ + 16·⌈p/64⌉"
                        + " + 16·p bytes in " + rounds + " rounds.",
                "M2's first pooling (16 × 24 × 24 → 16 × 12 × 12, 2 × 2 windows) has " + n(pool1.outputSize())
                        + " windows: " + String.join(" and ", levels) + ", in all " + n(m2pool.onlineBytes())
                        + " bytes in " + pairs.length + " × " + rounds + " = " + m2pool.rounds() + " rounds.");
        List<Claim> claims = List.of(
                layer(t, "pool1 bytes", Figures.DEFAULT, M2Structure.POOL1, Measure.ONLINE_BYTES, m2pool.onlineBytes()),
                layer(t, "pool1 rounds", Figures.DEFAULT, M2Structure.POOL1, Measure.ROUNDS, m2pool.rounds()));
        String summary = "Max pooling from the secure comparison: max(a, b) = b + ReLU(a − b). A window of k·k values"
                + " is reduced pairwise in ⌈log2(k·k)⌉ levels, all windows of the layer in parallel, "
                + rounds + " rounds per level.";
        return new Page(t, summary, p, exampleTitle(), rows, cost, claims, e);
    }

    // ---------------------------------------------------------------- argmax

    static Page argmax(Argmax e) {
        Topic t = Topic.ARGMAX;
        int n = Figures.LOGITS;
        int[] pairs = Figures.pairsPerLevel(n);
        long rounds = Figures.reluRounds();
        List<String> p = List.of(
                "With the output set to label (--output label), the logits never leave the servers: they compute"
                        + " shares of the index of the largest logit, and the user reconstructs only the label.",
                "It is the tree of max pooling over the n logits, carrying each candidate's index along: server 0"
                        + " starts with the indices 0, 1, …, n − 1 as its shares, server 1 with zeros. For a pair of"
                        + " candidates a and b carrying the indices i < j, one MSB extraction gives d = [b > a],"
                        + " computed as DReLU(b − a − 1), and one select round multiplies d with both differences:"
                        + " max = a + d·(b − a), index = i + d·(j − i).",
                "Ties keep the lower index, as the argmax of the plaintext logits does. " + n + " logits take "
                        + pairs.length + " levels (" + levelChain(n) + " candidates), " + pairs.length + " × " + rounds
                        + " = " + pairs.length * rounds + " rounds.");
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("logits 0…" + (e.logits().length - 1), Arrays.stream(e.logits()).mapToObj(Fmt::n)
                .collect(Collectors.joining("  ")), "shared, never opened"));
        for (int lv = 0; lv < e.levels().size(); lv++) {
            List<String> parts = new ArrayList<>();
            for (IndexedPair ip : e.levels().get(lv)) {
                parts.add("#" + ip.lowIndex() + " vs #" + ip.highIndex() + " → #" + ip.index());
            }
            rows.add(new Row("level " + (lv + 1), String.join(",  ", parts), e.levels().get(lv).size() + " pair"
                    + (e.levels().get(lv).size() == 1 ? "" : "s") + ", d = " + e.levels().get(lv).stream()
                    .map(ip -> String.valueOf(ip.d())).collect(Collectors.joining(", "))));
        }
        int plain = 0;
        for (int i = 1; i < e.logits().length; i++) {
            if (e.logits()[i] > e.logits()[plain]) {
                plain = i;
            }
        }
        rows.add(new Row("label", String.valueOf(e.label()), "the plaintext argmax is " + plain + " " + ok(plain
                == e.label())));
        Cost arg = Figures.argmax(n);
        List<String> perLevel = new ArrayList<>();
        for (int pp : pairs) {
            perLevel.add(String.valueOf(pp));
        }
        List<String> cost = List.of(
                "⌈log2 n⌉ levels of " + rounds + " rounds; a level of p pairs costs 32·" + Figures.gates()
                        + "·⌈p/64⌉ + 16·⌈p/64⌉ + 32·p bytes (the select carries two values per bit, the value and the"
                        + " index).",
                n + " logits: levels of " + String.join(", ", perLevel) + " pairs, " + arg.rounds() + " rounds, "
                        + n(Figures.argmaxBytes(n)) + " bytes. M2 run with output label measures exactly that as its"
                        + " last step; then only the label's two shares leave the servers.");
        int step = M2Structure.graph().layers().size();
        List<Claim> claims = List.of(
                layer(t, "argmax bytes", Figures.LABEL, step, Measure.ONLINE_BYTES, Figures.argmaxBytes(n)),
                layer(t, "argmax rounds", Figures.LABEL, step, Measure.ROUNDS, arg.rounds()));
        String summary = "With the output set to label, the servers compare the logits pairwise in the max-pooling"
                + " tree and carry the index of the larger one (ties keep the lower index), so only the label's"
                + " shares leave them: " + pairs.length + " levels, " + arg.rounds() + " rounds for " + n + " logits.";
        return new Page(t, summary, p, exampleTitle(), rows, cost, claims, e);
    }

    // ---------------------------------------------------------------- FSS

    static Page fss(Examples.Fss e) {
        Topic t = Topic.FSS;
        int l = Figures.RING_BITS;
        Cost relu = io.sonic.engine.CostModel.relu(Figures.RELU_EXAMPLE, Figures.FSS);
        Cost sonicRelu = io.sonic.engine.CostModel.relu(Figures.RELU_EXAMPLE, Figures.DEFAULT);
        Cost trunc = Figures.truncationOf(1, Figures.FSS);
        Cost relu1 = Figures.m2(M2Structure.RELU1, Figures.FSS);
        Cost pool1 = Figures.m2(M2Structure.POOL1, Figures.FSS);
        Cost total = Figures.m2Total(Figures.FSS);
        Cost sonic = Figures.m2Total(Figures.DEFAULT);
        long offline = Figures.m2Offline(Figures.FSS);
        List<String> p = List.of(
                "The FSS suite (--suite fss, or \"Protocols: FSS\" on the Inference tab) replaces every comparison"
                        + " by function secret sharing with the dealer's keys. For each ReLU the dealer draws a mask r"
                        + " and gives each server one key of a distributed comparison function (DCF): two keys whose"
                        + " outputs at any point add up to β if the point is below α, and to 0 otherwise, while each"
                        + " key alone looks random.",
                "Online, the servers open X = x + r (a masked value, one share from each) in one round. Write r = 2^" + (l - 1)
                        + "·r_H + r_L and X the same way: the sign of x is X_H ⊕ r_H ⊕ c with c = [X_L < r_L], the"
                        + " borrow of the subtraction X − r. The dealer's DCF compares with α = r_L and pays"
                        + " β = (σ, σ·r), σ = 1 − 2r_H, so each server's key gives it shares of σ·c and σ·r·c, and"
                        + " everything else — DReLU(x) and ReLU(x) = X·d − r·d — is linear in them and in the public"
                        + " X.",
                "A key is a walk down a tree of " + (l - 1) + " levels of fixed-key AES hashes, one per bit of"
                        + " X_L: " + n(io.sonic.engine.fss.Dcf.evalAesBlocks(l - 1, 2)) + " AES blocks per ReLU and"
                        + " server, all the layer's keys evaluated level by level together.",
                "Max pooling and argmax use the same gate on differences, one round per tree level; the exact"
                        + " truncation is one more round with a " + Figures.fractionBits() + "-bit DCF, exact floor"
                        + " division, and runs after the ReLU or max pooling (floor division commutes with both).",
                "The trade-off: far fewer rounds and online bytes, for far larger dealer keys and more computing."
                        + " Where a round costs milliseconds (any real network), the rounds decide.");
        Ring r = e.ring();
        List<Row> rows = List.of(
                new Row("x (secret)", n(r.signed(e.x())), "shared: x₀ = " + n(e.x0()) + ", x₁ = " + n(e.x1())),
                new Row("dealer: r", n(e.r()), "r_H = " + e.rH() + ", r_L = " + n(e.rL()) + "; shared: r₀ = "
                        + n(e.r0()) + ", r₁ = " + n(e.r1())),
                new Row("dealer: σ = 1 − 2r_H", n(r.signed(e.sigma())), "inside the keys only, never sent"),
                new Row("dealer: [r_H], [r_H·r]", n(e.rH0()) + " + " + n(e.rH1()) + ", " + n(e.rHr0()) + " + "
                        + n(e.rHr1()), "additive shares, " + MOD),
                new Row("keys", e.keyBytes() + " bytes each", "DCF on " + (r.bits() - 1) + " bits at α = r_L = "
                        + n(e.rL()) + ", payload (σ, σ·r)"),
                new Row("x̂₀ = x₀ + r₀, x̂₁ = x₁ + r₁", n(e.xHat0()) + ", " + n(e.xHat1()), "sent: one round"),
                new Row("x̂ = x + r", n(e.xHat()), "public, uniformly random; x̂_H = " + e.xHatHigh() + ", x̂_L = "
                        + n(e.xHatLow())),
                new Row("key outputs at x̂_L: w₀ + w₁", n(e.w0()) + " + " + n(e.w1()) + " = "
                        + n(r.signed(r.add(e.w0(), e.w1()))), "= σ·c with c = [x̂_L < r_L] = " + e.c()),
                new Row("key outputs: z₀ + z₁", n(e.z0()) + " + " + n(e.z1()), "= σ·r·c"),
                new Row("d₀ + d₁", n(e.d0()) + " + " + n(e.d1()) + " = " + e.d(), "DReLU(x) " + ok(e.d()
                        == (r.signed(e.x()) >= 0 ? 1 : 0))),
                new Row("y₀ + y₁", n(e.y0()) + " + " + n(e.y1()) + " = " + n(r.signed(e.y())), "ReLU(x) = max(x, 0) "
                        + ok(r.signed(e.y()) == Math.max(r.signed(e.x()), 0))));
        List<String> cost = List.of(
                "ReLU on n elements: " + relu.rounds() + " round, 16·n bytes (" + Figures.ELEMENT_BYTES * 8 * 2
                        + " bits per ReLU against the Sonic suite's " + sonicRelu.rounds() + " rounds and "
                        + Fmt.real(Figures.bitsPerRelu(), 0) + " bits); the dealer sends " + n(relu.offlineBytes()
                        / Figures.RELU_EXAMPLE) + " bytes per ReLU (2,040 of key words to each server, 16 of share"
                        + " corrections to server 1) against " + Fmt.real((double) sonicRelu.offlineBytes()
                        / Figures.RELU_EXAMPLE, 1) + ".",
                "Exact truncation: " + trunc.rounds() + " round, " + trunc.onlineBytes() + " bytes per element, "
                        + n(trunc.offlineBytes()) + " dealer bytes per element.",
                "mnist-m2: the first ReLU layer with its truncation costs " + n(relu1.onlineBytes()) + " bytes in "
                        + relu1.rounds() + " rounds, the first max pooling " + n(pool1.onlineBytes()) + " bytes in "
                        + pool1.rounds() + " rounds; the whole query " + n(total.onlineBytes()) + " bytes in "
                        + total.rounds() + " rounds (Sonic suite: " + n(sonic.onlineBytes()) + " bytes in "
                        + sonic.rounds() + " rounds), and the dealer sends " + n(offline) + " bytes.");
        List<Claim> claims = List.of(
                layer(t, "FSS ReLU layer bytes", Figures.FSS, M2Structure.RELU1, Measure.ONLINE_BYTES,
                        relu1.onlineBytes()),
                layer(t, "FSS ReLU layer rounds", Figures.FSS, M2Structure.RELU1, Measure.ROUNDS, relu1.rounds()),
                layer(t, "FSS max pooling bytes", Figures.FSS, M2Structure.POOL1, Measure.ONLINE_BYTES,
                        pool1.onlineBytes()),
                query(t, "FSS query bytes", Figures.FSS, Measure.ONLINE_BYTES, total.onlineBytes()),
                query(t, "FSS query rounds", Figures.FSS, Measure.ROUNDS, total.rounds()),
                query(t, "FSS dealer bytes", Figures.FSS, Measure.OFFLINE_BYTES, offline));
        String summary = "The FSS suite opens one masked value x + r per comparison and lets each server evaluate"
                + " its dealer key at it: a ReLU in " + relu.rounds() + " round and 128 bits, mnist-m2 in "
                + total.rounds() + " rounds instead of " + sonic.rounds() + ", for " + n(offline)
                + " bytes of dealer keys.";
        return new Page(t, summary, p, exampleTitle(), rows, cost, claims, e);
    }

    /** b's bits, most significant first: "01011010". */
    private static String bits(Examples.Gilboa g) {
        StringBuilder b = new StringBuilder();
        for (int j = g.ring().bits() - 1; j >= 0; j--) {
            b.append(g.bit(j));
        }
        return b.toString();
    }

    /** The pairs S0 offers, bit 0 first. */
    private static String pairs(Examples.Gilboa g) {
        List<String> p = new ArrayList<>();
        for (int j = 0; j < g.pads().length; j++) {
            p.add("(" + n(g.pads()[j]) + ", " + n(g.ring().add(g.pads()[j], g.ring().mul(g.a(), 1L << j))) + ")");
        }
        return String.join(" ", p);
    }

    /** Whether A₀·2ʲ vanishes in the ring for some bit j (the two offered values are then equal). */
    private static boolean wraps(Examples.Gilboa g) {
        for (int j = 0; j < g.ring().bits(); j++) {
            if (g.ring().mul(g.a(), 1L << j) == 0) {
                return true;
            }
        }
        return false;
    }

    /** What S1 took, bit 0 first. */
    private static String takenList(Examples.Gilboa g) {
        List<String> p = new ArrayList<>();
        for (int j = 0; j < g.taken().length; j++) {
            p.add(n(g.taken()[j]));
        }
        return String.join(", ", p);
    }

    static String levelChain(int n) {
        List<String> c = new ArrayList<>();
        c.add(String.valueOf(n));
        int s = n;
        for (int pp : Figures.pairsPerLevel(n)) {
            s = s - pp;
            c.add(String.valueOf(s));
        }
        return String.join(" → ", c);
    }

    // ---------------------------------------------------------------- mask reuse

    static Page maskReuse(MaskReuse e) {
        Topic t = Topic.MASK_REUSE;
        List<String> p = List.of(
                "In the paper's faithful mode every query opens E = W − A and F = X − B for every product layer. But"
                        + " the weights W do not change between queries. Sonic's mask-reuse mode (--linear mask-reuse)"
                        + " draws the weight mask A of each layer from a per-model seed, opens E = W − A once for the"
                        + " model and keeps it. A query then opens only F = X − B, with a fresh B and C = f(A, B) from"
                        + " the dealer. This is an optimisation beyond the paper, selectable.",
                "What it saves: the 16·|W| bytes of the weights, per layer and query. The rounds stay the same, since"
                        + " F still needs its round.",
                "Why it is safe: E = W − A is a one-time pad of W as long as A masks W and nothing else. Opening the"
                        + " same E again for every query reveals nothing new — it is the same number. B must stay"
                        + " fresh, because the activations X change.",
                "Why only then: if the same A also masked another weight W′, the servers would see E′ = W′ − A too,"
                        + " and E − E′ = W − W′ — the mask cancels. So A may be reused with W and W alone.");
        Ring r = e.ring();
        Beaver q1 = e.q1();
        Beaver q2 = e.q2();
        List<Row> rows = List.of(
                new Row("W, A", n(e.w()) + ", " + n(e.a()), "A from the model's mask seeds"),
                new Row("setup: E = W − A", n(e.e()), "opened once (E₀ = " + n(q1.e0()) + ", E₁ = " + n(q1.e1())
                        + ") and kept"),
                new Row("query 1: X, B", n(q1.x()) + ", " + n(q1.b()), "fresh B, C = A·B = " + n(q1.c())),
                new Row("query 1: F = X − B", n(q1.f()), "the only value opened"),
                new Row("query 1: Z₀ + Z₁", n(q1.z0()) + " + " + n(q1.z1()) + " = " + n(q1.z()),
                        "= W·X = " + n(q1.product()) + " " + MOD + " " + ok(q1.z() == q1.product())),
                new Row("query 2: X, B", n(q2.x()) + ", " + n(q2.b()), "fresh B, C = A·B = " + n(q2.c())),
                new Row("query 2: F = X − B", n(q2.f()), "the only value opened; E is the same "
                        + ok(q2.e() == e.e())),
                new Row("query 2: Z₀ + Z₁", n(q2.z0()) + " + " + n(q2.z1()) + " = " + n(q2.z()),
                        "= W·X = " + n(q2.product()) + " " + MOD + " " + ok(q2.z() == q2.product())),
                new Row("misuse: W′ with the same A", n(e.wOther()) + "; E′ = " + n(e.eOther()), "another weight"),
                new Row("E − E′", n(r.sub(e.e(), e.eOther())), "= W − W′ = " + n(r.sub(e.w(), e.wOther())) + " "
                        + MOD + ": leaked " + ok(false)));
        Cost conv1 = Figures.m2(M2Structure.CONV1, Figures.DEFAULT);
        Cost conv1R = Figures.m2(M2Structure.CONV1, Figures.MASK_REUSE);
        Cost fc1 = Figures.m2(M2Structure.FC1, Figures.DEFAULT);
        Cost fc1R = Figures.m2(M2Structure.FC1, Figures.MASK_REUSE);
        Cost total = Figures.m2Total(Figures.DEFAULT);
        Cost totalR = Figures.m2Total(Figures.MASK_REUSE);
        Cost setup = Figures.m2Setup();
        List<String> cost = List.of(
                "Faithful: 16·(|W| + |X|) bytes per product layer and query. Mask reuse: 16·|X|. Setup, once per"
                        + " model: 16·|W| bytes and 1 round per layer with weights.",
                "M2's first convolution: " + n(conv1.onlineBytes()) + " → " + n(conv1R.onlineBytes()) + " bytes per"
                        + " query; the first fully connected layer, with " + n(Figures.weights(Figures.m2(M2Structure.FC1)))
                        + " weights: " + n(fc1.onlineBytes()) + " → " + n(fc1R.onlineBytes()) + " bytes.",
                "A whole M2 query: " + n(total.onlineBytes()) + " → " + n(totalR.onlineBytes()) + " bytes, "
                        + n(totalR.rounds()) + " rounds either way. The setup costs " + n(setup.onlineBytes())
                        + " bytes in " + n(setup.rounds()) + " rounds, once.");
        List<Claim> claims = List.of(
                layer(t, "conv1 bytes, faithful", Figures.DEFAULT, M2Structure.CONV1, Measure.ONLINE_BYTES,
                        conv1.onlineBytes()),
                layer(t, "conv1 bytes, mask reuse", Figures.MASK_REUSE, M2Structure.CONV1, Measure.ONLINE_BYTES,
                        conv1R.onlineBytes()),
                layer(t, "fc1 bytes, faithful", Figures.DEFAULT, M2Structure.FC1, Measure.ONLINE_BYTES,
                        fc1.onlineBytes()),
                layer(t, "fc1 bytes, mask reuse", Figures.MASK_REUSE, M2Structure.FC1, Measure.ONLINE_BYTES,
                        fc1R.onlineBytes()),
                query(t, "query bytes, faithful", Figures.DEFAULT, Measure.ONLINE_BYTES, total.onlineBytes()),
                query(t, "query bytes, mask reuse", Figures.MASK_REUSE, Measure.ONLINE_BYTES, totalR.onlineBytes()),
                query(t, "query rounds, faithful", Figures.DEFAULT, Measure.ROUNDS, total.rounds()),
                query(t, "query rounds, mask reuse", Figures.MASK_REUSE, Measure.ROUNDS, totalR.rounds()),
                query(t, "setup bytes", Figures.MASK_REUSE, Measure.SETUP_BYTES, setup.onlineBytes()),
                query(t, "setup rounds", Figures.MASK_REUSE, Measure.SETUP_ROUNDS, setup.rounds()));
        String summary = "The weights do not change between queries, so the mask-reuse mode opens E = W − A once per"
                + " model and each query opens only F = X − B: it saves 16·|W| bytes per layer and query. It is safe"
                + " only because A masks W and nothing else; the same A on another weight W′ would reveal W − W′.";
        return new Page(t, summary, p, exampleTitle(), rows, cost, claims, e);
    }

    // ---------------------------------------------------------------- non-collusion

    static Page collusion(Collusion e) {
        Topic t = Topic.NON_COLLUSION;
        List<String> p = List.of(
                "Five roles. The model owner splits the weights into two shares, uploads them and goes offline. The"
                        + " user splits the input and, at the end, adds the two output shares. Servers S0 and S1 each"
                        + " hold one share of everything and run the whole inference together. The dealer produces"
                        + " the correlated randomness — Beaver triples, AND triples, random bits, truncation pairs —"
                        + " before the query, from the model's public structure alone.",
                "Who knows what. The owner knows W; the user knows x and the result. Each server knows its own shares"
                        + " and the values opened to it (E and F, the AND gates' d and e, the selects' masked bits"
                        + " and values, the truncations' c), all uniformly random. The dealer knows its randomness"
                        + " and the public structure, nothing else: it never sees a share of the model or of the"
                        + " input, nor anything the servers open. It only sends; the servers send it nothing of the"
                        + " data.",
                "What the security rests on: the servers are semi-honest (they follow the protocol, but may study"
                        + " what they see) and collude neither with each other nor with the dealer. If S0 and S1 pool"
                        + " their views, x₀ + x₁ = x and W₀ + W₁ = W: everything is revealed. If the dealer joins one"
                        + " server, its A and B unmask every opened E and F: W = E + A and X = F + B. The network is"
                        + " hostile, so every link is TLS and the two servers authenticate each other.",
                "Without a dealer (\"No dealer\" on the Cloud tab, --preprocessing ot) nobody outside the two servers"
                        + " is trusted: they make the same randomness between themselves with oblivious transfer (OT),"
                        + " in which a sender offers two values and the receiver takes one without the sender learning"
                        + " which, nor the receiver the other. A triple's cross products such as A₀·B₁ come from one OT"
                        + " per bit of B₁ (Gilboa's multiplication); a few hundred OTs on an elliptic curve once per"
                        + " link are stretched into millions with AES (OT extension). The online phase stays the"
                        + " same; the offline phase moves from the dealer to the link between the servers, hundreds"
                        + " of times larger.");
        Sharing s = e.sharing();
        Beaver b = e.beaver();
        Examples.Gilboa g = e.gilboa();
        Ring r = s.ring();
        List<Row> rows = List.of(
                new Row("user: x", n(s.x()), "sends x₀ to S0 and x₁ to S1"),
                new Row("S0 alone sees x₀", n(s.x0()), "uniform: " + n(s.distinctX0()) + " values equally likely for"
                        + " x = " + s.x() + ", the same for x = " + s.other()),
                new Row("S1 alone sees x₁", n(s.x1()), "uniform"),
                new Row("S0 + S1 collude", n(s.x0()) + " + " + n(s.x1()) + " = " + n(r.add(s.x0(), s.x1())) + " "
                        + MOD, "x revealed " + ok(false)),
                new Row("S0 sees E, F of a product", n(b.e()) + ", " + n(b.f()), "masked by A and B: uniform"),
                new Row("dealer + S0 collude", "E + A = " + n(r.add(b.e(), b.a())) + ",  F + B = "
                        + n(r.add(b.f(), b.b())), "W = " + n(b.w()) + " and X = " + n(b.x()) + " revealed "
                        + ok(false)),
                new Row("no dealer: A₀·B₁ by OT", "S0 holds A₀ = " + n(g.a()) + ", S1 holds B₁ = " + n(g.b())
                        + " = " + bits(g), "neither sends its value"),
                new Row("S0 offers, bit j = 0…" + (r.bits() - 1), pairs(g), "(rⱼ, rⱼ + A₀·2ʲ), rⱼ random"
                        + (wraps(g) ? "; the two are equal where A₀·2ʲ = 0 " + MOD : "")),
                new Row("S1 takes by its bits", takenList(g), "the pad, or the pad plus A₀·2ʲ; S0 does not"
                        + " learn which"),
                new Row("shares of A₀·B₁", "S1: Σ taken = " + n(g.share1()) + ", S0: −Σ rⱼ = " + n(g.share0()),
                        "sum " + n(g.product()) + " = A₀·B₁ " + MOD + " " + ok(g.product() == r.mul(g.a(), g.b()))));
        Cost total = Figures.m2Total(Figures.DEFAULT);
        long offline = Figures.m2Offline(Figures.DEFAULT);
        long between = Figures.m2BetweenServers();
        long betweenRounds = Figures.m2BetweenServersRounds();
        long conv1 = Figures.m2BetweenServers(M2Structure.CONV1);
        List<String> cost = List.of(
                "The dealer's part of one M2 query: two " + Figures.seedBytes() + "-byte seeds (one per server) plus "
                        + n(total.offlineBytes()) + " bytes of corrections for server 1 = " + n(offline) + " bytes,"
                        + " sent before the input exists.",
                "Online, the servers exchange " + n(total.onlineBytes()) + " bytes in " + n(total.rounds())
                        + " rounds for one M2 query (faithful mode, exact truncation, logits returned); every byte between"
                        + " them is a masked value.",
                "Without a dealer the servers send each other " + n(between) + " bytes in " + n(betweenRounds)
                        + " rounds to make one M2 query's randomness (" + n(between / Math.max(1, offline))
                        + " times the dealer's bytes; the first convolution's triple alone " + n(conv1) + "), plus "
                        + n(Figures.baseOtBytes()) + " bytes of base OTs once per link; the online phase is the same.");
        List<Claim> claims = List.of(
                query(t, "query bytes between the servers, no dealer", Figures.OT, Measure.BETWEEN_SERVERS_BYTES,
                        between),
                query(t, "query rounds between the servers, no dealer", Figures.OT, Measure.BETWEEN_SERVERS_ROUNDS,
                        betweenRounds),
                layer(t, "conv1 bytes between the servers, no dealer", Figures.OT, M2Structure.CONV1,
                        Measure.OFFLINE_BYTES, conv1),
                query(t, "query online bytes, no dealer", Figures.OT, Measure.ONLINE_BYTES, total.onlineBytes()),
                query(t, "query offline bytes", Figures.DEFAULT, Measure.OFFLINE_BYTES, offline),
                query(t, "query online bytes", Figures.DEFAULT, Measure.ONLINE_BYTES, total.onlineBytes()),
                query(t, "query rounds", Figures.DEFAULT, Measure.ROUNDS, total.rounds()));
        String summary = "The servers must not collude, with each other or with the dealer: together S0 and S1 add"
                + " their shares and see everything, and the dealer's A and B unmask what the servers open. Alone,"
                + " each server sees only uniformly random numbers. The dealer holds nothing private and never sees"
                + " the data; the user alone sees the result. Without a dealer the servers make the randomness"
                + " themselves with oblivious transfer, for hundreds of times the bytes.";
        return new Page(t, summary, p, exampleTitle(), rows, cost, claims, e);
    }
}
