package io.sonic.model.onnx;

import io.sonic.model.ModelException;
import io.sonic.model.onnx.proto.OnnxProto.AttributeProto;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;

import java.util.HashMap;
import java.util.Map;

/** Typed access to a node's attributes, with errors that name the node. */
final class Attributes {
    private final NodeProto node;
    private final String where;
    private final Map<String, AttributeProto> byName = new HashMap<>();

    Attributes(NodeProto node, String where) {
        this.node = node;
        this.where = where;
        for (AttributeProto a : node.getAttributeList()) {
            byName.put(a.getName(), a);
        }
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    long getInt(String name, long dflt) {
        AttributeProto a = byName.get(name);
        return a == null ? dflt : a.getI();
    }

    float getFloat(String name, float dflt) {
        AttributeProto a = byName.get(name);
        return a == null ? dflt : a.getF();
    }

    String getString(String name, String dflt) {
        AttributeProto a = byName.get(name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    /** Integer list attribute, or {@code dflt} (may be null) when absent. */
    int[] getInts(String name, int[] dflt) {
        AttributeProto a = byName.get(name);
        if (a == null) {
            return dflt;
        }
        int[] r = new int[a.getIntsCount()];
        for (int i = 0; i < r.length; i++) {
            long v = a.getInts(i);
            if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                throw new ModelException(where + ": attribute '" + name + "' value " + v + " is out of range");
            }
            r[i] = (int) v;
        }
        return r;
    }

    float[] getFloats(String name) {
        AttributeProto a = byName.get(name);
        if (a == null) {
            return null;
        }
        float[] r = new float[a.getFloatsCount()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.getFloats(i);
        }
        return r;
    }

    AttributeProto get(String name) {
        return byName.get(name);
    }

    NodeProto node() {
        return node;
    }
}
