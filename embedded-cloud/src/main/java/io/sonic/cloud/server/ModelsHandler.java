package io.sonic.cloud.server;

import io.sonic.cloud.api.Deleted;
import io.sonic.cloud.api.ModelIds;
import io.sonic.cloud.api.ModelList;
import io.sonic.cloud.wire.UploadCodec;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * {@code /v1/models} and {@code /v1/models/{id}}: listing and information are public; uploading,
 * replacing and deleting need the cluster's upload credential and the model's owner token. An upload is
 * refused before its body is read when a quota or the number of concurrent uploads does not allow it.
 */
final class ModelsHandler extends JsonHandler {
    /** The header carrying the upload credential. */
    static final String CREDENTIAL_HEADER = "Sonic-Upload-Credential";

    private final CloudServer server;
    private final Semaphore uploads;

    ModelsHandler(CloudServer server) {
        this.server = server;
        this.uploads = new Semaphore(server.limits().maxConcurrentUploads());
    }

    @Override
    protected void route(Request request, Response response, Callback callback) {
        List<String> p = segments(request);
        ModelStore store = server.store();
        if (p.size() == 2) {
            allow(request, "here", "GET");
            Http.sendJson(response, callback, 200, new ModelList(store.all().stream().map(ModelStore.Stored::info)
                    .toList()));
            return;
        }
        if (p.size() != 3) {
            throw noSuchEndpoint(request);
        }
        String id = p.get(2);
        if (!ModelIds.valid(id)) {
            throw new ApiException(400, ModelIds.RULE);
        }
        allow(request, "on a model", "GET", "PUT", "DELETE");
        switch (request.getMethod()) {
            case "GET" -> {
                ModelStore.Stored m = store.get(id);
                if (m == null) {
                    throw new ApiException(404, "no model '" + id + "' on server " + server.party());
                }
                Http.sendJson(response, callback, 200, m.info());
            }
            case "PUT" -> put(request, response, callback, id, owner(request, id));
            default -> {
                String token = owner(request, id);
                store.delete(id, token);
                server.log().add("model '" + id + "' deleted");
                Http.sendJson(response, callback, 200, new Deleted(id));
            }
        }
    }

    /** Checks the upload credential and returns the owner token, refusing a token that does not own the model. */
    private String owner(Request request, String id) {
        String credential = request.getHeaders().get(CREDENTIAL_HEADER);
        if (credential == null || credential.isBlank()) {
            throw new ApiException(401, "uploading, replacing or deleting a model needs the cluster's upload"
                    + " credential (header " + CREDENTIAL_HEADER + "; sonic serve prints it)");
        }
        if (!Tokens.matches(credential.trim(), server.credentialHash())) {
            throw new ApiException(403, "wrong upload credential for server " + server.party());
        }
        String token = Http.bearer(request);
        if (token == null) {
            throw new ApiException(401, "model operations need the owner's token (Authorization: Bearer …)");
        }
        if (!server.store().ownedBy(id, token)) {
            throw new ApiException(403, "model '" + id + "' belongs to another owner token");
        }
        return token;
    }

    private void put(Request request, Response response, Callback callback, String id, String token) {
        ServerLimits limits = server.limits();
        if (request.getLength() > limits.maxModelBytes()) {
            throw new ApiException(413, "a model upload of " + request.getLength() + " bytes exceeds the limit of "
                    + limits.maxModelBytes() + " bytes per model on server " + server.party()
                    + " (start it with a larger --max-model-mb)");
        }
        server.store().checkQuota(id, request.getLength());
        if (!uploads.tryAcquire()) {
            throw ApiException.busy("server " + server.party() + " is storing " + limits.maxConcurrentUploads()
                    + " other uploads; retry in a few seconds", 5);
        }
        boolean existed = server.store().get(id) != null;
        withBody(request, response, callback, limits.maxModelBytes(), limits, body -> {
            UploadCodec.Upload up = UploadCodec.decode(body, server.party());
            ModelStore.Stored m = server.store().put(id, token, up);
            server.log().add("model '" + id + "' " + (existed ? "replaced" : "stored") + " (" + m.bytes()
                    + " bytes, input range " + m.info().inputRange() + ")");
            Http.sendJson(response, callback, existed ? 200 : 201, m.info());
        }, uploads::release);
    }
}
