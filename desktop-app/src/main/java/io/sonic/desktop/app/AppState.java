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

import io.sonic.cloud.client.ModelCard;
import io.sonic.cloud.client.OwnerModel;
import io.sonic.engine.InputRange;
import io.sonic.model.ModelException;
import io.sonic.model.eval.FixedPoint;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What the screens share, as observable properties (changed on the FX thread only): the open model,
 * the cloud connection, the secure configuration and the history of secure runs.
 */
public final class AppState {
    /** A model opened in the app; {@code sampleDir} is its sample-models folder or null. */
    /**
     * The open model. {@code fractionBits} and {@code inputRange} are what it is shared with (from its card,
     * else the defaults: f = 16 and the largest safe symmetric range); {@code inputRange} is null when no
     * range is safe, and {@code rangeNote} then says why (otherwise where the range came from).
     */
    public record OpenModel(String name, Path file, Path sampleDir, ModelGraph graph, int fractionBits,
                            InputRange inputRange, String rangeNote) {

        /** A model opened with its card's choices (or the defaults). */
        public static OpenModel of(String name, Path file, Path sampleDir, ModelGraph graph) {
            OwnerModel owner = new OwnerModel(file, graph, ModelCard.beside(file));
            FixedPoint fp = owner.fixedPoint(null);
            try {
                OwnerModel.RangeChoice r = owner.range(fp, (InputRange) null, null);
                return new OpenModel(name, file, sampleDir, graph, fp.fractionBits(), r.range(), r.source());
            } catch (ModelException e) {
                return new OpenModel(name, file, sampleDir, graph, fp.fractionBits(), null, e.getMessage());
            }
        }

        /** The input range, or a ModelException saying why the model has none. */
        public InputRange requireRange() {
            if (inputRange == null) {
                throw new ModelException(rangeNote);
            }
            return inputRange;
        }
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
