package io.sonic.desktop.inference;

import io.sonic.desktop.learn.Pages;

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
