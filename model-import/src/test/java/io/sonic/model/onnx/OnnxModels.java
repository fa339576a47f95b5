package io.sonic.model.onnx;

import io.sonic.model.onnx.proto.OnnxProto.AttributeProto;
import io.sonic.model.onnx.proto.OnnxProto.GraphProto;
import io.sonic.model.onnx.proto.OnnxProto.ModelProto;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;
import io.sonic.model.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorShapeProto;
import io.sonic.model.onnx.proto.OnnxProto.TypeProto;
import io.sonic.model.onnx.proto.OnnxProto.ValueInfoProto;

import java.util.Random;

/** Builds small ONNX models in tests. */
public final class OnnxModels {
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
    private long opset = 13;
    private String producer = "sonic-tests";

    public static OnnxModels create() {
        return new OnnxModels();
    }

    public OnnxModels opset(long v) {
        opset = v;
        return this;
    }

    public OnnxModels producer(String name) {
        producer = name;
        return this;
    }

    /** Any tensor as an initializer (its name set on it). */
    public OnnxModels initializer(TensorProto t) {
        graph.addInitializer(t);
        return this;
    }

    /** Any value as a graph input. */
    public OnnxModels input(ValueInfoProto v) {
        graph.addInput(v);
        return this;
    }

    /** Any node. */
    public OnnxModels node(NodeProto n) {
        graph.addNode(n);
        return this;
    }

    /** The graph so far, for tests that edit it further. */
    public GraphProto.Builder graph() {
        return graph;
    }

    /** A float input; a dimension of -1 is written as the symbolic dimension "N", of -2 as "H". */
    public OnnxModels input(String name, long... dims) {
        graph.addInput(valueInfo(name, dims));
        return this;
    }

    public OnnxModels output(String name, long... dims) {
        graph.addOutput(valueInfo(name, dims));
        return this;
    }

    public OnnxModels weight(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        graph.addInitializer(t);
        return this;
    }

    /** A weight with seeded pseudo-random values in [-1, 1) (test data, not key material). */
    public OnnxModels randomWeight(String name, long seed, long... dims) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return weight(name, v, dims);
    }

    public OnnxModels node(String op, String name, String[] inputs, String[] outputs, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (String o : outputs) {
            n.addOutput(o);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return this;
    }

    public static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    public static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    public static AttributeProto stringAttr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }

    public static AttributeProto tensorAttr(String name, TensorProto t) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(t).build();
    }

    /** A float tensor (not added to the graph). */
    public static TensorProto tensor(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    /** An int64 tensor (not added to the graph). */
    public static TensorProto longs(String name, long[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    /** An int64 vector initializer, as shapes, axes and pads are given. */
    public OnnxModels intWeight(String name, long... values) {
        return initializer(longs(name, values, values.length));
    }

    public static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    public byte[] bytes() {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName(producer)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build().toByteArray();
    }

    public static ValueInfoProto valueInfo(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            if (d == -1) {
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
            } else if (d == -2) {
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("H"));
            } else {
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    /**
     * The float evaluator's output for {@code x}, after checking that the fixed-point evaluator (f = 16) decodes to
     * within {@code tolerance} of it on every element.
     */
    public static float[] runBoth(io.sonic.model.ModelGraph g, float[] x, double tolerance) {
        float[] y = new io.sonic.model.eval.FloatEvaluator(g).run(x).values();
        double[] fixed = new io.sonic.model.eval.FixedPointEvaluator(g, new io.sonic.model.eval.FixedPoint(16))
                .runDecoded(x);
        for (int i = 0; i < y.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(y[i], fixed[i], tolerance, "fixed point, element " + i);
        }
        return y;
    }
}
