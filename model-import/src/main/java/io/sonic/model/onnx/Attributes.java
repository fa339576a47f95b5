package io.sonic.model.onnx;

import io.sonic.model.ModelException;
import io.sonic.model.Names;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.onnx.proto.OnnxProto.AttributeProto;
import io.sonic.model.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to a node's attributes. Each getter checks the attribute's declared type
 * ({@link AttributeProto#getType()}) against the one the op expects, and the range or the allowed
 * values, with a message naming the node, the attribute and what was expected, e.g. "node 'fc'
 * (Gemm): attribute 'transB' must be an integer 0 or 1, got a string". The attributes an op reads
 * are remembered: {@link #checkAllRead()} refuses any other, so that an attribute Sonic does not
 * know cannot silently change what a node computes.
 */
final class Attributes {
    private final String where;
    private final String op;
    private final Map<String, AttributeProto> byName = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    Attributes(NodeProto node, String where) {
        this.where = where;
        this.op = node.getOpType();
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().isEmpty()) {
                throw new ModelException(where + " has an attribute without a name; the file may be damaged");
            }
            if (byName.put(a.getName(), a) != null) {
                throw new ModelException(where + " gives the attribute " + Names.quote(a.getName())
                        + " twice; the file may be damaged");
            }
            if (!a.getRefAttrName().isEmpty()) {
                throw new UnsupportedModelException(where + ": attribute " + Names.quote(a.getName())
                        + " refers to an attribute of an enclosing function, which Sonic does not read");
            }
        }
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    /** An integer attribute, or {@code dflt} when absent. */
    long getInt(String name, long dflt) {
        AttributeProto a = typed(name, AttributeType.INT);
        return a == null ? dflt : a.getI();
    }

    /** An integer attribute that must lie in [min, max]. */
    long getInt(String name, long dflt, long min, long max) {
        long v = getInt(name, dflt);
        if (v < min || v > max) {
            throw invalid(name, "an integer from " + min + " to " + max, String.valueOf(v));
        }
        return v;
    }

    /** An integer attribute that must be 0 or 1. */
    boolean getBool(String name, boolean dflt) {
        AttributeProto a = byName.get(name);
        if (a != null && typeOf(a) != AttributeType.INT) {
            read.add(name);
            throw invalid(name, "an integer 0 or 1", describe(a));
        }
        long v = getInt(name, dflt ? 1 : 0);
        if (v != 0 && v != 1) {
            throw invalid(name, "an integer 0 or 1", String.valueOf(v));
        }
        return v == 1;
    }

    /** A finite float attribute, or {@code dflt} when absent. */
    float getFloat(String name, float dflt) {
        AttributeProto a = typed(name, AttributeType.FLOAT);
        if (a == null) {
            return dflt;
        }
        if (!Float.isFinite(a.getF())) {
            throw invalid(name, "a finite float", String.valueOf(a.getF()));
        }
        return a.getF();
    }

    /** A string attribute, or {@code dflt} when absent; when {@code allowed} is given it must be one of them. */
    String getString(String name, String dflt, String... allowed) {
        AttributeProto a = typed(name, AttributeType.STRING);
        String v = a == null ? dflt : a.getS().toStringUtf8();
        if (allowed.length > 0 && !Arrays.asList(allowed).contains(v)) {
            throw invalid(name, "one of " + String.join(", ", allowed), Names.quote(v));
        }
        return v;
    }

    /** An integer list attribute, or {@code dflt} (may be null) when absent; every value fits an int. */
    int[] getInts(String name, int[] dflt) {
        return getInts(name, dflt, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** An integer list attribute whose every value lies in [min, max]. */
    int[] getInts(String name, int[] dflt, long min, long max) {
        AttributeProto a = typed(name, AttributeType.INTS);
        if (a == null) {
            return dflt;
        }
        int[] r = new int[a.getIntsCount()];
        for (int i = 0; i < r.length; i++) {
            long v = a.getInts(i);
            if (v < min || v > max) {
                throw invalid(name, "a list of integers from " + min + " to " + max, v + " at position " + i);
            }
            r[i] = (int) v;
        }
        return r;
    }

    /** A float list attribute (every value finite), or null when absent. */
    float[] getFloats(String name) {
        AttributeProto a = typed(name, AttributeType.FLOATS);
        if (a == null) {
            return null;
        }
        float[] r = new float[a.getFloatsCount()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.getFloats(i);
            if (!Float.isFinite(r[i])) {
                throw invalid(name, "a list of finite floats", r[i] + " at position " + i);
            }
        }
        return r;
    }

    /** A tensor attribute, or null when absent. */
    TensorProto getTensor(String name) {
        AttributeProto a = typed(name, AttributeType.TENSOR);
        return a == null ? null : a.getT();
    }

    /** An attribute that does not change the inference result; only its type is checked. */
    void ignore(String name, AttributeType type) {
        typed(name, type);
    }

    /** Refuses any attribute that no getter asked for. */
    void checkAllRead() {
        for (String name : byName.keySet()) {
            if (!read.contains(name)) {
                throw new UnsupportedModelException(where + " has the attribute " + Names.quote(name) + ", which "
                        + Names.clean(op) + " does not have in the opset this model uses or which Sonic does not"
                        + " read; remove it or re-export the model");
            }
        }
    }

    /** The attribute (marked as read) if present, after checking that its type is {@code expected}. */
    private AttributeProto typed(String name, AttributeType expected) {
        AttributeProto a = byName.get(name);
        if (a == null) {
            return null;
        }
        read.add(name);
        AttributeType actual = typeOf(a);
        if (actual == expected) {
            if (!isList(expected) && !holds(a, expected)) {
                throw invalid(name, article(expected), "an attribute without a value");
            }
            return a;
        }
        if (actual == AttributeType.UNDEFINED && isList(expected) && isEmpty(a)) {
            return a;
        }
        throw invalid(name, article(expected), describe(a));
    }

    private ModelException invalid(String name, String expected, String got) {
        return new ModelException(where + ": attribute " + Names.quote(name) + " must be " + expected + ", got " + got);
    }

    /** The declared type, or for files that leave it out the one field that holds a value. */
    private static AttributeType typeOf(AttributeProto a) {
        if (a.hasType() && a.getType() != AttributeType.UNDEFINED) {
            return a.getType();
        }
        AttributeType found = AttributeType.UNDEFINED;
        int fields = 0;
        for (AttributeType t : AttributeType.values()) {
            if (t != AttributeType.UNDEFINED && holds(a, t)) {
                found = t;
                fields++;
            }
        }
        return fields == 1 ? found : AttributeType.UNDEFINED;
    }

    /** Whether the field of type {@code t} is set (for a list: not empty). */
    private static boolean holds(AttributeProto a, AttributeType t) {
        return switch (t) {
            case FLOAT -> a.hasF();
            case INT -> a.hasI();
            case STRING -> a.hasS();
            case TENSOR -> a.hasT();
            case GRAPH -> a.hasG();
            case SPARSE_TENSOR -> a.hasSparseTensor();
            case TYPE_PROTO -> a.hasTp();
            case FLOATS -> a.getFloatsCount() > 0;
            case INTS -> a.getIntsCount() > 0;
            case STRINGS -> a.getStringsCount() > 0;
            case TENSORS -> a.getTensorsCount() > 0;
            case GRAPHS -> a.getGraphsCount() > 0;
            case SPARSE_TENSORS -> a.getSparseTensorsCount() > 0;
            case TYPE_PROTOS -> a.getTypeProtosCount() > 0;
            case UNDEFINED -> false;
        };
    }

    private static boolean isList(AttributeType t) {
        return switch (t) {
            case FLOATS, INTS, STRINGS, TENSORS, GRAPHS, SPARSE_TENSORS, TYPE_PROTOS -> true;
            default -> false;
        };
    }

    private static boolean isEmpty(AttributeProto a) {
        for (AttributeType t : AttributeType.values()) {
            if (holds(a, t)) {
                return false;
            }
        }
        return true;
    }

    private static String describe(AttributeProto a) {
        return article(typeOf(a));
    }

    private static String article(AttributeType t) {
        return switch (t) {
            case FLOAT -> "a float";
            case INT -> "an integer";
            case STRING -> "a string";
            case TENSOR -> "a tensor";
            case GRAPH -> "a graph";
            case SPARSE_TENSOR -> "a sparse tensor";
            case TYPE_PROTO -> "a type";
            case FLOATS -> "a list of floats";
            case INTS -> "a list of integers";
            case STRINGS -> "a list of strings";
            case TENSORS -> "a list of tensors";
            case GRAPHS -> "a list of graphs";
            case SPARSE_TENSORS -> "a list of sparse tensors";
            case TYPE_PROTOS -> "a list of types";
            case UNDEFINED -> "an attribute of no declared type";
        };
    }
}
