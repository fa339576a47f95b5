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
    private int opset = 13;

    public static OnnxModels create() {
        return new OnnxModels();
    }

    public OnnxModels opset(int v) {
        opset = v;
        return this;
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

    public static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    public byte[] bytes() {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("sonic-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build().toByteArray();
    }

    private static ValueInfoProto valueInfo(String name, long... dims) {
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
}
