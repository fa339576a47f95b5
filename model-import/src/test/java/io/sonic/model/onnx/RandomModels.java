package io.sonic.model.onnx;

import io.sonic.model.onnx.proto.OnnxProto.AttributeProto;
import io.sonic.model.onnx.proto.OnnxProto.ModelProto;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small random models made of the ops Sonic supports, with random but mostly valid attributes:
 * the corpus that the fuzzer mutates and the base of its hostile variants. Deterministic for a given
 * {@link Random}.
 */
final class RandomModels {
    private final Random r;
    private final OnnxModels m = OnnxModels.create();
    private int[] shape;
    private String current = "x";
    private int counter;
    private final java.util.Map<String, int[]> activations = new java.util.LinkedHashMap<>();

    private RandomModels(Random r) {
        this.r = r;
    }

    /** A model of up to {@code maxOps} ops on an input of rank 2, 3 or 4. */
    static ModelProto model(Random r, int maxOps) {
        RandomModels g = new RandomModels(r);
        return g.build(1 + r.nextInt(maxOps));
    }

    private ModelProto build(int ops) {
        int kind = r.nextInt(3);
        shape = switch (kind) {
            case 0 -> new int[] {1, 1 + r.nextInt(24)};
            case 1 -> new int[] {1, 1 + r.nextInt(4), 1 + r.nextInt(12)};
            default -> new int[] {1, 1 + r.nextInt(4), 1 + r.nextInt(10), 1 + r.nextInt(10)};
        };
        long[] dims = new long[shape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i == 0 && r.nextBoolean() ? -1 : shape[i];
        }
        m.input("x", dims);
        activations.put("x", shape);
        for (int i = 0; i < ops; i++) {
            step();
        }
        m.node("Identity", "out", new String[] {current}, new String[] {"y"});
        long[] out = new long[shape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = shape[i];
        }
        m.output("y", out);
        m.opset(r.nextInt(10) == 0 ? 11 + r.nextInt(11) : 13);
        try {
            return ModelProto.parseFrom(m.bytes());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private String name(String base) {
        return base + "_" + counter++;
    }

    private String weight(int... dims) {
        String n = name("w");
        long[] d = new long[dims.length];
        int size = 1;
        for (int i = 0; i < dims.length; i++) {
            d[i] = dims[i];
            size *= dims[i];
        }
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (r.nextGaussian() * 0.5);
        }
        m.weight(n, v, d);
        return n;
    }

    private String positive(int n) {
        String w = name("v");
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.5f + r.nextFloat();
        }
        m.weight(w, v, n);
        return w;
    }

    private void emit(String op, String[] inputs, int[] newShape, AttributeProto... attrs) {
        String out = name(op.toLowerCase());
        m.node(op, name(op), inputs, new String[] {out}, attrs);
        current = out;
        shape = newShape;
        activations.put(out, newShape);
    }

    private String[] in(String... rest) {
        String[] a = new String[rest.length + 1];
        a[0] = current;
        System.arraycopy(rest, 0, a, 1, rest.length);
        return a;
    }

    private int[] perChannelShape() {
        int[] s = new int[shape.length - 1];
        java.util.Arrays.fill(s, 1);
        s[0] = shape[1];
        return r.nextBoolean() || shape.length == 2 ? s : new int[] {1};
    }

    private void step() {
        int rank = shape.length;
        int choice = r.nextInt(12);
        switch (choice) {
            case 0 -> emit("Relu", in(), shape);
            case 1 -> {
                int[] cs = perChannelShape();
                String op = new String[] {"Add", "Sub", "Mul", "Div"}[r.nextInt(4)];
                String c = op.equals("Div") ? positive(Math.max(1, cs[0])) : weight(cs.length == 1 && cs[0] == 1
                        ? new int[] {1} : cs);
                if (op.equals("Div") && cs.length > 1) {
                    c = reshaped(c, cs);
                }
                boolean constFirst = !op.equals("Div") && r.nextInt(3) == 0;
                emit(op, constFirst ? new String[] {c, current} : in(c), shape);
            }
            case 2 -> {
                if (rank == 2) {
                    gemmOrMatMul();
                } else {
                    conv();
                }
            }
            case 3 -> {
                if (rank >= 3) {
                    pool();
                } else {
                    gemmOrMatMul();
                }
            }
            case 4 -> {
                if (rank >= 2) {
                    int c = shape[1];
                    emit("BatchNormalization", in(weight(c), weight(c), weight(c), positive(c)), shape,
                            OnnxModels.floatAttr("epsilon", 1e-5f));
                }
            }
            case 5 -> {
                int size = 1;
                for (int d : shape) {
                    size *= d;
                }
                emit("Flatten", in(), new int[] {1, size});
            }
            case 6 -> {
                if (rank >= 3 && r.nextBoolean()) {
                    emit("GlobalAveragePool", in(), globalShape());
                } else {
                    emit("Identity", in(), shape);
                }
            }
            case 7 -> pad();
            case 8 -> residual();
            case 9 -> {
                String c = name("c");
                m.node("Constant", name("Constant"), new String[0], new String[] {c},
                        OnnxModels.tensorAttr("value", OnnxModels.tensor("t", new float[] {r.nextFloat()}, 1)));
                emit("Add", in(c), shape);
            }
            case 10 -> constantSubgraph();
            default -> emit("Dropout", in(), shape);
        }
    }

