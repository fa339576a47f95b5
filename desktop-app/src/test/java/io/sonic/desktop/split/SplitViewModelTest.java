package io.sonic.desktop.split;

import com.fasterxml.jackson.databind.JsonNode;
import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.OpenModel;
import io.sonic.engine.ModelShare;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.onnx.OnnxImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Split screen's state, without JavaFX: splitting, the four matrices, the check and the upload. */
class SplitViewModelTest {
    private static ModelGraph m1;

    static Path sample(String name) {
        return Path.of(System.getProperty("sonic.root", "..")).resolve("sample-models/" + name + "/" + name + ".onnx");
    }

    @BeforeAll
    static void readModel() {
        m1 = OnnxImporter.read(sample("mnist-m1"));
    }

    private static OpenModel open(String name, ModelGraph g) {
        return OpenModel.of(sample(name), g);
    }

    /** A view-model on a state with mnist-m1 open, its split shown. */
    private static SplitViewModel splitM1(AppState state) {
        SplitViewModel vm = new SplitViewModel(state, Runnable::run);
        state.modelProperty().set(open("mnist-m1", m1));
        assertTrue(vm.splittingProperty().get());
        assertTrue(vm.setShares(vm.split()));
        assertFalse(vm.splittingProperty().get());
        return vm;
    }

