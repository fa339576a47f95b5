package io.sonic.desktop.app;

import io.sonic.desktop.inference.Explanations;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Accordion;
import javafx.scene.control.Label;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.VBox;

/** Short explanations of secret sharing, Beaver triples, MSB extraction and truncation. */
public final class LearnView {
    private final VBox root = new VBox(8);

    public LearnView() {
        Accordion topics = new Accordion();
        topics.setId("learnTopics");
        Explanations.topics().forEach((title, text) -> {
            Label l = new Label(text);
            l.setWrapText(true);
            l.setMaxWidth(900);
            topics.getPanes().add(new TitledPane(title, l));
        });
        if (!topics.getPanes().isEmpty()) {
            topics.setExpandedPane(topics.getPanes().get(0));
        }
        root.getChildren().addAll(new Label("How Sonic keeps the model, the input and the result secret"), topics);
        root.setPadding(new Insets(12));
    }

    public Node view() {
        return root;
    }
}
