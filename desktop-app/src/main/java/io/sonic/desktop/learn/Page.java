package io.sonic.desktop.learn;

import java.util.ArrayList;
import java.util.List;

/**
 * One Learn page as text, without JavaFX: what the protocol does, a worked example computed for a
 * seed, and its costs. The diagram is drawn from {@link #example()} by {@link Diagrams}.
 *
 * @param summary    one paragraph, for places with room for only that
 * @param paragraphs the explanation
 * @param rows       the worked example, one computed step per row
 * @param cost       the cost formula with its numbers for concrete sizes
 * @param claims     the figures of {@code cost} that a test holds to a measured run of mnist-m2
 */
public record Page(Topic topic, String summary, List<String> paragraphs, String exampleTitle, List<Row> rows,
                   List<String> cost, List<Claim> claims, Examples.Example example) {

    /** One step of a worked example: what is computed, its value, and a remark. */
    public record Row(String name, String value, String note) {
    }

    public Page {
        paragraphs = List.copyOf(paragraphs);
        rows = List.copyOf(rows);
        cost = List.copyOf(cost);
        claims = List.copyOf(claims);
    }

    /** Everything the page says, as one string (for tests and search). */
    public String text() {
        List<String> all = new ArrayList<>();
        all.add(topic.title());
        all.addAll(paragraphs);
        all.add(exampleTitle);
        for (Row r : rows) {
            all.add(r.name() + " " + r.value() + " " + r.note());
        }
        all.addAll(cost);
        return String.join("\n", all);
    }
}
