package io.sonic.desktop.inference;

import io.sonic.desktop.learn.Pages;
import io.sonic.engine.protocol.ProtocolId;
import io.sonic.engine.protocol.ProtocolName;

import java.util.LinkedHashMap;
import java.util.Map;

/** Short classroom explanations: what each protocol does and what each server sees. */
public final class Explanations {
    private Explanations() {
    }

    /**
     * Topic → one-paragraph summary, in lecture order: the summaries of the Learn pages, whose figures
     * come from the engine's constants ({@link io.sonic.desktop.learn.Pages}).
     */
    public static Map<String, String> topics() {
        return new LinkedHashMap<>(Pages.summaries());
    }

    /** For a layer's protocols: what they do and what each server sees. */
    public static String forProtocol(ProtocolId protocol, String op) {
        StringBuilder b = new StringBuilder();
        ProtocolName main = protocol == null ? ProtocolName.LOCAL : protocol.main();
        switch (main) {
            case BEAVER_MATMUL, BEAVER_CONV, BEAVER_SCALE -> b.append("A product of the secret weights with the"
                    + " secret activations (").append(op).append("). The servers open E = W − A and F = X − B with a"
                    + " dealer triple shaped like the layer, then each computes its share of W·X locally. Each server"
                    + " sees: its shares (noise) and E and F, which are masked by the random A and B, so they look"
                    + " uniformly random.");
            case MSB_RELU -> b.append("ReLU by extracting the sign bit: secret AND gates compute the carries of"
                    + " x0 + x1 in a tree (7 rounds), then one round multiplies x by the bit. Each server sees: masked"
                    + " bits d = x ⊕ u and e = y ⊕ v of the AND gates and masked values, all uniformly random.");
            case FSS_RELU -> b.append("ReLU in one round with function secret sharing: the servers open x + r for the"
                    + " dealer's random mask r, and each evaluates its DCF key (a tree of fixed-key AES hashes) at the"
                    + " opened value: the key answers [x + r < r] in shares, which gives the sign and the product x·[x ≥"
                    + " 0] without another message. Each server sees: one masked value x + r per element, uniformly"
                    + " random.");
            case MSB_MAX -> b.append("Max pooling: max(a, b) = b + ReLU-style selection of (a − b), the windows'"
                    + " values paired up level by level, every pair of the layer in the same messages. Each server"
                    + " sees only masked bits and values.");
            case FSS_MAX -> b.append("Max pooling with function secret sharing: max(a, b) = b + ReLU(a − b), one"
                    + " round per level of the windows' tree, every pair of the layer in the same message. Each"
                    + " server sees only the masked differences a − b + r.");
            case LOCAL_SUM -> b.append("Average pooling: each server sums its own shares over the window and multiplies"
                    + " by the public 1/size; only the truncation may need a round.");
            case MSB_ARGMAX, FSS_ARGMAX -> b.append("The label: the servers compare the logits pairwise and carry the"
                    + " index of the larger one, so only shares of the label leave them.")
                    .append(main == ProtocolName.FSS_ARGMAX ? " With FSS each level is one round: the difference and"
                            + " the index difference are opened masked, and one DCF key selects both." : "");
            default -> b.append("A local step (").append(op).append("): each server transforms its own share;"
                    + " nothing is sent.");
        }
        ProtocolName t = protocol == null ? null : protocol.truncation();
        if (t == ProtocolName.MSB_TRUNCATION) {
            b.append(" Then exact truncation: the servers open x + r for a dealer random r (uniform, one round) and"
                    + " shift the product back to 16 fraction bits.");
        } else if (t == ProtocolName.FSS_TRUNCATION) {
            b.append(" Then exact truncation with one small DCF key: the servers open x + r (one round) and the key"
                    + " supplies the borrow of the low bits, so the result is exactly the floor of x / 2^f.");
        } else if (t == ProtocolName.LOCAL_TRUNCATION) {
            b.append(" Then local truncation: each server shifts its own share, no message.");
        }
        return b.toString();
    }
}
