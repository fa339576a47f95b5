package io.sonic.desktop.app;

import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

import java.util.ArrayList;
import java.util.List;

/** Table columns that grow with the window's zoom, so that their headers stay readable in a room. */
public final class Columns {
    private Columns() {
    }

    /**
     * Scales every column's preferred width with {@code zoom} (from the widths set now) and lets the table
     * scroll sideways instead of squeezing headers into "r…".
     */
    public static void follow(TableView<?> table, Zoom zoom) {
        List<Double> base = new ArrayList<>();
        for (TableColumn<?, ?> c : table.getColumns()) {
            base.add(c.getPrefWidth());
        }
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        Runnable apply = () -> {
            for (int i = 0; i < base.size() && i < table.getColumns().size(); i++) {
                TableColumn<?, ?> c = table.getColumns().get(i);
                c.setPrefWidth(base.get(i) * zoom.scale());
                c.setMinWidth(base.get(i) * zoom.scale());
            }
        };
        zoom.scaleProperty().addListener((o, a, b) -> apply.run());
        apply.run();
    }
}
