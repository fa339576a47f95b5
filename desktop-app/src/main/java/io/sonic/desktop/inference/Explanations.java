package io.sonic.desktop.inference;

import java.util.LinkedHashMap;
import java.util.Map;

/** Short classroom explanations: what each protocol does and what each server sees. */
public final class Explanations {
    private Explanations() {
    }

    /** Topic → text, for the Learn screen. */
    public static Map<String, String> topics() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Secret sharing", "A number x is split into two random-looking numbers x0 and x1 with x0 + x1 = x"
                + " (modulo 2^64). x1 is drawn uniformly at random and x0 = x − x1, so each share alone is pure noise:"
                + " every value is equally likely whatever x is. The model owner splits every weight this way, the"
                + " user splits every input value, and each server receives one share of each. Only someone holding"
                + " both shares can add them up. Reals are encoded in fixed point: x is stored as round(x · 2^16).");
        m.put("Beaver triples", "Adding shares is local: each server adds its own. Multiplying two shared values"
                + " needs help: the dealer prepares, before any input exists, random A and B and C = A·B, all"
                + " shared. To multiply W by X, the servers open E = W − A and F = X − B. E and F are masked by the"
                + " random A and B, so they reveal nothing. Then each server computes its share of"
                + " W·X = E·F + E·B + A·F + C locally. A triple is used once: reusing it would reveal the difference"
                + " of the two values it masked. For a whole layer the triple is shaped like the layer (a matrix"
                + " product or a convolution) and all of E and F travel in one message.");
        m.put("MSB extraction (ReLU)", "ReLU keeps x when x ≥ 0, which is when the most significant bit (MSB) of x"
                + " is 0. x = x0 + x1, and server 0 knows x0 while server 1 knows x1, so the MSB is the top bit of a"
                + " sum of two numbers each known to one server. The servers compute the carries of that addition"
                + " with secret AND gates (one dealer AND-triple each), combining them in a tree: 6 levels for 63"
                + " carry bits, 64 elements per machine word. A last round turns the bit into an arithmetic share"
                + " and multiplies x by it. 8 rounds in all, about 854 bits per ReLU.");
        m.put("Truncation", "A product of two fixed-point numbers carries 32 fraction bits instead of 16 and must be"
                + " shifted back. The paper's local truncation lets each server shift its own share: free, but with a"
                + " tiny chance that the shares wrap around and the result is wildly wrong. Sonic's default asks the"
                + " dealer for a random r (with r shifted and its top bit, shared): the servers open x + r, which is"
                + " uniformly random, shift it, and correct with the dealer's shares. One round, never wrong by more"
                + " than one unit in the last place.");
        m.put("What crosses the wire", "Every byte between the servers is counted per layer: the payload (masked"
                + " values), the bytes on the socket (TLS records and WebSocket framing included), the rounds, and"
                + " the time. The dealer's offline messages are counted separately. The user sends each server one"
                + " input share and gets back one output share; nobody but the user ever sees the result.");
        return m;
    }

    /** For a layer's protocol name: what it does and what each server sees. */
    public static String forProtocol(String protocol, String op) {
        String p = protocol == null ? "" : protocol;
        StringBuilder b = new StringBuilder();
        if (p.startsWith("Beaver")) {
            b.append("A product of the secret weights with the secret activations (").append(op).append("). The"
                    + " servers open E = W − A and F = X − B with a dealer triple shaped like the layer, then each"
                    + " computes its share of W·X locally. Each server sees: its shares (noise) and E and F, which"
                    + " are masked by the random A and B, so they look uniformly random.");
        } else if (p.equals("MSB ReLU")) {
            b.append("ReLU by extracting the sign bit: secret AND gates compute the carries of x0 + x1 in a tree (7"
                    + " rounds), then one round multiplies x by the bit. Each server sees: masked bits d = x ⊕ u and"
                    + " e = y ⊕ v of the AND gates and masked values, all uniformly random.");
        } else if (p.equals("secure max")) {
            b.append("Max pooling: max(a, b) = b + ReLU-style selection of (a − b), the windows' values paired up"
                    + " level by level, every pair of the layer in the same messages. Each server sees only masked"
                    + " bits and values.");
        } else if (p.startsWith("local sum")) {
            b.append("Average pooling: each server sums its own shares over the window and multiplies by the public"
                    + " 1/size; only the truncation may need a round.");
        } else if (p.equals("secure argmax")) {
            b.append("The label: the servers compare the logits pairwise and carry the index of the larger one, so"
                    + " only shares of the label leave them.");
        } else {
            b.append("A local step (").append(op).append("): each server transforms its own share; nothing is sent.");
        }
        if (p.contains("exact truncation")) {
            b.append(" Then exact truncation: the servers open x + r for a dealer random r (uniform, one round) and"
                    + " shift the product back to 16 fraction bits.");
        } else if (p.contains("local truncation")) {
            b.append(" Then local truncation: each server shifts its own share, no message.");
        }
        return b.toString();
    }
}
