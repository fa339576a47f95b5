package io.sonic.cli;

import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.server.Tokens;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.onnx.OnnxImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "upload", mixinStandardHelpOptions = true,
        description = "As the model owner: split a model into two secret shares here and upload one share (with the"
                + " public structure) to each server. The plaintext weights never leave this machine.")
final class UploadCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "the .onnx file")
    java.nio.file.Path model;

    @Option(names = "--servers", required = true, split = ",", paramLabel = "URL0,URL1",
            description = "server 0 and server 1")
    List<URI> servers;

    @Option(names = "--id", paramLabel = "ID", description = "model id on the servers (default: the file name)")
    String id;

    @Option(names = "--token", paramLabel = "TOKEN", description = "owner token guarding the model (default: a new one)")
    String token;

    @Option(names = "--ca", paramLabel = "FINGERPRINT", description = "pin the cluster CA (printed by serve)")
    String ca;

    @Option(names = "--fraction-bits", paramLabel = "F", defaultValue = "" + FixedPoint.DEFAULT_FRACTION_BITS,
            description = "fixed-point fraction bits of the shares. Default: ${DEFAULT-VALUE}")
    int fractionBits;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ModelGraph g = OnnxImporter.read(model);
        String modelId = id != null ? id : g.name();
        String owner = token != null ? token : Tokens.newToken();
        CloudClient c = Remote.connect(servers, ca, spec.commandLine().getErr());
        CloudClient.Upload u = c.upload(g, modelId, owner, new FixedPoint(fractionBits));
        out.printf("uploaded model '%s' (%d layers): %,d bytes to server 0, %,d bytes to server 1%n", modelId,
                g.layers().size(), u.bytesPerServer()[0], u.bytesPerServer()[1]);
        if (token == null) {
            out.printf("owner token (keep it to replace or delete the model): %s%n", owner);
        }
        return 0;
    }
}
