package io.sonic.desktop.flow;

import io.sonic.engine.SecureConfig;

import io.sonic.engine.InferenceResult;
import io.sonic.engine.InferenceResult.LayerStat;
import io.sonic.engine.net.Round;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The messages of one layer of one secure run, as a sequence diagram with four lanes (user, server 0,
 * server 1, dealer), and what each server holds afterwards. Built only from the run's
 * {@link InferenceResult.LayerStat}s (the same in process and over real servers) and the model graph's
 * shapes; every byte figure is one the meter or the result reported.
 *
 * <ul>
 *   <li>Online: one message each way per round the layer's protocol named ({@link LayerStat#rounds()}):
 *   server 0 → server 1 carries {@link Round#bytesSent()}, server 1 → server 0
 *   {@link Round#bytesReceived()}.</li>
 *   <li>Offline: the dealer's corrections for the layer ({@link LayerStat#offlineBytes()}) go to server 1
 *   only; server 0 expands all its correlated randomness from its seed (the engine's {@code Dealer} and
 *   {@code Randomness}: "a seed to each server and, to party 1, one correction per item"). The two
 *   per-query seeds are what the run's offline total has beyond the layers' sum; they are drawn on the
 *   first layer, split evenly (one seed of the same size to each server). Without a dealer
 *   ({@link InferenceResult#preprocessing()} not zero) the layer's offline bytes are what the two servers sent
 *   each other with oblivious transfer to make its randomness, drawn between them, and there are no seeds.</li>
 *   <li>The user: one input share to each server before the first layer, one output share from each
 *   server after the last; this traffic is the user's, not counted in the servers' online bytes.</li>
 * </ul>
 */
public final class MessageFlow {

    /** The four parties of the diagram, left to right. */
    public enum Lane {
        USER("User"), SERVER0("Server 0"), SERVER1("Server 1"), DEALER("Dealer");

        private final String title;

        Lane(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /**
     * USER: the user's input and output shares (not server traffic). SEED: the dealer's per-query seed
     * (once for all layers, shown on the first). OFFLINE: the dealer's corrections for this layer.
     * ONLINE: what the servers exchange in a round.
     */
    public enum Kind { USER, SEED, OFFLINE, ONLINE }

    /**
     * One arrow.
     *
     * @param what  what it carries, in the protocol's own words (for ONLINE, the round's name verbatim)
     * @param bytes payload bytes
     * @param round 1… for ONLINE messages, 0 for offline and user messages
     */
    public record Message(Lane from, Lane to, String what, long bytes, int round, Kind kind) {
        public Message {
            Objects.requireNonNull(from);
            Objects.requireNonNull(to);
            Objects.requireNonNull(what);
            Objects.requireNonNull(kind);
        }
    }

    /**
     * One online round: both servers send at once.
     *
     * @param section the part of the layer's protocol it belongs to (e.g. "max level 1, 4608 pairs …"), or null
     * @param what    what is opened, in the protocol's words, without the section
     */
    public record Exchange(int round, String section, String what, Message toServer1, Message toServer0) {
    }

    /**
     * One thing a server holds after the layer, every one of them uniformly random on its own.
     *
     * @param value   the protocol's name for it (e.g. "E = W − A", "its share of the output")
     * @param caption what it is and why it reveals nothing
     * @param opened  true for a masked value both servers opened (they hold the same), false for the
     *                server's own share or randomness
     * @param bits    true for bits (XOR-shared or masked bits), false for ring elements
     */
    public record Knowledge(String value, String caption, boolean opened, boolean bits) {
    }

    private static final int RING_BYTES = Long.BYTES;

    private final LayerStat stat;
    private final String title;
    private final List<Message> messages;
    private final List<Exchange> exchanges;
    private final List<List<Knowledge>> knows;
    private final List<String> notes;
    private final long seedBytes;
    private final int rounds;
    private final boolean byServers;

    private MessageFlow(LayerStat stat, String title, List<Message> messages, List<Exchange> exchanges,
                        List<List<Knowledge>> knows, List<String> notes, long seedBytes, int rounds, boolean byServers) {
        this.byServers = byServers;
        this.stat = stat;
        this.title = title;
        this.messages = List.copyOf(messages);
        this.exchanges = List.copyOf(exchanges);
        this.knows = List.of(List.copyOf(knows.get(0)), List.copyOf(knows.get(1)));
        this.notes = List.copyOf(notes);
        this.seedBytes = seedBytes;
        this.rounds = rounds;
    }

    /**
     * The flow of the layer with {@code layerIndex} ({@link LayerStat#index()}; in label-output mode the
     * secure argmax is the extra index {@code graph.layers().size()}).
     *
     * @throws IllegalArgumentException when the run has no such layer or the graph does not fit the run
     */
    public static MessageFlow of(InferenceResult result, int layerIndex, ModelGraph graph) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(graph, "graph");
        LayerStat stat = null;
        long layersOffline = 0;
        int last = -1;
        for (LayerStat s : result.layers()) {
            layersOffline += s.offlineBytes();
            last = Math.max(last, s.index());
            if (s.index() == layerIndex) {
                stat = s;
            }
        }
        if (stat == null) {
            throw new IllegalArgumentException("the run has no layer " + layerIndex);
        }
        int n = graph.layers().size();
        boolean argmax = layerIndex == n;
        if (layerIndex > n || last > n || last < n - 1) {
            throw new IllegalArgumentException("the run's layers do not fit the model's " + n + " layers");
        }
        boolean byServers = result.preprocessing() != null && result.preprocessing().bytes() > 0;
        return new Builder(result, stat, graph, argmax, layerIndex == 0, layerIndex == last,
                byServers ? 0 : result.offlineBytes() - layersOffline, byServers).build();
    }

    /**
     * A layer of a query that is still running (step mode), from the layers finished so far; the user's
     * output shares are not drawn, as they have not been sent. {@code seedBytes} are the dealer's per-query
     * seeds to both servers together; {@code byServers}: there is no dealer, the servers made the randomness.
     */
    public static MessageFlow ofRunning(List<LayerStat> finished, int layerIndex, ModelGraph graph, long seedBytes,
                                        boolean byServers) {
        Objects.requireNonNull(graph, "graph");
        LayerStat stat = finished.stream().filter(s -> s.index() == layerIndex).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("layer " + layerIndex + " has not run yet"));
        InferenceResult partial = new InferenceResult(new double[0], null, new long[0], List.copyOf(finished),
                io.sonic.engine.net.Traffic.ZERO, -1, 0, 0, 0, 0, 0,
                io.sonic.engine.net.LinkProfile.LOOPBACK, io.sonic.engine.net.Traffic.ZERO);
        return new Builder(partial, stat, graph, layerIndex == graph.layers().size(), layerIndex == 0, false,
                byServers ? 0 : seedBytes, byServers).build();
    }

    /** "Layer 2: /3/Relu (Relu), MSB ReLU". */
    public String title() {
        return title;
    }

    public int layerIndex() {
        return stat.index();
    }

    public String layerName() {
        return stat.name();
    }

    public String op() {
        return stat.op();
    }

    public String protocol() {
        return stat.protocol().label();
    }

    /** Every arrow in order: the dealer's (offline), the user's input, the rounds, the user's output. */
    public List<Message> messages() {
        return messages;
    }

    /** The online rounds, one per round, both directions. */
    public List<Exchange> exchanges() {
        return exchanges;
    }

    /** Sum of the ONLINE arrows: both directions between the servers, as the meter counts a layer. */
    public long onlineBytes() {
        return sum(Kind.ONLINE);
    }

    /** Distinct online rounds (the layer's online round count when the servers did not name its rounds). */
    public int rounds() {
        return rounds;
    }

    /**
     * True when the run had no dealer: the OFFLINE arrows are the oblivious transfers between the two servers that
     * made the layer's randomness, and there are no seeds.
     */
    public boolean byServers() {
        return byServers;
    }

    /** Sum of the OFFLINE arrows: the dealer's bytes attributed to this layer (without a dealer: the servers'). */
    public long offlineBytes() {
        return sum(Kind.OFFLINE);
    }

    /** Sum of the SEED arrows: the dealer's per-query seeds (drawn on the first layer only). */
    public long seedBytes() {
        return sum(Kind.SEED);
    }

    /** Sum of the USER arrows: the user's input shares (first layer) and output shares (last layer). */
    public long userBytes() {
        return sum(Kind.USER);
    }

    /** Bytes on the wire for this layer (TLS records and framing included), or -1 when not measured. */
    public long wireBytes() {
        return stat.wireBytes();
    }

    /** True when the layer sends nothing between the servers: each transforms its own share. */
    public boolean local() {
        return exchanges.isEmpty() && rounds == 0;
    }

    /** Short explanations shown under the diagram (e.g. that server 0 gets nothing from the dealer). */
    public List<String> notes() {
        return notes;
    }

    /** What server {@code party} (0 or 1) holds after this layer. */
    public List<Knowledge> knows(int party) {
        if (party != 0 && party != 1) {
            throw new IllegalArgumentException("party must be 0 or 1");
        }
        return knows.get(party);
    }

    private long sum(Kind k) {
        return messages.stream().filter(m -> m.kind() == k).mapToLong(Message::bytes).sum();
    }

    /** A shape for people: "16×24×24" (a leading batch dimension of 1 left out), "10". */
    static String shape(int[] s) {
        int from = s.length > 1 && s[0] == 1 ? 1 : 0;
        StringBuilder b = new StringBuilder();
        for (int i = from; i < s.length; i++) {
            if (b.length() > 0) {
                b.append('×');
            }
            b.append(s[i]);
        }
        return b.length() == 0 ? "1" : b.toString();
    }

    // ---- reading the protocols' words ----

    /** One masked value in a round's name: "E = W − A" with its parenthetical note, if any. */
    record Part(String equation, String note) {
    }

    /** A round's name: the section before the first ": " (max/argmax levels), the rest is what is opened. */
    static String[] splitSection(String what) {
        int colon = what.indexOf(": ");
        if (colon < 0) {
            return new String[] {null, what};
        }
        return new String[] {what.substring(0, colon), what.substring(colon + 2)};
    }

    /** "masked bits d = x ⊕ u, e = y ⊕ v of carry-tree level 1 (…)" → key and detail around the first " of ". */
    static String[] splitOf(String what) {
        int of = what.indexOf(" of ");
        if (of < 0) {
            return new String[] {what, null};
        }
        return new String[] {what.substring(0, of), what.substring(of + 4)};
    }

    /**
     * Splits what a round opens on " and " outside parentheses ("E = W − A and F = X − B" is two values,
     * "d = x ⊕ u, e = y ⊕ v" one pair), taking each part's trailing note in parentheses.
     */
    static List<Part> parts(String key) {
        String body = key.startsWith("masked bits ") ? key.substring("masked bits ".length()) : key;
        List<String> raw = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (depth == 0 && body.startsWith(" and ", i)) {
                raw.add(body.substring(start, i));
                start = i + 5;
                i += 4;
            }
        }
        raw.add(body.substring(start));
        List<Part> out = new ArrayList<>();
        for (String r : raw) {
            String t = r.trim();
            String note = null;
            int open = t.indexOf(" (");
            if (open > 0 && t.endsWith(")")) {
                note = t.substring(open + 2, t.length() - 1);
                t = t.substring(0, open);
            }
            out.add(new Part(t, note));
        }
        return out;
    }

    private static final Pattern OPENED_ONCE = Pattern.compile("(.+) was opened once per model");

    private static final Pattern EQUATION = Pattern.compile("(\\S+) = (.+?)\\s*([−+⊕])\\s*(\\S+)");

    /** {@link #explain(String)}, for a run without a dealer when {@code byServers}: the servers made the masks. */
    static String explain(String equation, boolean byServers) {
        String e = explain(equation);
        return byServers && e.contains("the dealer's random")
                ? e.replace("the dealer's random", "the random") + " (made by the two servers with oblivious transfer)"
                : e;
    }

    /** What an opened masked value is, from the protocols' pages. */
    static String explain(String equation) {
        switch (equation) {
            case "E = W − A":
                return "the weights W, masked by the dealer's random A";
            case "F = X − B":
                return "this layer's input X, masked by the dealer's random B";
            case "c = x + 2^62 + r":
                return "the products x before truncation, masked by the dealer's random r";
            case "e = d ⊕ t":
                return "the comparison bit d, masked by the dealer's random bit t";
            case "δ = v − a":
                return "the values v, masked by the dealer's random a";
            case "d = x ⊕ u, e = y ⊕ v":
                return "the AND gates' input bits x and y, masked by the dealer's random bits u and v";
            case "x̂ = x + r":
                return "the values x, masked by the dealer's random r (each server then evaluates its FSS key at x̂)";
            case "x̂ = a − b + r":
                return "the differences a − b of the pairs, masked by the dealer's random r";
            case "δ̂ = v_b − v_a − 1 + r":
                return "the differences of the pairs' values, masked by the dealer's random r";
            case "î = i_b − i_a + r₁":
                return "the differences of the pairs' indices, masked by the dealer's random r₁";
            default:
                List<String> each = new ArrayList<>();
                for (String eq : equation.split(", ")) {
                    Matcher m = EQUATION.matcher(eq);
                    each.add(m.matches() ? m.group(2) + ", masked by the dealer's random " + m.group(4)
                            : "a masked value");
                }
                return String.join("; ", each);
        }
    }

    /** The values {@link #explain} knows by name; their notes in the round names add nothing. */
    private static final Set<String> EXPLAINED = Set.of("E = W − A", "F = X − B",
            "c = x + 2^62 + r", "e = d ⊕ t", "δ = v − a", "d = x ⊕ u, e = y ⊕ v");

    static boolean isBits(String equation) {
        return equation.contains("⊕");
    }

    /** The dealer's material a kind of opened value consumes, and server 1's correction for it. */
    record Material(String name, String shortName, String correction) {
    }

    static Material material(String equation) {
        switch (equation) {
            case "E = W − A":
            case "F = X − B":
                return new Material("the Beaver triple A, B, C = f(A, B)", "the Beaver triple", "C₁ = f(A, B) − C₀");
            case "c = x + 2^62 + r":
                return new Material("the truncation's r, r >>> f and MSB(r)", "the truncation", "[r >>> f]₁ and [MSB(r)]₁");
            case "d = x ⊕ u, e = y ⊕ v":
                return new Material("the AND triples u, v, w = u ∧ v", "the AND gates", "w₁");
            case "e = d ⊕ t":
            case "δ = v − a":
                return new Material("a random bit t and masks a with a·t", "the bit t and masks a", "[t]₁ and [a·t]₁");
            default:
                return null;
        }
    }

    private static final Pattern NUMBERED = Pattern.compile("(.*?)(\\d+)(?: of \\d+)?");

    /**
     * Collapses numbered names: "carry-tree level 1 (63 segments to 32)", … level 6 → "carry-tree levels 1–6";
     * "max level 1, 4608 pairs …", "max level 2, …" → "max levels 1–2". Parentheses and text after a comma go.
     */
    static String collapse(List<String> names) {
        Map<String, TreeSet<Integer>> numbered = new LinkedHashMap<>();
        for (String n : names) {
            String s = n;
            int paren = s.indexOf(" (");
            if (paren > 0) {
                s = s.substring(0, paren);
            }
            int comma = s.indexOf(", ");
            if (comma > 0) {
                s = s.substring(0, comma);
            }
            Matcher m = NUMBERED.matcher(s);
            if (m.matches() && !m.group(1).isEmpty()) {
                numbered.computeIfAbsent(m.group(1).trim(), k -> new TreeSet<>()).add(Integer.parseInt(m.group(2)));
            } else {
                numbered.computeIfAbsent(s, k -> new TreeSet<>());
            }
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, TreeSet<Integer>> e : numbered.entrySet()) {
            TreeSet<Integer> ns = e.getValue();
            if (ns.isEmpty()) {
                out.add(e.getKey());
            } else if (ns.size() == 1) {
                out.add(e.getKey() + " " + ns.first());
            } else {
                boolean run = ns.last() - ns.first() + 1 == ns.size();
                out.add(e.getKey() + "s " + (run ? ns.first() + "–" + ns.last() : join(ns)));
            }
        }
        return String.join(" and ", out);
    }

    private static String join(TreeSet<Integer> ns) {
        StringBuilder b = new StringBuilder();
        for (int n : ns) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(n);
        }
        return b.toString();
    }

    /** Builds one flow. */
    private static final class Builder {
        private final InferenceResult result;
        private final LayerStat stat;
        private final ModelGraph graph;
        private final boolean argmax;
        private final boolean first;
        private final boolean lastLayer;
        private final long seeds;
        private final boolean byServers;
        private final List<Message> messages = new ArrayList<>();
        private final List<Exchange> exchanges = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        /** An opened value kind: its equation, its note, the details and sections of its rounds. */
        private static final class Opened {
            final Part part;
            final List<String> details = new ArrayList<>();
            final List<String> sections = new ArrayList<>();
            int rounds;

            Opened(Part part) {
                this.part = part;
            }
        }

        Builder(InferenceResult result, LayerStat stat, ModelGraph graph, boolean argmax, boolean first,
                boolean lastLayer, long seeds, boolean byServers) {
            this.result = result;
            this.byServers = byServers;
            this.stat = stat;
            this.graph = graph;
            this.argmax = argmax;
            this.first = first;
            this.lastLayer = lastLayer;
            this.seeds = seeds;
        }

        private String outputShape() {
            return argmax ? "1" : shape(graph.layers().get(stat.index()).outputShape());
        }

        private String outputNoun() {
            if (argmax) {
                return "the predicted label";
            }
            int[] s = graph.layers().get(stat.index()).outputShape();
            String what = stat.index() == graph.layers().size() - 1 ? "output values (the logits)" : "activations";
            return "the " + shape(s) + " " + what;
        }

        MessageFlow build() {
            // the online rounds, and the kinds of values they open
            Map<String, Opened> opened = new LinkedHashMap<>();
            Map<String, Material> materials = new LinkedHashMap<>();
            List<Round> named = stat.rounds();
            int r = 0;
            for (Round round : named) {
                r++;
                String[] sw = splitSection(round.what());
                Message to1 = new Message(Lane.SERVER0, Lane.SERVER1, round.what(), round.bytesSent(), r, Kind.ONLINE);
                Message to0 = new Message(Lane.SERVER1, Lane.SERVER0, round.what(), round.bytesReceived(), r,
                        Kind.ONLINE);
                exchanges.add(new Exchange(r, sw[0], sw[1], to1, to0));
                String[] kd = splitOf(sw[1]);
                for (Part p : parts(kd[0])) {
                    Opened o = opened.computeIfAbsent(p.equation(), k -> new Opened(p));
                    o.rounds++;
                    if (kd[1] != null) {
                        o.details.add(kd[1]);
                    }
                    if (sw[0] != null) {
                        o.sections.add(sw[0]);
                    }
                    Material m = material(p.equation());
                    if (m != null) {
                        materials.putIfAbsent(m.name(), m);
                    }
                }
            }
            int rounds = named.size();
            List<Message> online = new ArrayList<>();
            for (Exchange e : exchanges) {
                online.add(e.toServer1());
                online.add(e.toServer0());
            }
            if (named.isEmpty() && stat.online().rounds() > 0) {
                // the servers did not name this layer's rounds: one arrow each way with the layer's total
                rounds = (int) stat.online().rounds();
                String what = rounds + " rounds (not named by the servers)";
                Message to1 = new Message(Lane.SERVER0, Lane.SERVER1, what, stat.online().bytesSent(), 1, Kind.ONLINE);
                Message to0 = new Message(Lane.SERVER1, Lane.SERVER0, what, stat.online().bytesReceived(), 1,
                        Kind.ONLINE);
                exchanges.add(new Exchange(1, null, what, to1, to0));
                online.add(to1);
                online.add(to0);
            }

            // offline: the seeds (first layer), then this layer's corrections to server 1
            if (first && seeds > 0 && seeds % 2 == 0) {
                messages.add(new Message(Lane.DEALER, Lane.SERVER0, "server 0's seed: it expands all its randomness, "
                        + "for every layer, from it", seeds / 2, 0, Kind.SEED));
                messages.add(new Message(Lane.DEALER, Lane.SERVER1, "server 1's seed: it expands its random values "
                        + "from it", seeds / 2, 0, Kind.SEED));
            }
            boolean fss = stat.protocol() != null && (stat.protocol().main().suite() == SecureConfig.Suite.FSS
                    || stat.protocol().truncation() != null
                    && stat.protocol().truncation().suite() == SecureConfig.Suite.FSS);
            if (stat.offlineBytes() > 0 && byServers) {
                messages.add(new Message(Lane.SERVER0, Lane.SERVER1, "oblivious transfers making "
                        + (materials.isEmpty() ? "this layer's correlated randomness" : String.join(", ",
                        materials.values().stream().map(Material::shortName).toList())) + " (both directions)",
                        stat.offlineBytes(), 0, Kind.OFFLINE));
                notes.add("No dealer: before the query the two servers made this layer's randomness between themselves"
                        + " with oblivious transfer; each ends with its own share and neither learns the other's.");
            } else if (stat.offlineBytes() > 0 && fss) {
                messages.add(new Message(Lane.DEALER, Lane.SERVER1, "this layer's FSS keys: their correction words go"
                        + " to both servers (the same words to each), server 1 also gets the corrections of its mask"
                        + " shares; bytes to both servers together", stat.offlineBytes(), 0, Kind.OFFLINE));
                notes.add("FSS keys: each server's root seeds and random mask shares come from its own seed; the"
                        + " keys' correction words, identical in both keys, are sent to both servers.");
            } else if (stat.offlineBytes() > 0) {
                String items = materials.isEmpty() ? "server 1's corrections of this layer's correlated randomness"
                        : "server 1's corrections: " + String.join("; ", materials.values().stream()
                        .map(m -> m.correction() + " for " + m.shortName()).toList());
                messages.add(new Message(Lane.DEALER, Lane.SERVER1, items, stat.offlineBytes(), 0, Kind.OFFLINE));
                notes.add("Server 0 gets nothing from the dealer for this layer: it expands its shares of the "
                        + "randomness from the seed it got once per query. Only server 1 needs corrections.");
            }

            // the user's input
            int inputSize = graph.inputSize();
            if (first) {
                String in = shape(graph.inputShape());
                for (Lane to : new Lane[] {Lane.SERVER0, Lane.SERVER1}) {
                    messages.add(new Message(Lane.USER, to, "share " + (to == Lane.SERVER0 ? 0 : 1) + " of the "
                            + in + " input, " + inputSize + " × 8 B (the user's traffic)",
                            (long) inputSize * RING_BYTES, 0, Kind.USER));
                }
            }
            messages.addAll(online);
            if (lastLayer) {
                int out = result.outputRing().length;
                String noun = argmax ? "the label" : "the " + out + " output values";
                for (Lane from : new Lane[] {Lane.SERVER0, Lane.SERVER1}) {
                    messages.add(new Message(from, Lane.USER, "share " + (from == Lane.SERVER0 ? 0 : 1) + " of "
                            + noun + ", " + out + " × 8 B (the user's traffic)", (long) out * RING_BYTES, 0,
                            Kind.USER));
                }
                notes.add("The user adds the two shares it gets back to reconstruct " + (argmax ? "the label"
                        : "the output") + "; the user's messages are not part of the servers' online bytes.");
            }
            if (exchanges.isEmpty()) {
                notes.add(0, "No message: each server transforms its own share.");
            }
            if (stat.online().bytes() != sumOnline(online) && !named.isEmpty()) {
                notes.add("The named rounds carry " + sumOnline(online) + " B of the layer's " + stat.online().bytes()
                        + " B.");
            }

            List<List<Knowledge>> knows = List.of(knows(0, opened, materials), knows(1, opened, materials));
            String title = "Layer " + stat.index() + ": " + stat.name() + " (" + stat.op() + "), " + stat.protocol().label();
            List<Message> ordered = new ArrayList<>(messages);
            return new MessageFlow(stat, title, ordered, exchanges, knows, notes, seeds, rounds, byServers);
        }

        private static long sumOnline(List<Message> online) {
            return online.stream().mapToLong(Message::bytes).sum();
        }

        private List<Knowledge> knows(int party, Map<String, Opened> opened, Map<String, Material> materials) {
            List<Knowledge> k = new ArrayList<>();
            if (first) {
                k.add(new Knowledge("its share of the " + shape(graph.inputShape()) + " input",
                        "share " + party + ", from the user: uniform noise", false, false));
                if (seeds > 0 && seeds % 2 == 0) {
                    k.add(new Knowledge("its seed (" + seeds / 2 + " B)", "from the dealer, once per query: random "
                            + "bytes that its randomness for every layer is expanded from", false, true));
                }
            }
            if (!materials.isEmpty()) {
                String names = String.join("; ", materials.keySet());
                if (byServers) {
                    k.add(new Knowledge("its shares of the randomness made with the other server", names + ", made"
                            + " with the other server by oblivious transfer before the query: uniform noise, and the"
                            + " other server's shares stay unknown to it", false, false));
                } else {
                    String caption = party == 0
                            ? names + ", expanded from its seed: uniform noise"
                            : names + ", from its seed and the dealer's corrections "
                            + String.join(", ", materials.values().stream().map(Material::correction).toList())
                            + ": uniform noise";
                    k.add(new Knowledge("its shares of the dealer's randomness", caption, false, false));
                }
            }
            for (Opened o : opened.values()) {
                String eq = o.part.equation();
                StringBuilder c = new StringBuilder(explain(eq, byServers));
                if (o.part.note() != null) {
                    Matcher once = OPENED_ONCE.matcher(o.part.note());
                    if (once.matches()) {
                        k.add(new Knowledge(once.group(1), explain(once.group(1), byServers) + "; opened once per model, "
                                + "before the first query, and the same for every query: uniform noise", true,
                                isBits(once.group(1))));
                    } else if (!EXPLAINED.contains(eq)) {
                        c.append(" (").append(o.part.note()).append(')');
                    }
                }
                if (!o.details.isEmpty()) {
                    c.append(", of ").append(collapse(o.details));
                }
                if (!o.sections.isEmpty()) {
                    c.append(", in ").append(collapse(o.sections));
                }
                c.append(o.rounds == 1 ? "" : ", " + o.rounds + " rounds");
                c.append(isBits(eq) ? ": uniform random bits" : ": uniform noise");
                k.add(new Knowledge(eq, c.toString(), true, isBits(eq)));
            }
            k.add(new Knowledge("its share of " + outputNoun(), exchanges.isEmpty()
                    ? "computed from its share of the layer's input alone: uniform noise"
                    : "uniform noise: only added to the other server's share would it give the values", false, false));
            return k;
        }
    }
}
