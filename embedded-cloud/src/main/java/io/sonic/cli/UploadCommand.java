package io.sonic.cli;

import io.sonic.cloud.api.ModelIds;
import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.CloudException;
import io.sonic.cloud.client.OwnerModel;
import io.sonic.cloud.server.Tokens;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "upload", mixinStandardHelpOptions = true,
        description = {"As the model owner: split a model into two secret shares here and upload one share (with the"
                + " public structure and input range) to each server. The plaintext weights never leave this machine.",
                "The input range is checked first: no input inside it can make a value in the network overflow"
                        + " the fixed-point ring."})
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

    @Option(names = "--credential", paramLabel = "CREDENTIAL",
            description = "the cluster's upload credential, as sonic serve prints it (default: $SONIC_UPLOAD_CREDENTIAL)")
    String credential;

    @Option(names = "--ca", paramLabel = "FINGERPRINT", description = "pin the cluster CA (printed by serve)")
    String ca;

    @Option(names = "--fraction-bits", paramLabel = "F",
            description = "fixed-point fraction bits of the shares. Default: the model card's, else "
                    + FixedPoint.DEFAULT_FRACTION_BITS)
    Integer fractionBits;

    @Mixin
    RangeOptions ranges;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        OwnerModel owner = OwnerModel.open(model);
        ModelGraph g = owner.graph();
        FixedPoint fp = owner.fixedPoint(SecureOptions.checked(fractionBits));
        OwnerModel.RangeChoice range = ranges.choose(owner, fp);
        String modelId = id != null ? id : ModelIds.from(g.name());
        String owned = token != null ? token : Tokens.newToken();
        String cred = credential != null ? credential : System.getenv("SONIC_UPLOAD_CREDENTIAL");
        if (cred == null || cred.isBlank()) {
            throw new UserInputException("uploading needs the cluster's upload credential: sonic serve prints it;"
                    + " pass it with --credential or $SONIC_UPLOAD_CREDENTIAL");
        }
        CloudClient c = Remote.connect(servers, ca, spec.commandLine().getErr()).withUploadCredential(cred);
        CloudClient.Upload u;
        try {
            u = c.upload(g, modelId, owned, fp, range.range());
        } catch (CloudException e) {
            throw new UserInputException(e.getMessage());
        }
        out.printf("uploaded model '%s' (%d layers, f = %d): %,d bytes to server 0, %,d bytes to server 1%n", modelId,
                g.layers().size(), fp.fractionBits(), u.bytesPerServer()[0], u.bytesPerServer()[1]);
        out.printf("input range %s (%s); the worst layer, %s, keeps %.1f bits below the ring's limit%n",
                range.range(), range.source(), range.bounds().worst() == null ? "-" : range.bounds().worst().name(),
                range.bounds().worst() == null ? 62.0 : range.bounds().worst().headroomBits());
        Format.printPrecision(out, g, fp);
        if (token == null) {
            out.printf("owner token (keep it to replace or delete the model): %s%n", owned);
        }
        return 0;
    }
}
