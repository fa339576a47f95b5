package io.sonic.desktop.learn;

import io.sonic.engine.CostModel;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureInference;
import io.sonic.engine.net.Traffic;
import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.layer.Layer;
import io.sonic.model.onnx.OnnxImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the Learn pages claim about mnist-m2 is what the traffic meter measures: the sample model runs
 * securely in memory (both servers on two threads) in every configuration a page speaks of, and each
 * claimed per-layer or per-query figure equals {@link InferenceResult#layers()} or the query's totals.
 */
class LearnMeasuredTest {
    private static ModelGraph real;
    private static final Map<SecureConfig, Run> RUNS = new LinkedHashMap<>();

    private record Run(InferenceResult result, Traffic setup) {
    }

    private static Path sample() {
        return Path.of(System.getProperty("sonic.root", "..")).resolve("sample-models").resolve("mnist-m2");
    }

    @BeforeAll
    static void runM2() {
        real = OnnxImporter.read(sample().resolve("mnist-m2.onnx"));
        float[] x = InputCsv.read(sample().resolve("inputs.csv"), -1, 1).get(0);
        Set<SecureConfig> configs = Pages.claims().stream().map(Claim::config)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        for (SecureConfig cfg : configs) {
            try (SecureInference s = new SecureInference(real, cfg)) {
                if (cfg.preprocessing() == SecureConfig.Preprocessing.OT) {
                    s.infer(x); // the link's first query also makes its base OTs, once per link
                }
                RUNS.put(cfg, new Run(s.infer(x), s.setupTraffic()));
            }
        }
    }

    @Test
    void theStructureThePagesPriceIsTheImportedModel() {
        List<Layer> mine = M2Structure.graph().layers();
        assertEquals(real.layers().size(), mine.size());
        assertEquals(real.inputSize(), M2Structure.graph().inputSize());
        assertEquals(real.outputSize(), M2Structure.graph().outputSize());
        for (int i = 0; i < mine.size(); i++) {
            Layer a = real.layers().get(i);
            Layer b = mine.get(i);
            assertEquals(a.kind(), b.kind(), "layer " + i);
            assertEquals(a.outputSize(), b.outputSize(), "layer " + i);
            assertEquals(a.parameterCount(), b.parameterCount(), "layer " + i);
            for (SecureConfig cfg : RUNS.keySet()) {
                assertEquals(CostModel.of(real, i, cfg), CostModel.of(M2Structure.graph(), i, cfg), "layer " + i + " " + cfg);
            }
        }
        assertEquals(CostModel.maskSetup(real), CostModel.maskSetup(M2Structure.graph()));
    }

    @Test
    void everyFigureThePagesClaimIsMeasured() {
        List<Claim> claims = Pages.claims();
        assertTrue(claims.size() >= 30);
        for (Claim c : claims) {
            Run run = RUNS.get(c.config());
            InferenceResult r = run.result();
            long measured;
            if (c.layer() == Claim.QUERY) {
                measured = switch (c.measure()) {
                    case ONLINE_BYTES -> r.online().bytes();
                    case ROUNDS -> r.online().rounds();
                    case OFFLINE_BYTES -> r.offlineBytes();
                    case SETUP_BYTES -> run.setup().bytes();
                    case SETUP_ROUNDS -> run.setup().rounds();
                    case BETWEEN_SERVERS_BYTES -> r.preprocessing().bytes();
                    case BETWEEN_SERVERS_ROUNDS -> r.preprocessing().rounds();
                };
            } else {
                InferenceResult.LayerStat st = r.layers().get(c.layer());
                assertEquals(c.layer(), st.index());
                measured = switch (c.measure()) {
                    case ONLINE_BYTES -> st.online().bytes();
                    case ROUNDS -> st.online().rounds();
                    case OFFLINE_BYTES -> st.offlineBytes();
                    case SETUP_BYTES, SETUP_ROUNDS, BETWEEN_SERVERS_BYTES, BETWEEN_SERVERS_ROUNDS ->
                            throw new AssertionError("per query only: " + c);
                };
            }
            assertEquals(c.value(), measured, c.topic().id() + ": " + c.what());
        }
    }

    @Test
    void theLayersThePagesNameRunTheProtocolsTheyDescribe() {
        InferenceResult r = RUNS.get(Figures.DEFAULT).result();
        assertTrue(Topic.BEAVER.shownBy(r.layers().get(M2Structure.CONV1).protocol()));
        assertTrue(Topic.TRUNCATION.shownBy(r.layers().get(M2Structure.CONV1).protocol()));
        assertTrue(Topic.MAX_POOL.shownBy(r.layers().get(M2Structure.POOL1).protocol()));
        assertTrue(Topic.MSB.shownBy(r.layers().get(M2Structure.RELU1).protocol()));
        assertTrue(Topic.BEAVER.shownBy(r.layers().get(M2Structure.FC1).protocol()));
        assertEquals(io.sonic.engine.protocol.ProtocolId.of(io.sonic.engine.protocol.ProtocolName.LOCAL), r.layers().get(M2Structure.FLATTEN).protocol());
        InferenceResult label = RUNS.get(Figures.LABEL).result();
        InferenceResult fss = RUNS.get(Figures.FSS).result();
        assertTrue(Topic.FSS.shownBy(fss.layers().get(M2Structure.RELU1).protocol()));
        assertTrue(Topic.MAX_POOL.shownBy(fss.layers().get(M2Structure.POOL1).protocol()));
        assertTrue(Topic.TRUNCATION.shownBy(fss.layers().get(M2Structure.RELU1).protocol()),
                "under FSS the truncation runs after the ReLU");
        int last = label.layers().size() - 1;
        assertEquals(M2Structure.graph().layers().size(), last);
        assertTrue(Topic.ARGMAX.shownBy(label.layers().get(last).protocol()));
        for (Topic t : Topic.values()) {
            assertTrue(r.layers().stream().anyMatch(st -> t.shownBy(st.protocol()))
                    || label.layers().stream().anyMatch(st -> t.shownBy(st.protocol()))
                    || fss.layers().stream().anyMatch(st -> t.shownBy(st.protocol())), t.id() + " is shown by M2");
        }
    }
}
