package io.sonic.desktop.flow;

import io.sonic.desktop.app.Bytes;
import io.sonic.desktop.flow.MessageFlow.Exchange;
import io.sonic.desktop.flow.MessageFlow.Kind;
import io.sonic.desktop.flow.MessageFlow.Knowledge;
import io.sonic.desktop.flow.MessageFlow.Lane;
import io.sonic.desktop.flow.MessageFlow.Message;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The message flow of one layer as a sequence diagram: four lanes (user, server 0, server 1, dealer),
 * one arrow per message with what it carries and its size, one row per online round with both
 * directions; below it what each server holds afterwards, each drawn as noise. Every text size is in em
 * of the scene's root font size (flow.css), and every length in the diagram is in em or a fraction of
 * the width, so the view stays readable when the app's zoom changes the root font.
 */
public final class MessageFlowView {
    static final String PLACEHOLDER = "Select a layer to see its messages: who sends what to whom, how many "
            + "bytes, and what each server knows afterwards.";
    static final String UNIFORM = "Each of these is uniformly random on its own: a server learns nothing about "
            + "the input, the weights or the result. Only the user, who gets both output shares, can add them up.";

    private final StackPane root = new StackPane();
    private final Label placeholder = new Label(PLACEHOLDER);
    private final VBox content = new VBox();
    private final Label title = new Label();
    private final FlowPane summary = new FlowPane();
    private final VBox rows = new VBox();
    private final LaneHeader header = new LaneHeader(rows);
    private final VBox notes = new VBox();
    private final HBox knows = new HBox();
    private final Label uniform = wrapped(UNIFORM, "flow-note", "flow-uniform");
    private final ScrollPane scroll = new ScrollPane();
    private MessageFlow flow;

    public MessageFlowView() {
        root.getStyleClass().add("flow");
        root.setId("messageFlow");
        root.getStylesheets().add(Objects.requireNonNull(MessageFlowView.class.getResource(
                "/io/sonic/desktop/flow/flow.css")).toExternalForm());
        root.setMinSize(0, 0);

        placeholder.setId("flowPlaceholder");
        placeholder.getStyleClass().add("flow-placeholder");
        placeholder.setWrapText(true);
        placeholder.setMinWidth(0);
        StackPane.setAlignment(placeholder, Pos.CENTER);

        title.setId("flowTitle");
        title.getStyleClass().add("flow-title");
        title.setWrapText(true);
        title.setMinWidth(0);
        title.setMinHeight(Region.USE_PREF_SIZE);
        summary.setId("flowSummary");
        summary.getStyleClass().add("flow-summary");
        summary.setMinWidth(0);
        summary.setMinHeight(Region.USE_PREF_SIZE);
        summary.prefWrapLengthProperty().bind(content.widthProperty());

        rows.setId("flowRows");
        rows.getStyleClass().add("flow-rows");
        rows.setFillWidth(true);
        rows.setMinWidth(0);
        header.setId("flowHeader");
        notes.setId("flowNotes");
        notes.getStyleClass().add("flow-notes");
        notes.setMinWidth(0);
        knows.setId("flowKnows");
        knows.getStyleClass().add("flow-knows");
        knows.setMinWidth(0);

        uniform.setId("flowUniform");
        VBox body = new VBox(rows, notes, knows, uniform);
        body.getStyleClass().add("flow-body");
        body.setMinWidth(0);
        scroll.setId("flowScroll");
        scroll.getStyleClass().add("flow-scroll");
        scroll.setContent(body);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.setVbarPolicy(ScrollPane.ScrollBarPolicy.AS_NEEDED);
        scroll.setMinSize(0, 0);
        VBox.setVgrow(scroll, Priority.ALWAYS);

        content.getStyleClass().add("flow-content");
        content.getChildren().addAll(title, summary, header, scroll);
        content.setMinSize(0, 0);
        root.getChildren().addAll(placeholder, content);
        show(null);
    }

    public Node view() {
        return root;
    }

    /** The flow shown, or null. */
    public MessageFlow flow() {
        return flow;
    }

    /** Shows a layer's flow; null shows a short placeholder. */
    public void show(MessageFlow flowOrNull) {
        this.flow = flowOrNull;
        boolean none = flowOrNull == null;
        placeholder.setVisible(none);
        placeholder.setManaged(none);
        content.setVisible(!none);
        content.setManaged(!none);
        rows.getChildren().clear();
        notes.getChildren().clear();
        knows.getChildren().clear();
        summary.getChildren().clear();
        if (none) {
            title.setText("");
            return;
        }
        MessageFlow f = flowOrNull;
        title.setText(f.title());
        fillSummary(f);
        fillRows(f);
        for (String n : f.notes()) {
            if (f.local() && n.equals(f.notes().get(0))) {
                continue;
            }
            notes.getChildren().add(wrapped(n, "flow-note"));
        }
        fillKnows(f);
        scroll.setVvalue(0);
    }

