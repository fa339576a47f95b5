package io.sonic.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonic.cloud.api.ModelIds;
import io.sonic.cloud.api.ModelInfo;
import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.CloudException;
import io.sonic.cloud.client.OwnerModel;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.cloud.server.Tokens;
import io.sonic.cloud.api.SessionRequest;
import io.sonic.engine.BatchResult;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.InputRange;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureInference;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
import io.sonic.model.data.InputCsv;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.FloatEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "infer", mixinStandardHelpOptions = true,
        description = {"Run secure inference: the model owner splits the model, the user splits each input, two"
                + " servers and a dealer compute on shares, the user reconstructs.",
                "Here all roles run in this process, the servers on two threads. Each result is checked against"
                        + " the plaintext references."})
final class InferCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "the .onnx file")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "CSV, one sample per line, the flattened input values (as sample-models/*/inputs.csv)")
    Path input;

    @Option(names = "--limit", paramLabel = "N", description = "run at most N samples (at least 1). Default: all")
    Integer limit;

    @Option(names = "--json", description = "one JSON object per sample instead of tables")
    boolean json;

    @Option(names = "--servers", split = ",", paramLabel = "URL0,URL1",
            description = "use these two servers (the model must be uploaded there, see upload); without it the"
                    + " dealer and both servers start in this process on loopback ports and the model is uploaded to them")
    List<java.net.URI> servers;

    @Option(names = "--model-id", paramLabel = "ID", description = "the model's id on the servers (default: the"
            + " file name without .onnx)")
    String modelId;

    @Option(names = "--ca", paramLabel = "FINGERPRINT", description = "pin the cluster CA (printed by serve)")
    String ca;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
            description = "run the samples N at a time: every round carries all N (a batch costs one query's rounds),"
                    + " each sample with its own correlated randomness (1-" + SessionRequest.MAX_BATCH + "). Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--in-memory", description = "run both servers on two threads joined by an in-memory channel"
            + " instead of HTTPS/WebSocket (the engine alone, as bench does)")
    boolean inMemory;

    @Mixin
    SecureOptions secure;

    @Mixin
    RangeOptions ranges;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        secure.link();
        if (batch < 1 || batch > SessionRequest.MAX_BATCH) {
            throw new UserInputException("--batch must be between 1 and " + SessionRequest.MAX_BATCH + ", not "
                    + batch);
        }
        if (limit != null && limit < 1) {
            throw new UserInputException("--limit must be at least 1, not " + limit + " (leave it out to run every"
                    + " sample)");
        }
        OwnerModel owner = OwnerModel.open(model);
        ModelGraph g = owner.graph();
        List<float[]> samples = InputCsv.read(input, g.inputSize(), limit == null ? -1 : limit);
        PrintWriter out = spec.commandLine().getOut();
        FloatEvaluator plain = new FloatEvaluator(g);
        ObjectMapper mapper = new ObjectMapper();
        List<Double> online = new ArrayList<>();
        try (Backend s = backend(owner)) {
            SecureConfig cfg = s.config();
            // every sample is checked before any is shared
            for (int k = 0; k < samples.size(); k++) {
                s.inputRange().check(samples.get(k), input.getFileName() + " sample " + (k + 1));
            }
            ResultCheck check = new ResultCheck(g, cfg);
            if (!json) {
                out.printf("model %s, input %s, %d sample(s); %s, f = %d%n%n", g.name(),
                        Shapes.format(g.inputShape()), samples.size(), cfg.summary(), cfg.fractionBits());
                out.println(s.describe());
                if (g.leftOutNote() != null) {
                    out.println("note: " + g.leftOutNote());
                }
                out.println("input range " + s.inputRange() + " (" + s.rangeSource() + ")");
                String risk = check.truncationRisk(s.inputRange());
                if (risk != null) {
                    out.println(risk);
                }
                Format.printPrecision(out, g, cfg.fixedPoint());
                out.println();
            }
            List<InferenceResult> results = new ArrayList<>();
            List<BatchResult> batches = new ArrayList<>();
            for (int k = 0; k < samples.size(); k++) {
                float[] x = samples.get(k);
                if (k % batch == 0 && batch > 1) {
                    BatchResult b = s.inferBatch(samples.subList(k, Math.min(samples.size(), k + batch)), cfg);
                    batches.add(b);
                    results.addAll(b.samples());
                }
                InferenceResult r = batch > 1 ? results.get(k) : s.infer(x, cfg);
                BatchResult inBatch = batch > 1 ? batches.get(k / batch) : null;
                FloatTensor p = plain.run(x);
                ResultCheck.Sample c = check.check(x, r, p);
                online.add(r.onlineNanos() / 1e6);
                if (json) {
                    out.println(toJson(mapper, k, r, p, check, c, inBatch, k / batch));
                } else {
                    if (k == 0) {
                        if (!r.link().equals(cfg.link())) {
                            out.printf("the servers simulated their own link: %s (serve --link)%n%n",
                                    r.link().summary());
                        }
                        out.print(Format.layerTable(r));
                        out.println();
                    }
                    out.printf("sample %d: secure label %d, plain label %d %s, online %s in %d rounds, offline %s,"
                                    + " %.1f ms online%n", k, c.label(), c.plainLabel(), check.describe(c),
                            Format.bytes(r.online().bytes()), r.online().rounds(), r.preprocessing().messages() > 0
                                    ? String.format("%s between the servers in %d rounds, %.0f ms",
                                    Format.bytes(r.preprocessing().bytes()), r.preprocessing().rounds(),
                                    r.offlineNanos() / 1e6)
                                    : Format.bytes(r.offlineBytes()), r.onlineNanos() / 1e6);
                    if (inBatch != null && (k + 1) % batch == 0 || inBatch != null && k == samples.size() - 1) {
                        out.printf("batch %d: %d samples in %d rounds (one query's), %s online, %.1f ms online,"
                                        + " %.0f inferences/s%n", k / batch + 1, inBatch.size(), inBatch.online().rounds(),
                                Format.bytes(inBatch.online().bytes()), inBatch.onlineNanos() / 1e6,
                                inBatch.perSecond());
                    }
                }
                out.flush();
            }
            if (!json) {
                online.sort(Double::compare);
                int n = online.size();
                double median = n % 2 == 1 ? online.get(n / 2) : (online.get(n / 2 - 1) + online.get(n / 2)) / 2;
                out.println();
                for (String line : check.verdict()) {
                    out.println(line);
                }
                out.printf("median online time %.1f ms%n", median);
            }
            if (!check.allAgree()) {
                spec.commandLine().getErr().printf("error: %d of %d samples differ from the plaintext references%n",
                        samples.size() - check.agreeing(), samples.size());
                return CHECK_FAILED;
            }
        }
        return 0;
    }

    /** Exit code when a secure result differs from the plaintext references (bad input exits with 2). */
    static final int CHECK_FAILED = 1;


    /** Where the secure run happens: the engine in memory, local servers, or remote servers. */
    interface Backend extends AutoCloseable {
        InferenceResult infer(float[] x, SecureConfig cfg);

        /** The samples as one batch (every round carries all of them). */
        BatchResult inferBatch(List<float[]> xs, SecureConfig cfg);

        String describe();

        /** The configuration the run uses (the fraction bits are the model's). */
        SecureConfig config();

        InputRange inputRange();

        String rangeSource();

        @Override
        void close();
    }

    private Backend backend(OwnerModel owner) {
        ModelGraph g = owner.graph();
        if (servers != null) {
            if (inMemory) {
                throw new UserInputException("--in-memory and --servers exclude each other");
            }
            if (ranges.range != null || ranges.calibration != null) {
                throw new UserInputException("the input range of a model on remote servers is the one its owner"
                        + " uploaded; --input-range and --calibration apply to upload");
            }
            return remote(g);
        }
        FixedPoint fp = owner.fixedPoint(secure.requestedFractionBits());
        SecureConfig cfg = secure.config(fp.fractionBits());
        OwnerModel.RangeChoice range = ranges.choose(owner, fp);
        if (inMemory) {
            SecureInference s = new SecureInference(g, cfg, range.range());
            return new Backend() {
                public InferenceResult infer(float[] x, SecureConfig c) {
                    return s.infer(x);
                }

                public BatchResult inferBatch(List<float[]> xs, SecureConfig c) {
                    return s.inferBatch(xs);
                }

                public SecureConfig config() {
                    return cfg;
                }

                public InputRange inputRange() {
                    return range.range();
                }

                public String rangeSource() {
                    return range.source();
                }

                public String describe() {
                    return "engine in memory (two threads)" + (cfg.linear() == SecureConfig.LinearMode.MASK_REUSE
                            ? String.format("; once per model: W-A opened, %s, %d rounds",
                            Format.bytes(s.setupTraffic().bytes()), s.setupTraffic().rounds()) : "");
                }

                public void close() {
                    s.close();
                }
            };
        }
        String id = modelId != null ? modelId : ModelIds.from(g.name());
        LocalCloud local;
        try {
            // without a dealer, no dealer process: only the two servers
            local = LocalCloud.start(null, io.sonic.engine.net.LinkProfile.LOOPBACK,
                    cfg.preprocessing() == SecureConfig.Preprocessing.DEALER);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the local servers: " + e.getMessage(), e);
        }
        try {
            CloudClient client = local.client();
            client.upload(g, id, Tokens.newToken(), fp, range.range());
            String where = "local servers " + local.serverUrls().get(0) + " and " + local.serverUrls().get(1)
                    + (local.dealerUrl() == null ? " and no dealer" : " and dealer " + local.dealerUrl())
                    + " (HTTPS, WebSocket link over TLS)";
            return cloudBackend(client, id, cfg, range.range(), range.source(), where, local);
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
    }

    private Backend remote(ModelGraph g) {
        String id = modelId != null ? modelId : ModelIds.from(g.name());
        CloudClient client = Remote.connect(servers, ca, spec.commandLine().getErr());
        ModelInfo info;
        try {
            info = client.model(id);
        } catch (CloudException e) {
            throw new UserInputException(e.getMessage());
        }
        Integer f = secure.requestedFractionBits();
        if (f != null && f != info.fractionBits()) {
            throw new UserInputException("model '" + id + "' was uploaded with " + info.fractionBits() + " fraction"
                    + " bits; --fraction-bits " + f + " does not apply to it (upload it again to change it)");
        }
        if (!info.structureHash().equals(io.sonic.cloud.wire.GraphCodec.structureHash(g))) {
            throw new UserInputException("model '" + id + "' on the servers is not " + model.getFileName()
                    + " (their structures differ); give --model the file that was uploaded, or --model-id");
        }
        return cloudBackend(client, id, secure.config(info.fractionBits()), info.inputRange(), "as uploaded by the"
                + " model's owner", "servers " + servers.get(0) + " and " + servers.get(1), null);
    }

    private static Backend cloudBackend(CloudClient client, String id, SecureConfig cfg, InputRange range,
                                        String rangeSource, String where, LocalCloud started) {
        return new Backend() {
            public InferenceResult infer(float[] x, SecureConfig c) {
                return client.infer(id, x, c, null);
            }

            public BatchResult inferBatch(List<float[]> xs, SecureConfig c) {
                return client.inferBatch(id, xs, c);
            }

            public SecureConfig config() {
                return cfg;
            }

            public InputRange inputRange() {
                return range;
            }

            public String rangeSource() {
                return rangeSource;
            }

            public String describe() {
                return where + "; model '" + id + "'";
            }

            public void close() {
                if (started != null) {
                    started.close();
                }
            }
        };
    }

    private static String toJson(ObjectMapper m, int sample, InferenceResult r, FloatTensor plain, ResultCheck check,
                                 ResultCheck.Sample c, BatchResult batch, int batchIndex) {
        ObjectNode o = m.createObjectNode();
        o.put("sample", sample);
        ArrayNode sec = o.putArray("secure");
        for (double v : r.output()) {
            sec.add(v);
        }
        ArrayNode pl = o.putArray("plain");
        for (int i = 0; i < plain.size(); i++) {
            pl.add(plain.get(i));
        }
        o.put("label", c.label());
        o.put("plainLabel", c.plainLabel());
        o.put("fixedPointLabel", c.fixedLabel());
        o.put("agree", check.agrees(c));
        if (r.preprocessing().messages() > 0) {
            ObjectNode pre = o.putObject("preprocessing");
            pre.put("source", "ot");
            pre.put("bytes", r.preprocessing().bytes());
            pre.put("bytesSent", r.preprocessing().bytesSent());
            pre.put("bytesReceived", r.preprocessing().bytesReceived());
            pre.put("rounds", r.preprocessing().rounds());
            pre.put("ms", r.offlineNanos() / 1e6);
        }
        if (c.maxUnits() < 0) {
            o.putNull("maxAbsError");
            o.putNull("errorBound");
            o.putNull("fixedPointMaxAbsError");
        } else {
            o.put("maxAbsError", c.maxError());
            o.put("errorBound", check.bound());
            o.put("fixedPointMaxAbsError", c.fixedMaxError());
        }
        io.sonic.cloud.client.ResultJson.putTraffic(o, r);
        if (batch != null) {
            ObjectNode b = o.putObject("batch");
            b.put("index", batchIndex);
            b.put("size", batch.size());
            b.put("bytes", batch.online().bytes());
            b.put("rounds", batch.online().rounds());
            b.put("messages", batch.online().messages());
            b.put("onlineMillis", batch.onlineNanos() / 1e6);
            b.put("inferencesPerSecond", batch.perSecond());
        }
        try {
            return m.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
