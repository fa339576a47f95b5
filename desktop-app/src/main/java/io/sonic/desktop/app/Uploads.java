package io.sonic.desktop.app;

import io.sonic.cloud.api.ModelIds;
import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.CloudException;
import io.sonic.engine.ModelShare;
import io.sonic.model.eval.FixedPoint;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Uploads of the open model, the same for the Split screen (which sends the shares it shows) and the
 * Inference screen (which splits afresh when the servers lack the model): the model id is
 * {@link #modelId(OpenModel)}, and the owner token is drawn once per cluster and id in this session,
 * so that a second upload replaces the first instead of being refused. When the id belongs to another
 * owner (the servers keep models across sessions), the model goes up under a free id beside it.
 */
public final class Uploads {
    private final AppState state;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private final Map<String, String> ownerTokens = new ConcurrentHashMap<>();
    /** The id each model was last uploaded under, per cluster, when its own name was taken. */
    private final Map<String, String> ids = new ConcurrentHashMap<>();

    Uploads(AppState state) {
        this.state = state;
    }

    /** The id a model is uploaded under: its name with the characters a model id cannot hold replaced. */
    public static String modelId(OpenModel m) {
        return ModelIds.from(m.name());
    }

    /**
     * Uploads {@code shares} (or, when null, a fresh split) of {@code model} to both servers; blocks, so
     * call it off the UI thread, then record the outcome on the UI thread with {@link #uploaded}.
     */
    public CloudClient.Upload upload(CloudClient client, OpenModel model, ModelShare[] shares) {
        ModelShare[] s = shares != null ? shares : CloudClient.split(model.graph(),
                new FixedPoint(model.fractionBits()));
        String base = modelId(model);
        String id = ids.getOrDefault(key(client, model), base);
        for (int attempt = 0; ; attempt++) {
            String token = ownerTokens.computeIfAbsent(client.caFingerprint() + "/" + id, k -> CloudClient.newToken());
            try {
                CloudClient.Upload u = client.upload(model.graph(), id, token, s, model.requireRange());
                ids.put(key(client, model), id);
                return u;
            } catch (CloudException e) {
                // the id is taken by another owner (another session of this app, another user): never reuse
                // their upload, whose weights are unknown; take a free id next to it
                if (e.status() != 403 || attempt >= 3) {
                    throw e;
                }
                id = suffixed(base);
            }
        }
    }

    /** "mnist-m2-3f9a": the model's id with a random suffix, within the id's length limit. */
    static String suffixed(String base) {
        String tail = "-" + Integer.toHexString(0x10000 | RANDOM.nextInt(0x10000)).substring(1);
        return ModelIds.from(base.substring(0, Math.min(base.length(), 64 - tail.length())) + tail);
    }

    private static String key(CloudClient client, OpenModel m) {
        return client.caFingerprint() + "/" + m.key();
    }

    /** Records a finished upload (UI thread), if its model and servers are still the open ones. */
    public void uploaded(CloudClient client, OpenModel model, CloudClient.Upload u) {
        if (state.modelProperty().get() == model && state.cloudProperty().get() == client) {
            state.uploadedModelIdProperty().set(u.modelId());
        }
    }

    /** The upload id of the open model on the open servers, or null when it is not uploaded there. */
    public String current() {
        return state.uploadedModelIdProperty().get();
    }
}
