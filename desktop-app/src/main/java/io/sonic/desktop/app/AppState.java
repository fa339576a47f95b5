package io.sonic.desktop.app;

import io.sonic.cloud.client.CloudClient;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SecureConfig;
import io.sonic.model.ModelGraph;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What the screens share, as observable properties (changed on the FX thread only): the open model,
 * the cloud connection, the secure configuration and the history of secure runs.
 */
public final class AppState {
    /** A model opened in the app; {@code sampleDir} is its sample-models folder or null. */
    public record OpenModel(String name, Path file, Path sampleDir, ModelGraph graph) {
    }

    /** One finished secure query, with the float model's answer beside it. */
    public record Run(String model, SecureConfig config, InferenceResult result, float[] plain, int plainLabel,
                      Instant at) {
    }

    private final ObjectProperty<OpenModel> model = new SimpleObjectProperty<>();
    private final ObjectProperty<CloudClient> cloud = new SimpleObjectProperty<>();
    private final StringProperty cloudDescription = new SimpleStringProperty("no servers");
    /** The id under which the open model is uploaded to the current cloud, or null. */
    private final StringProperty uploadedModelId = new SimpleStringProperty();
    private final ObjectProperty<SecureConfig> config = new SimpleObjectProperty<>(SecureConfig.DEFAULT);
    private final ObservableList<Run> runs = FXCollections.observableArrayList();

    public ObjectProperty<OpenModel> modelProperty() {
        return model;
    }

    public ObjectProperty<CloudClient> cloudProperty() {
        return cloud;
    }

    public StringProperty cloudDescriptionProperty() {
        return cloudDescription;
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
}
