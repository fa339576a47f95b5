package io.sonic.cloud.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonic.engine.InferenceResult;

/**
 * The traffic part of a secure result as JSON, the same for {@code sonic infer --json} and the
 * desktop app's export: online {bytes, rounds, messages, wireBytes}, offline {bytes}, millis,
 * onlineMillis and per layer {index, name, op, protocol, bytes, rounds, wireBytes, offlineBytes, millis}.
 */
public final class ResultJson {
    private ResultJson() {
    }

    public static void putTraffic(ObjectNode o, InferenceResult r) {
        ObjectNode on = o.putObject("online");
        on.put("bytes", r.online().bytes());
        on.put("rounds", r.online().rounds());
        on.put("messages", r.online().messages());
        on.put("wireBytes", r.wireBytes());
        o.putObject("offline").put("bytes", r.offlineBytes());
        o.put("millis", r.nanos() / 1e6);
        o.put("onlineMillis", r.onlineNanos() / 1e6);
        ArrayNode layers = o.putArray("layers");
        for (InferenceResult.LayerStat st : r.layers()) {
            ObjectNode l = layers.addObject();
            l.put("index", st.index());
            l.put("name", st.name());
            l.put("op", st.op());
            l.put("protocol", st.protocol().label());
            l.put("protocolId", st.protocol().code());
            l.put("bytes", st.online().bytes());
            l.put("rounds", st.online().rounds());
            l.put("wireBytes", st.wireBytes());
            l.put("offlineBytes", st.offlineBytes());
            l.put("millis", st.nanos() / 1e6);
        }
    }
}
