package io.sonic.model.onnx;

import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.ReluLayer;
import io.sonic.model.onnx.proto.OnnxProto.AttributeProto;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LeakyRelu and Clip (ReLU6, Hardtanh, clamps) built from ReLUs, scales and additions: the same values. */
class ReluFamilyTest {
    private static final float[] X = {-7f, -2.5f, -1f, -0.25f, 0f, 0.3f, 1f, 2.5f, 5.9f, 6f, 6.5f, 12f};

    /** x [1,2,2,3] → op → y, optional constant inputs named "lo", "hi" (null: left out). */
    private static ModelGraph model(long opset, String op, Float lo, Float hi, AttributeProto... attrs) {
        OnnxModels m = OnnxModels.create().opset(opset).input("x", 1, 2, 2, 3).output("y", 1, 2, 2, 3);
        String[] in = lo == null && hi == null ? new String[] {"x"} : hi == null ? new String[] {"x", "lo"}
                : new String[] {"x", lo == null ? "" : "lo", "hi"};
        if (lo != null) {
            m.initializer(OnnxModels.tensor("lo", new float[] {lo}));
        }
        if (hi != null) {
            m.initializer(OnnxModels.tensor("hi", new float[] {hi}));
        }
        m.node(op, "act", in, new String[] {"y"}, attrs);
        return OnnxImporter.read(m.bytes(), "r.onnx", OnnxImporter.Options.DEFAULT);
    }

    private static void same(ModelGraph g, DoubleUnaryOperator f, String what) {
        float[] y = new FloatEvaluator(g).run(X).values();
        for (int i = 0; i < X.length; i++) {
            assertEquals(f.applyAsDouble(X[i]), y[i], 1e-6, what + " at " + X[i]);
        }
    }

    private static long relus(ModelGraph g) {
        return g.layers().stream().filter(l -> l instanceof ReluLayer).count();
    }

    @Test
    void leakyReluIsAlphaXPlusTheRestOfAReluAtEveryValue() {
        ModelGraph g = model(13, "LeakyRelu", null, null, OnnxModels.floatAttr("alpha", 0.2f));
        same(g, x -> x >= 0 ? x : 0.2 * x, "LeakyRelu(0.2)");
        assertEquals(1, relus(g));
        same(model(13, "LeakyRelu", null, null), x -> x >= 0 ? x : 0.01 * x, "LeakyRelu, default slope 0.01");
        assertTrue(g.layers().stream().map(Layer::sourceOp).allMatch("LeakyRelu"::equals));
    }

    @Test
    void clipInBothOpsetFormsWithEitherBoundOrBoth() {
        same(model(13, "Clip", 0f, 6f), x -> Math.min(Math.max(x, 0), 6), "ReLU6");
        same(model(13, "Clip", -1f, 1f), x -> Math.min(Math.max(x, -1), 1), "Hardtanh");
        same(model(13, "Clip", -0.5f, null), x -> Math.max(x, -0.5), "clamp from below");
        same(model(13, "Clip", null, 2.5f), x -> Math.min(x, 2.5), "clamp from above");
        same(model(6, "Clip", null, null, OnnxModels.floatAttr("min", 0f), OnnxModels.floatAttr("max", 6f)),
                x -> Math.min(Math.max(x, 0), 6), "ReLU6, opset 6 attributes");
        ModelGraph relu6 = model(13, "Clip", 0f, 6f);
        assertEquals(2, relus(relu6), "a ReLU for each bound");
        assertEquals(1, relus(model(13, "Clip", 0f, null)), "Clip(x, 0) is a ReLU");
        assertEquals(1, model(13, "Clip", 0f, null).layers().size());
    }

    @Test
    void badBoundsAreRefused() {
        ModelException e = assertThrows(ModelException.class, () -> model(13, "Clip", 3f, 1f));
        assertTrue(e.getMessage().contains("node 'act' (Clip)") && e.getMessage().contains("clips to [3.0, 1.0]"),
                e.getMessage());
        e = assertThrows(ModelException.class, () -> model(13, "LeakyRelu", null, null,
                OnnxModels.floatAttr("alpha", Float.NaN)));
        assertTrue(e.getMessage().contains("attribute 'alpha' must be a finite float, got NaN"), e.getMessage());
    }
}
