package io.sonic.cloud.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonic.engine.InferenceResult;

/**
 * The traffic part of a secure result as JSON, the same for {@code sonic infer --json} and the
 * desktop app's export: online {bytes, rounds, messages, wireBytes}, offline {bytes (from the dealer),
 * betweenServers {bytes, rounds, millis} (without a dealer: what the servers sent each other to make it)}, millis,
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
        ObjectNode off = o.putObject("offline");
        off.put("bytes", r.offlineBytes());
        if (r.preprocessing() != null && r.preprocessing().bytes() > 0) {
            ObjectNode b = off.putObject("betweenServers");
            b.put("bytes", r.preprocessing().bytes());
            b.put("rounds", r.preprocessing().rounds());
            b.put("millis", r.offlineNanos() / 1e6);
        }
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
