package io.sonic.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonic.cloud.client.OwnerModel;
import io.sonic.engine.Precision;
import io.sonic.engine.RangeAnalysis;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureParty;
import io.sonic.engine.layer.LayerProtocols;
import io.sonic.model.ModelException;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.ModelGraph;
import io.sonic.model.Names;
import io.sonic.model.Shapes;
import io.sonic.model.layer.Layer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Import an ONNX model and list its layers: shapes, parameters, multiply-accumulates and"
                + " whether a secure protocol exists for each.")
final class InspectCommand implements Runnable {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "the .onnx file")
    Path model;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Option(names = "--fraction-bits", paramLabel = "F",
            description = "fixed-point fraction bits to check the input range at. Default: the model card's, else "
                    + io.sonic.model.eval.FixedPoint.DEFAULT_FRACTION_BITS)
    Integer fractionBits;

    @Mixin
    RangeOptions ranges;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        OwnerModel owner = OwnerModel.open(model);
        ModelGraph g = owner.graph();
        PrintWriter out = spec.commandLine().getOut();
        FixedPoint fp = owner.fixedPoint(SecureOptions.checked(fractionBits));
        // a malformed range or an unreadable calibration file is the user's to fix (an error); whether a range is
        // safe is what inspect reports
        OwnerModel.Stated stated = ranges.stated(owner);
        OwnerModel.RangeChoice range = null;
        String problem = null;
        try {
            range = owner.range(fp, stated);
        } catch (ModelException e) {
            problem = e.getMessage();
        }
        List<Precision.Loss> losses = Precision.losses(g, fp);
        if (json) {
            out.println(toJson(g, fp, range, problem, losses));
            return;
        }
        out.printf("model   %s (%s, opset %d)%n", Names.clean(g.name()), g.producer().isBlank() ? "unknown producer" : g.producer(),
                g.opset());
        out.printf("input   %s %s%n", Names.clean(g.inputName()), Shapes.format(g.inputShape()));
        out.printf("output  %s %s%n", Names.clean(g.outputName()), Shapes.format(g.outputShape()));
        if (g.leftOutNote() != null) {
            out.printf("note    %s%n", g.leftOutNote());
        }
        out.printf("layers  %d, parameters %,d, multiply-accumulates %,d%n", g.layers().size(), g.parameterCount(),
                g.multiplyAccumulates());
        if (range != null) {
            RangeAnalysis.LayerBound worst = range.bounds().worst();
            out.printf("input range  %s (%s), safe with f = %d: the worst layer, %s, keeps %.1f bits below the"
                    + " ring's limit%n%n", range.range(), range.source(), fp.fractionBits(),
                    worst == null ? "-" : worst.name(), worst == null ? 62.0 : worst.headroomBits());
        } else {
            out.printf("input range  not safe with f = %d: %s%n%n", fp.fractionBits(), problem);
        }
        for (Precision.Loss loss : losses) {
            out.println("precision    " + Format.precision(loss));
        }
        if (!losses.isEmpty()) {
            out.println();
        }
        Table t = new Table(List.of("#", "name", "op", "input", "output", "params", "MACs", "secure"),
                true, false, false, false, false, true, true, false);
        List<Layer> layers = g.layers();
        List<String> protocols = protocols(g);
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            t.row(i, l.name(), l.sourceOp(), inputShapes(l), Shapes.format(l.outputShape()),
                    String.format("%,d", l.parameterCount()), String.format("%,d", l.multiplyAccumulates()),
                    protocols.get(i) == null ? "no" : protocols.get(i));
        }
        out.print(t.render());
    }

    private static String inputShapes(Layer l) {
        return java.util.stream.IntStream.range(0, l.inputs().size()).mapToObj(i -> Shapes.format(l.inputShape(i)))
                .collect(Collectors.joining(" + "));
    }

    static String toJson(ModelGraph g, FixedPoint fp, OwnerModel.RangeChoice range, String problem,
                         List<Precision.Loss> losses) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("name", g.name());
        root.put("producer", g.producer());
        root.put("opset", g.opset());
        root.put("input", g.inputName());
        root.set("inputShape", shape(m, g.inputShape()));
        root.put("output", g.outputName());
        root.set("outputShape", shape(m, g.outputShape()));
        root.put("leftOutFinalOp", g.leftOutFinalOp());
        root.put("parameters", g.parameterCount());
        root.put("multiplyAccumulates", g.multiplyAccumulates());
        root.put("fractionBits", fp.fractionBits());
        ObjectNode r = root.putObject("inputRange");
        r.put("safe", range != null);
        if (range != null) {
            r.put("min", range.range().min());
            r.put("max", range.range().max());
            r.put("source", range.source());
            RangeAnalysis.LayerBound worst = range.bounds().worst();
            r.put("worstLayer", worst == null ? null : worst.name());
            r.put("headroomBits", worst == null ? 62.0 : worst.headroomBits());
        } else {
            r.put("problem", problem);
        }
        ArrayNode precision = root.putArray("precision");
        for (Precision.Loss loss : losses) {
            ObjectNode p = precision.addObject();
            p.put("layer", loss.index());
            p.put("what", loss.what());
            p.put("relativeError", loss.relativeError());
            if (loss.fractionBitsNeeded() < 0) {
                p.putNull("fractionBitsNeeded");
            } else {
                p.put("fractionBitsNeeded", loss.fractionBitsNeeded());
            }
            p.put("text", Format.precision(loss));
        }
        ArrayNode layers = root.putArray("layers");
        List<String> protocols = protocols(g);
        for (int i = 0; i < g.layers().size(); i++) {
            Layer l = g.layers().get(i);
            ObjectNode n = layers.addObject();
            n.put("index", i);
            n.put("name", l.name());
            n.put("op", l.sourceOp());
            n.put("kind", l.kind());
            ArrayNode ins = n.putArray("inputShapes");
            for (int k = 0; k < l.inputs().size(); k++) {
                ins.add(shape(m, l.inputShape(k)));
            }
            n.set("outputShape", shape(m, l.outputShape()));
            n.put("parameters", l.parameterCount());
            n.put("multiplyAccumulates", l.multiplyAccumulates());
            String protocol = protocols.get(i);
            n.put("secure", protocol != null);
            if (protocol != null) {
                n.put("protocol", protocol);
            } else {
                n.putNull("protocol");
            }
        }
        try {
            return m.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ArrayNode shape(ObjectMapper m, int[] s) {
        ArrayNode a = m.createArrayNode();
        for (int d : s) {
            a.add(d);
        }
        return a;
    }

    /** Each layer's protocols under the default configuration (as text), or null for a kind without one. */
    private static List<String> protocols(ModelGraph g) {
        if (g.layers().stream().anyMatch(l -> LayerProtocols.find(l).isEmpty())) {
            return g.layers().stream().map(l -> (String) null).toList();
        }
        return SecureParty.protocols(g, SecureConfig.DEFAULT).stream().map(p -> p.label()).toList();
    }
}
