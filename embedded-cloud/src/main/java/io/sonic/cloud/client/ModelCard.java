package io.sonic.cloud.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sonic.engine.InputRange;
import io.sonic.model.ModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The model card ({@code card.json}) beside a model file, as the sample models ship it: the fields the
 * owner's and the user's side read. Other fields are ignored.
 *
 * @param onnx          the model file it describes (relative to the card)
 * @param inputRange    the public range of the model's inputs (e.g. [0, 1] for pixels / 255)
 * @param fractionBits  fixed-point fraction bits the model needs, or null for the default
 * @param classes       class names, index by index, or null
 * @param randomWeights whether the weights are random (no meaningful accuracy)
 * @param scale         for image models, the input value of one step of a 0–255 pixel (1/255 for pixels / 255),
 *                      or null
 */
public record ModelCard(String name, String onnx, InputRange inputRange, Integer fractionBits, List<String> classes,
                        Boolean randomWeights, Double scale) {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** The card beside {@code model} that describes it, if there is one. */
    public static Optional<ModelCard> beside(Path model) {
        Path dir = model.toAbsolutePath().getParent();
        if (dir == null) {
            return Optional.empty();
        }
        Path file = dir.resolve("card.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        ModelCard c;
        try {
            c = JSON.readValue(file.toFile(), ModelCard.class);
        } catch (IOException | RuntimeException e) {
            throw new ModelException("the model card " + file + " cannot be read: " + e.getClass().getSimpleName()
                    + "; fix or remove it");
        }
        if (c.onnx() != null && !c.onnx().equals(model.getFileName().toString())) {
            return Optional.empty();
        }
        return Optional.of(c);
    }
}
