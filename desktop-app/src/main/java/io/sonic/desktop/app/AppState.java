package io.sonic.desktop.app;

import io.sonic.cloud.client.CloudClient;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SecureConfig;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Instant;

/**
 * What the screens share, as observable properties (changed on the FX thread only): the open model,
 * the cloud connection, the secure configuration, the uploads and the history of secure runs.
 */
public final class AppState {

    /**
     * One finished secure query with the float model's answer for the same input beside it.
     *
     * @param trueLabel   the input's true label, or null when it has none
     * @param inputSource where the input came from ("test sample 7", "digit drawn on the canvas", …)
     */
    public record Run(OpenModel model, SecureConfig config, InferenceResult result, float[] plain, int plainLabel,
                      Integer trueLabel, String inputSource, Instant at) {
        /** Whether the secure and the float model predict the same label. */
        public boolean agree() {
            return result.predictedLabel() == plainLabel;
        }
    }

    private final ObjectProperty<OpenModel> model = new SimpleObjectProperty<>();
    private final ObjectProperty<CloudClient> cloud = new SimpleObjectProperty<>();
    private final StringProperty cloudDescription = new SimpleStringProperty("no servers");
    /** Whether the connected servers run without a dealer (they make the randomness with oblivious transfer). */
    private final BooleanProperty noDealer = new SimpleBooleanProperty();
    /** The id under which the open model is uploaded to the current cloud, or null. */
    private final StringProperty uploadedModelId = new SimpleStringProperty();
    private final ObjectProperty<SecureConfig> config = new SimpleObjectProperty<>(SecureConfig.DEFAULT);
    private final ObservableList<Run> runs = FXCollections.observableArrayList();
    private final Uploads uploads = new Uploads(this);
    private final Zoom zoom = new Zoom();

    public AppState() {
        model.addListener((o, was, now) -> uploadedModelId.set(null));
        cloud.addListener((o, was, now) -> uploadedModelId.set(null));
    }

    public ObjectProperty<OpenModel> modelProperty() {
        return model;
    }

    public ObjectProperty<CloudClient> cloudProperty() {
        return cloud;
    }

    public StringProperty cloudDescriptionProperty() {
        return cloudDescription;
    }

    /**
     * True while the connected servers run without a dealer: every query's correlated randomness is made by the
     * two servers themselves ({@code preprocessing=ot}); a dealer query would be refused.
     */
    public BooleanProperty noDealerProperty() {
        return noDealer;
    }

    public StringProperty uploadedModelIdProperty() {
        return uploadedModelId;
    }

    public ObjectProperty<SecureConfig> configProperty() {
        return config;
    }

    public ObservableList<Run> runs() {
        return runs;
    }

    /** The window's scale (text, pictures, charts). */
    public Zoom zoom() {
        return zoom;
    }

    /** The one way models reach the servers, for the Split and the Inference screens. */
    public Uploads uploads() {
        return uploads;
    }
}