    private void fillSummary(MessageFlow f) {
        List<Label> items = new ArrayList<>();
        if (f.local()) {
            items.add(chip("Between the servers: nothing", "flow-chip-online"));
        } else {
            items.add(chip("Between the servers: " + Bytes.exact(f.onlineBytes()) + " in " + f.rounds()
                    + (f.rounds() == 1 ? " round" : " rounds"), "flow-chip-online"));
        }
        if (f.offlineBytes() > 0) {
            items.add(chip(f.byServers() ? "Between the servers, offline (no dealer): " + Bytes.exact(f.offlineBytes())
                    : "From the dealer: " + Bytes.exact(f.offlineBytes()) + " (offline)", "flow-chip-dealer"));
        }
        if (f.seedBytes() > 0) {
            items.add(chip("Seeds: " + Bytes.exact(f.seedBytes()) + " (once per query)", "flow-chip-dealer"));
        }
        if (f.userBytes() > 0) {
            items.add(chip("The user's traffic: " + Bytes.exact(f.userBytes()), "flow-chip-user"));
        }
        if (f.wireBytes() >= 0) {
            items.add(chip("On the wire: " + Bytes.exact(f.wireBytes()) + " (TLS and framing included)",
                    "flow-chip-online"));
        }
        summary.getChildren().setAll(items);
    }

    private static Label chip(String text, String style) {
        Label l = new Label(text);
        l.getStyleClass().addAll("flow-chip", style);
        l.setWrapText(true);
        l.setMinWidth(0);
        return l;
    }

    private static Label wrapped(String text, String... styles) {
        Label l = new Label(text);
        l.getStyleClass().addAll(styles);
        l.setWrapText(true);
        l.setMinWidth(0);
        l.setMaxWidth(Double.MAX_VALUE);
        return l;
    }

    private void fillRows(MessageFlow f) {
        List<Region> out = new ArrayList<>();
        List<Message> dealer = f.messages().stream().filter(m -> m.kind() == Kind.SEED || m.kind() == Kind.OFFLINE)
                .toList();
        List<Message> input = f.messages().stream().filter(m -> m.kind() == Kind.USER && m.to() != Lane.USER).toList();
        List<Message> output = f.messages().stream().filter(m -> m.kind() == Kind.USER && m.to() == Lane.USER).toList();
        if (!dealer.isEmpty()) {
            out.add(new FlowRow.Section(f.byServers() ? "Before the query: the servers make the correlated randomness"
                    + " with oblivious transfer (offline, no dealer)" : "Before the query: the dealer's correlated"
                    + " randomness (offline)"));
            dealer.forEach(m -> out.add(new FlowRow.MessageRow(m)));
        }
        if (!input.isEmpty()) {
            out.add(new FlowRow.Section("The user splits its input into two shares and sends one to each server"));
            input.forEach(m -> out.add(new FlowRow.MessageRow(m)));
        }
        out.add(new FlowRow.Section(f.local() ? "Online: nothing travels for this layer"
                : "Online: in every round both servers send at once, each its share of what is opened"));
        if (f.local()) {
            out.add(new FlowRow.LocalRow(f.notes().isEmpty() ? "No message: each server transforms its own share."
                    : f.notes().get(0)));
        }
        String section = null;
        for (Exchange e : f.exchanges()) {
            if (e.section() != null && !e.section().equals(section)) {
                FlowRow.Section s = new FlowRow.Section(e.section());
                s.getStyleClass().add("flow-subsection-row");
                s.text().getStyleClass().add("flow-subsection");
                out.add(s);
            }
            section = e.section();
            out.add(new FlowRow.ExchangeRow(e));
        }
        if (!output.isEmpty()) {
            out.add(new FlowRow.Section("The servers send the result's shares to the user"));
            output.forEach(m -> out.add(new FlowRow.MessageRow(m)));
        }
        rows.getChildren().setAll(out);
    }

    private void fillKnows(MessageFlow f) {
        VBox[] panes = new VBox[2];
        for (int p = 0; p < 2; p++) {
            VBox pane = new VBox();
            pane.setId("flowKnows" + p);
            pane.getStyleClass().addAll("flow-knows-pane", p == 0 ? "flow-s0" : "flow-s1");
            pane.setMinWidth(0);
            pane.setPrefWidth(0);
            pane.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(pane, Priority.ALWAYS);
            Label head = wrapped(p == 0 ? "What server 0 knows after this layer" : "What server 1 knows after this layer",
                    "flow-knows-title", p == 0 ? "flow-s0" : "flow-s1");
            pane.getChildren().add(head);
            for (Knowledge k : f.knows(p)) {
                pane.getChildren().add(item(k));
            }
            panes[p] = pane;
        }
        knows.getChildren().setAll(panes);
    }

    private static Node item(Knowledge k) {
        Noise swatch = new Noise(k.bits());
        Label value = wrapped(k.value(), "flow-knows-value");
        Label caption = wrapped(k.caption(), "flow-knows-caption");
        VBox text = new VBox(value, caption);
        if (k.opened()) {
            text.getChildren().add(wrapped("opened: both servers hold this same value", "flow-knows-tag"));
        }
        text.setMinWidth(0);
        text.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(text, Priority.ALWAYS);
        HBox row = new HBox(swatch, text);
        row.getStyleClass().add("flow-knows-item");
        row.setMinWidth(0);
        return row;
    }

    // for tests

    List<FlowRow> rowNodes() {
        return rows.getChildren().stream().map(FlowRow.class::cast).toList();
    }

    ScrollPane scroll() {
        return scroll;
    }

    LaneHeader header() {
        return header;
    }
}