    private String reshaped(String c, int[] cs) {
        String shapeName = name("shape");
        long[] d = new long[cs.length];
        for (int i = 0; i < cs.length; i++) {
            d[i] = cs[i];
        }
        m.intWeight(shapeName, d);
        String out = name("reshaped");
        m.node("Reshape", name("Reshape"), new String[] {c, shapeName}, new String[] {out});
        return out;
    }

    private int[] globalShape() {
        int[] s = shape.clone();
        for (int i = 2; i < s.length; i++) {
            s[i] = 1;
        }
        return s;
    }

    private void gemmOrMatMul() {
        int k = shape[1];
        int n = 1 + r.nextInt(16);
        if (r.nextBoolean()) {
            boolean transB = r.nextBoolean();
            String w = transB ? weight(n, k) : weight(k, n);
            List<String> ins = new ArrayList<>(List.of(current, w));
            if (r.nextBoolean()) {
                ins.add(weight(n));
            }
            emit("Gemm", ins.toArray(new String[0]), new int[] {shape[0], n}, OnnxModels.intAttr("transB", transB ? 1 : 0),
                    OnnxModels.floatAttr("alpha", r.nextBoolean() ? 1f : 0.5f));
        } else {
            emit("MatMul", in(weight(k, n)), new int[] {shape[0], n});
        }
    }

    private void conv() {
        int c = shape[1];
        int d = shape.length - 2;
        int group = c > 1 && r.nextInt(3) == 0 ? c : 1;
        int m2 = group * (1 + r.nextInt(3));
        int[] kernel = new int[d];
        int[] pads = new int[2 * d];
        int[] strides = new int[d];
        int[] out = new int[shape.length];
        out[0] = shape[0];
        out[1] = m2;
        for (int i = 0; i < d; i++) {
            kernel[i] = 1 + r.nextInt(Math.min(3, shape[2 + i]));
            pads[i] = r.nextInt(kernel[i]);
            pads[i + d] = r.nextInt(kernel[i]);
            strides[i] = 1 + r.nextInt(2);
            out[2 + i] = (shape[2 + i] + pads[i] + pads[i + d] - kernel[i]) / strides[i] + 1;
        }
        int[] wShape = new int[shape.length];
        wShape[0] = m2;
        wShape[1] = c / group;
        System.arraycopy(kernel, 0, wShape, 2, d);
        List<String> ins = new ArrayList<>(List.of(current, weight(wShape)));
        if (r.nextBoolean()) {
            ins.add(weight(m2));
        }
        emit("Conv", ins.toArray(new String[0]), out, OnnxModels.ints("pads", toLongs(pads)),
                OnnxModels.ints("strides", toLongs(strides)), OnnxModels.intAttr("group", group));
    }

    private void pool() {
        int d = shape.length - 2;
        int[] kernel = new int[d];
        int[] pads = new int[2 * d];
        int[] out = shape.clone();
        for (int i = 0; i < d; i++) {
            kernel[i] = 1 + r.nextInt(Math.min(3, shape[2 + i]));
            pads[i] = r.nextInt(kernel[i]);
            pads[i + d] = r.nextInt(kernel[i]);
            out[2 + i] = shape[2 + i] + pads[i] + pads[i + d] - kernel[i] + 1;
        }
        boolean max = r.nextBoolean();
        emit(max ? "MaxPool" : "AveragePool", in(), out, OnnxModels.ints("kernel_shape", toLongs(kernel)),
                OnnxModels.ints("pads", toLongs(pads)), OnnxModels.intAttr(max ? "storage_order" : "count_include_pad",
                        r.nextInt(2)));
    }

    private void pad() {
        long[] pads = new long[2 * shape.length];
        int[] out = shape.clone();
        for (int i = 1; i < shape.length; i++) {
            pads[i] = r.nextInt(3);
            pads[i + shape.length] = r.nextInt(3);
            out[i] += (int) (pads[i] + pads[i + shape.length]);
        }
        String p = name("pads");
        m.intWeight(p, pads);
        emit("Pad", in(p), out);
    }

    private void residual() {
        List<String> same = new ArrayList<>();
        activations.forEach((n, s) -> {
            if (java.util.Arrays.equals(s, shape)) {
                same.add(n);
            }
        });
        String other = same.get(r.nextInt(same.size()));
        emit("Relu", in(), shape);
        String a = current;
        emit(r.nextBoolean() ? "Add" : "Sub", new String[] {a, other}, shape);
    }

    /** Weights computed from weights, as exporters leave them: products, transposes, a normalisation. */
    private void constantSubgraph() {
        if (shape.length != 2) {
            emit("Relu", in(), shape);
            return;
        }
        int k = shape[1];
        int n = 1 + r.nextInt(8);
        String w = weight(k, n);
        String mu = weight(k);
        String sd = positive(k);
        String scaled = name("scaled");
        m.node("Div", name("Div"), new String[] {mu, sd}, new String[] {scaled});
        String shift = name("shift");
        m.node("MatMul", name("MatMul"), new String[] {scaled, w}, new String[] {shift});
        String relu = name("relu");
        m.node("Relu", name("Relu"), new String[] {shift}, new String[] {relu});
        emit("MatMul", in(w), new int[] {shape[0], n});
        emit("Sub", in(relu), shape);
    }

    private static long[] toLongs(int[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = v[i];
        }
        return l;
    }
}