    private static double[] flat(double[][] m) {
        return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double pearson(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    @Test
    void withoutAModelThereIsNothingToSplitOrUpload() {
        SplitViewModel vm = new SplitViewModel(new AppState(), Runnable::run);
        assertNull(vm.requestProperty().get());
        assertNull(vm.split());
        assertTrue(vm.layers().isEmpty());
        assertNull(vm.weightsProperty().get());
        assertFalse(vm.canUploadProperty().get());
        assertEquals(SplitViewModel.NO_MODEL_HINT, vm.uploadHintProperty().get());
        assertTrue(vm.statusProperty().get().startsWith("No model is open"), vm.statusProperty().get());
    }

    @Test
    void listsTheLayersThatHaveParameters() {
        SplitViewModel vm = splitM1(new AppState());
        List<SplitViewModel.LayerItem> layers = vm.layers();
        assertEquals(List.of(0, 2, 4), layers.stream().map(SplitViewModel.LayerItem::index).toList(),
                layers.toString());
        assertEquals("weight", layers.get(0).tensor());
        assertArrayEquals(new int[] {784, 128}, layers.get(0).shape());
        assertArrayEquals(new int[] {128, 128}, layers.get(1).shape());
        assertArrayEquals(new int[] {128, 10}, layers.get(2).shape());
        assertTrue(layers.get(0).op().contains("Gemm"), layers.get(0).op());
        assertEquals(m1.layers().get(0).name(), layers.get(0).name());
        assertEquals(m1.parameterCount(), layers.stream().mapToLong(SplitViewModel.LayerItem::parameters).sum());
        assertEquals(layers.get(0), vm.selectedLayerProperty().get());
        assertTrue(vm.statusProperty().get().contains("3 layers"), vm.statusProperty().get());
    }

    @Test
    void matricesHaveTheLayersShapeCappedAt256() {
        SplitViewModel vm = splitM1(new AppState());
        int[][] expected = {{256, 128}, {128, 128}, {128, 10}};
        for (int i = 0; i < 3; i++) {
            vm.selectedLayerProperty().set(vm.layers().get(i));
            for (double[][] m : List.of(vm.weightsProperty().get(), vm.share0Property().get(),
                    vm.share1Property().get(), vm.sumProperty().get())) {
                assertEquals(expected[i][0], m.length, "rows of layer " + i);
                for (double[] row : m) {
                    assertEquals(expected[i][1], row.length, "columns of layer " + i);
                }
            }
        }
        vm.selectedLayerProperty().set(vm.layers().get(0));
        assertTrue(vm.captionProperty().get().contains("784 × 128"), vm.captionProperty().get());
        String caption = vm.captionProperty().get();
        assertTrue(caption.contains("Drawn at 256 × 128, with rows sampled evenly"), caption);
    }

    @Test
    void theSampledRowsAreTheWeightsOwnRows() {
        SplitViewModel vm = splitM1(new AppState());
        float[] w = ((MatMulLayer) m1.layers().get(0)).weight().values();
        double[][] shown = vm.weightsProperty().get();
        int[] rows = SplitViewModel.sample(784, 256);
        assertEquals(0, rows[0]);
        assertTrue(rows[255] < 784 && rows[255] >= 780, "last sampled row " + rows[255]);
        for (int i = 0; i < rows.length; i += 17) {
            for (int j = 0; j < 128; j += 9) {
                assertEquals(w[rows[i] * 128 + j], shown[i][j], 0.0);
            }
        }
    }

    @Test
    void theReconstructionEqualsTheWeights() {
        SplitViewModel vm = splitM1(new AppState());
        for (SplitViewModel.LayerItem item : vm.layers()) {
            vm.selectedLayerProperty().set(item);
            double[] w = flat(vm.weightsProperty().get());
            double[] r = flat(vm.sumProperty().get());
            for (int i = 0; i < w.length; i++) {
                assertEquals(w[i], r[i], 0x1p-16, "layer " + item.index() + " entry " + i);
            }
            assertTrue(vm.checkPassedProperty().get(), vm.checkProperty().get());
            String check = vm.checkProperty().get();
            assertTrue(check.startsWith("✓ share 0 + share 1 = weights"), check);
            assertTrue(vm.checkProperty().get().contains(String.format("%,d values", item.parameters())),
                    vm.checkProperty().get());
        }
    }

    @Test
    void theSharesLookLikeUniformNoise() {
        SplitViewModel vm = splitM1(new AppState());
        for (SplitViewModel.LayerItem item : vm.layers()) {
            vm.selectedLayerProperty().set(item);
            double[] w = flat(vm.weightsProperty().get());
            for (double[] s : List.of(flat(vm.share0Property().get()), flat(vm.share1Property().get()))) {
                double m = mean(s);
                assertTrue(m > 0.45 && m < 0.55, "mean of a share of layer " + item.index() + ": " + m);
                double r = pearson(w, s);
                assertTrue(Math.abs(r) < 0.1, "correlation of a share of layer " + item.index() + " with its weights: "
                        + r);
                assertTrue(Arrays.stream(s).allMatch(v -> v >= 0 && v <= 1));
            }
        }
    }

    @Test
    void theCheckReallyReconstructs() {
        AppState state = new AppState();
        SplitViewModel vm = new SplitViewModel(state, Runnable::run);
        state.modelProperty().set(open("mnist-m1", m1));
        SplitViewModel.Split good = vm.split();
        // flip one bit of one bias share of layer 0: the pictures barely change, the check must notice
        Map<Integer, SharedTensor[]> tampered = new HashMap<>(good.share(0).all());
        SharedTensor[] layer0 = good.share(0).layer(0);
        long[] bias = layer0[1].values();
        bias[7] ^= 1;
        layer0[1] = new SharedTensor(0, layer0[1].shape(), bias);
        tampered.put(0, layer0);
        ModelShare bad = new ModelShare(0, good.share(0).fractionBits(), tampered);
        assertTrue(vm.setShares(new SplitViewModel.Split(good.request(), new ModelShare[] {bad, good.share(1)})));
        assertFalse(vm.checkPassedProperty().get());
        assertTrue(vm.checkProperty().get().startsWith("✗"), vm.checkProperty().get());
        assertTrue(vm.checkProperty().get().contains("1 of 100,480 values"), vm.checkProperty().get());
        vm.selectedLayerProperty().set(vm.layers().get(1));
        assertTrue(vm.checkPassedProperty().get(), vm.checkProperty().get());
    }

    @Test
    void aSplitOfAModelNoLongerOpenIsIgnored() {
        AppState state = new AppState();
        SplitViewModel vm = new SplitViewModel(state, Runnable::run);
        state.modelProperty().set(open("mnist-m1", m1));
        SplitViewModel.Split old = vm.split();
        state.modelProperty().set(open("mnist-m1", OnnxImporter.read(sample("mnist-m1"))));
        assertFalse(vm.setShares(old));
        assertTrue(vm.layers().isEmpty());
        assertTrue(vm.splittingProperty().get());
        SplitViewModel.SplitRequest before = vm.requestProperty().get();
        state.configProperty().set(SecureConfig.DEFAULT.withFractionBits(12));
        assertTrue(before != vm.requestProperty().get(), "fewer fraction bits need a new split");
        assertEquals(12, vm.requestProperty().get().fixedPoint().fractionBits());
        assertTrue(vm.setShares(vm.split()));
        assertEquals(12, vm.currentSplit().share(0).fractionBits());
        assertTrue(vm.checkPassedProperty().get(), vm.checkProperty().get());
        vm.splitFailed(before, new IllegalStateException("late"));
        assertFalse(vm.statusProperty().get().contains("late"));
    }

    @Test
    void convolutionFiltersAreDrawnOneOutputChannelPerRow() {
        ModelGraph c1 = OnnxImporter.read(sample("cifar-c1"));
        AppState state = new AppState();
        SplitViewModel vm = new SplitViewModel(state, Runnable::run);
        state.modelProperty().set(open("cifar-c1", c1));
        assertTrue(vm.setShares(vm.split()));
        SplitViewModel.LayerItem conv = vm.layers().stream()
                .filter(l -> c1.layers().get(l.index()) instanceof ConvLayer && l.shape()[1] == 64)
                .findFirst().orElseThrow();
        assertArrayEquals(new int[] {64, 64, 3, 3}, conv.shape());
        vm.selectedLayerProperty().set(conv);
        double[][] w = vm.weightsProperty().get();
        assertEquals(64, w.length);
        assertEquals(256, w[0].length, "576 columns sampled down to 256");
        assertTrue(vm.checkPassedProperty().get(), vm.checkProperty().get());
        assertTrue(vm.captionProperty().get().contains("one output channel per row"), vm.captionProperty().get());
        double[] s = flat(vm.share1Property().get());
        double r = pearson(flat(w), s);
        assertTrue(Math.abs(r) < 0.1, "correlation " + r);
    }

    @Test
    void modelIdsAreWhatTheServersAccept() {
        assertEquals("mnist-m1", io.sonic.cloud.api.ModelIds.from("mnist-m1"));
        assertEquals("my-model-v2", io.sonic.cloud.api.ModelIds.from("my model/v2"));
        assertEquals("model", io.sonic.cloud.api.ModelIds.from(""));
        assertEquals(64, io.sonic.cloud.api.ModelIds.from("x".repeat(100)).length());
    }

    @Test
    void uploadsTheSharesOnScreenToRealServers(@TempDir Path data) throws Exception {
        AppState state = new AppState();
        SplitViewModel vm = splitM1(state);
        assertFalse(vm.canUploadProperty().get());
        assertEquals(SplitViewModel.NO_CLOUD_HINT, vm.uploadHintProperty().get());
        assertThrows(IllegalStateException.class, () -> vm.upload(null));
        assertTrue(vm.uploadStatusProperty().get().startsWith("Upload failed"), vm.uploadStatusProperty().get());

        try (LocalCloud cloud = LocalCloud.start(data)) {
            CloudClient client = cloud.client();
            state.cloudProperty().set(client);
            assertTrue(vm.canUploadProperty().get());
            assertEquals("", vm.uploadHintProperty().get());
            List<Double> progress = new ArrayList<>();
            vm.uploadProgressProperty().addListener((o, was, now) -> progress.add(now.doubleValue()));

            CloudClient.Upload u = vm.upload(client);
            assertEquals("mnist-m1", u.modelId());
            assertEquals("mnist-m1", state.uploadedModelIdProperty().get());
            assertEquals(1.0, vm.uploadProgressProperty().get());
            assertEquals(List.of(-1.0, 1.0), progress);
            assertFalse(vm.uploadingProperty().get());
            assertTrue(vm.canUploadProperty().get());
            assertTrue(u.bytesPerServer()[0] > 8L * m1.parameterCount(), "bytes " + u.bytesPerServer()[0]);
            assertTrue(vm.uploadStatusProperty().get().contains(io.sonic.desktop.app.Bytes.exact(u.bytesPerServer()[0])
                    + " to server 0"), vm.uploadStatusProperty().get());
            for (int p = 0; p < 2; p++) {
                List<String> ids = new ArrayList<>();
                for (var m : client.models(p).models()) {
                    ids.add(m.id());
                }
                assertEquals(List.of("mnist-m1"), ids, "models on server " + p);
            }
            // what server p stored is the very share p drawn on screen
            for (int p = 0; p < 2; p++) {
                Path model = data.resolve("server" + p).resolve("models").resolve("mnist-m1");
                Path stored = model.resolve(Files.readString(model.resolve("current")).trim()).resolve("share.bin");
                ModelShare onServer = ShareCodec.decode(Files.readAllBytes(stored), m1, p);
                ModelShare shown = vm.currentSplit().share(p);
                for (int layer : shown.all().keySet()) {
                    assertArrayEquals(shown.layer(layer)[0].values(), onServer.layer(layer)[0].values(),
                            "layer " + layer + " of server " + p);
                }
            }
            // uploading again replaces the model under the same owner token
            state.uploadedModelIdProperty().set(null);
            vm.upload(client);
            assertEquals("mnist-m1", state.uploadedModelIdProperty().get());
            assertEquals(1, client.models(0).models().size());
        }
    }
}
