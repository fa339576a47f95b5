package io.sonic.desktop.split;

import io.sonic.cloud.client.CloudClient;
import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.OpenModel;
import io.sonic.desktop.app.Tasks;
import io.sonic.desktop.app.Uploads;
import io.sonic.engine.ModelShare;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * State of the Split screen, the model owner's view: the open model's weights split into two additive
 * shares, one per server, shown layer by layer next to the weights and their reconstruction, and the
 * upload of exactly those shares.
 *
 * <p>No controls here. Properties change on the FX thread (in tests: on the calling thread). The slow
 * steps, {@link #split(SplitRequest)} and {@link #upload(CloudClient)}, are safe to call from a
 * background thread; the view runs them through {@link Tasks}.
 *
 * <p>Splitting follows {@link #requestProperty()}: whenever the open model (or the number of fraction
 * bits) changes, a new {@link SplitRequest} appears; the view splits it in the background and hands
 * the result to {@link #setShares(Split)}, which ignores a split of a model that is no longer open.
 */
public final class SplitViewModel {
    /** Largest matrix drawn; bigger weights are sampled evenly along each axis. */
    public static final int MAX_ROWS = 256;
    public static final int MAX_COLUMNS = 256;
    public static final String NO_CLOUD_HINT = "Start or connect servers on the Cloud tab first";
    public static final String NO_MODEL_HINT = "Open a model on the Model tab first";

    /** A layer with parameters: its index in the graph, name, ONNX op and the shape of the tensor drawn. */
    public record LayerItem(int index, String name, String op, String tensor, int[] shape, long parameters) {
        public LayerItem {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public String toString() {
            return "#" + index + "  " + name + "  (" + op + ", " + tensor + " " + Shapes.format(shape) + ")";
        }
    }

    /** One model to split, at one fixed-point scale; each request is distinct, even for the same model. */
    public record SplitRequest(long serial, OpenModel model, FixedPoint fixedPoint) {
    }

    /** The owner's two shares of a request's model: share p goes to server p. */
    public record Split(SplitRequest request, ModelShare[] shares) {
        public Split {
            if (shares.length != 2) {
                throw new IllegalArgumentException("a split has two shares");
            }
            shares = shares.clone();
        }

        @Override
        public ModelShare[] shares() {
            return shares.clone();
        }

        public ModelShare share(int party) {
            return shares[party];
        }
    }

    /** One parameter tensor of a layer, at the scale {@link ModelShare#split} encodes it. */
    private record Param(String role, FloatTensor tensor, int bits) {
    }

    private static final AtomicLong SERIALS = new AtomicLong();

    private final AppState state;
    private final Executor ui;

    private final ReadOnlyObjectWrapper<SplitRequest> request = new ReadOnlyObjectWrapper<>();
    private volatile Split split;

    private final ObservableList<LayerItem> layers = FXCollections.observableArrayList();
    private final ObjectProperty<LayerItem> selectedLayer = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<double[][]> weights = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<double[][]> share0 = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<double[][]> share1 = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<double[][]> sum = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyDoubleWrapper weightScale = new ReadOnlyDoubleWrapper(1);
    private final ReadOnlyBooleanWrapper checkPassed = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper check = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper caption = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper legend = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper splitting = new ReadOnlyBooleanWrapper();

    private final ReadOnlyDoubleWrapper uploadProgress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper uploadStatus = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper uploadHint = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper uploading = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper canUpload = new ReadOnlyBooleanWrapper();

    /**
     * A view-model delivering the results of {@link #upload} through {@code uiThread} (the FX thread in
     * the app; {@code Runnable::run} in tests without JavaFX).
     */
    public SplitViewModel(AppState state, Executor uiThread) {
        this.state = state;
        this.ui = uiThread;
        state.modelProperty().addListener((o, was, now) -> modelChanged());
        state.configProperty().addListener((o, was, now) -> {
            if (was == null || now == null || was.fractionBits() != now.fractionBits()) {
                modelChanged();
            }
        });
        state.cloudProperty().addListener((o, was, now) -> {
            if (!uploading.get()) {
                uploadStatus.set(now == null ? "" : "Not uploaded to these servers yet.");
                uploadProgress.set(0);
            }
            updateCanUpload();
        });
        selectedLayer.addListener((o, was, now) -> showLayer(now));
        modelChanged();
    }

    // ----------------------------------------------------------------- properties

    /** The split the view should run next, or null when no model is open. */
    public ReadOnlyObjectProperty<SplitRequest> requestProperty() {
        return request.getReadOnlyProperty();
    }

    /** The split on screen (and the one {@link #upload} sends), or null while there is none. */
    public Split currentSplit() {
        return split;
    }

    /** The layers that have parameters, in graph order. */
    public ObservableList<LayerItem> layers() {
        return layers;
    }

    public ObjectProperty<LayerItem> selectedLayerProperty() {
        return selectedLayer;
    }

    /** The chosen layer's weights as the owner holds them (floats), rows × columns, at most 256 × 256. */
    public ReadOnlyObjectProperty<double[][]> weightsProperty() {
        return weights.getReadOnlyProperty();
    }

    /** Server 0's share of the same entries: the top 16 bits of each 64-bit ring element, mapped to [0,1]. */
    public ReadOnlyObjectProperty<double[][]> share0Property() {
        return share0.getReadOnlyProperty();
    }

    /** Server 1's share, drawn as {@link #share0Property()}. */
    public ReadOnlyObjectProperty<double[][]> share1Property() {
        return share1.getReadOnlyProperty();
    }

    /** share 0 + share 1 (mod 2^64), decoded from fixed point: the weights again. */
    public ReadOnlyObjectProperty<double[][]> sumProperty() {
        return sum.getReadOnlyProperty();
    }

    /** The largest |w| drawn: the colour scale of the weights and of the reconstruction. */
    public ReadOnlyDoubleProperty weightScaleProperty() {
        return weightScale.getReadOnlyProperty();
    }

    /** True when every parameter of the chosen layer reconstructs exactly from the two shares. */
    public ReadOnlyBooleanProperty checkPassedProperty() {
        return checkPassed.getReadOnlyProperty();
    }

    /** The check line, "share 0 + share 1 = weights", with what was compared. */
    public ReadOnlyStringProperty checkProperty() {
        return check.getReadOnlyProperty();
    }

    /** What the four pictures show, for a viewer who has not met secret sharing before. */
    public ReadOnlyStringProperty captionProperty() {
        return caption.getReadOnlyProperty();
    }

    /** The colour scales. */
    public ReadOnlyStringProperty legendProperty() {
        return legend.getReadOnlyProperty();
    }

    /** What the screen is doing: no model, splitting, or what the split produced. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty splittingProperty() {
        return splitting.getReadOnlyProperty();
    }

    /** 0 before an upload, 1 when both servers hold their share; −1 (indeterminate) while sending. */
    public ReadOnlyDoubleProperty uploadProgressProperty() {
        return uploadProgress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty uploadStatusProperty() {
        return uploadStatus.getReadOnlyProperty();
    }

    /** Why the upload is not possible right now, or empty. */
    public ReadOnlyStringProperty uploadHintProperty() {
        return uploadHint.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty uploadingProperty() {
        return uploading.getReadOnlyProperty();
    }

    /** A model is open and split, a cloud is connected, and no upload is running. */
    public ReadOnlyBooleanProperty canUploadProperty() {
        return canUpload.getReadOnlyProperty();
    }

    // ----------------------------------------------------------------- splitting

    /** The model owner's split of a request's model with a fresh cryptographic PRG (any thread; slow). */
    public static Split split(SplitRequest r) {
        return new Split(r, ModelShare.split(r.model().graph(), r.fixedPoint(), Prg.fresh()));
    }

    /**
     * Splits the model open now, or returns null when there is none (slow). Reads the current request, so
     * call it where the state changes (the FX thread; a test's own thread); a background job splits the
     * request it was handed with {@link #split(SplitRequest)}.
     */
    public Split split() {
        SplitRequest r = request.get();
        return r == null ? null : split(r);
    }

    /**
     * Shows a finished split (FX thread). Returns false, and changes nothing, when the split belongs to
     * a model or scale that is no longer the current one.
     */
    public boolean setShares(Split s) {
        if (s == null || s.request() != request.get()) {
            return false;
        }
        split = s;
        ModelGraph g = s.request().model().graph();
        int f = s.request().fixedPoint().fractionBits();
        List<LayerItem> items = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < g.layers().size(); i++) {
            Layer l = g.layers().get(i);
            List<Param> ps = params(l, f);
            if (ps.isEmpty()) {
                continue;
            }
            Param main = ps.get(0);
            items.add(new LayerItem(i, l.name(), l.sourceOp(), main.role(), main.tensor().shape(), l.parameterCount()));
            total += l.parameterCount();
        }
        splitting.set(false);
        status.set(items.isEmpty()
                ? "'" + g.name() + "' has no parameters to hide."
                : String.format(java.util.Locale.ROOT, "%s: %,d parameters in %d layers, each encoded as a 64-bit fixed-point number"
                        + " (f = %d) and split into two random-looking shares.", s.request().model().name(), total,
                        items.size(), s.request().fixedPoint().fractionBits()));
        layers.setAll(items);
        selectedLayer.set(items.isEmpty() ? null : items.get(0));
        updateCanUpload();
        return true;
    }

    /** Shows why splitting a request's model failed (FX thread); ignored when the request is no longer current. */
    public void splitFailed(SplitRequest r, Throwable t) {
        if (r != request.get()) {
            return;
        }
        splitting.set(false);
        status.set("Could not split the model: " + Tasks.message(t));
        updateCanUpload();
    }

    private void modelChanged() {
        OpenModel m = state.modelProperty().get();
        split = null;
        layers.clear();
        selectedLayer.set(null);
        showLayer(null);
        if (!uploading.get()) {
            uploadStatus.set(m == null || state.cloudProperty().get() == null ? ""
                    : "Not uploaded to these servers yet.");
            uploadProgress.set(0);
        }
        if (m == null) {
            splitting.set(false);
            status.set("No model is open. " + NO_MODEL_HINT + ".");
            request.set(null);
        } else {
            splitting.set(true);
            status.set("Splitting " + m.name() + " into two shares…");
            request.set(new SplitRequest(SERIALS.incrementAndGet(), m, fixedPoint()));
        }
        updateCanUpload();
    }

    private FixedPoint fixedPoint() {
        return state.configProperty().get() == null ? FixedPoint.DEFAULT : state.configProperty().get().fixedPoint();
    }

    // ----------------------------------------------------------------- one layer

    /**
     * A layer's parameter tensors in the order {@link ModelShare#split} shares them, with the scale each
     * is encoded at (a missing bias is a null entry, as in the shares).
     */
    private static List<Param> params(Layer l, int f) {
        List<Param> ps = new ArrayList<>();
        if (l instanceof MatMulLayer m) {
            ps.add(new Param("weight", m.weight(), f));
            ps.add(m.bias() == null ? null : new Param("bias", m.bias(), 2 * f));
        } else if (l instanceof ConvLayer c) {
            ps.add(new Param("weight", c.weight(), f));
            ps.add(c.bias() == null ? null : new Param("bias", c.bias(), 2 * f));
        } else if (l instanceof BiasAddLayer b) {
            ps.add(new Param("bias", b.bias(), f));
        } else if (l instanceof AffineLayer a) {
            ps.add(new Param("scale", a.scale(), f));
            ps.add(new Param("shift", a.shift(), 2 * f));
        }
        return ps;
    }

    /**
     * How a parameter tensor is drawn: a conv weight [M, C, kh, kw] as M rows of C·kh·kw, a matrix as
     * stored, a vector as one row, anything else as rows of its last dimension.
     */
    static int[] matrixShape(Layer l, int[] shape) {
        int n = Shapes.size(shape);
        if (shape.length <= 1) {
            return new int[] {1, n};
        }
        if (l instanceof ConvLayer) {
            return new int[] {shape[0], n / Math.max(1, shape[0])};
        }
        int cols = shape[shape.length - 1];
        return new int[] {cols == 0 ? 0 : n / cols, cols};
    }

    /** {@code shown} indices spread evenly over 0..n−1 (all of them when n ≤ max). */
    static int[] sample(int n, int max) {
        int shown = Math.min(n, max);
        int[] idx = new int[shown];
        for (int i = 0; i < shown; i++) {
            idx[i] = (int) ((long) i * n / shown);
        }
        return idx;
    }

    /** A ring element drawn by its top 16 bits, as a grey level in [0,1]. */
    static double top16(long v) {
        return (v >>> 48) / 65535.0;
    }

    private void showLayer(LayerItem item) {
        Split s = split;
        if (item == null || s == null) {
            weights.set(null);
            share0.set(null);
            share1.set(null);
            sum.set(null);
            weightScale.set(1);
            checkPassed.set(false);
            check.set("");
            caption.set("");
            legend.set("");
            return;
        }
        FixedPoint fp = s.request().fixedPoint();
        int f = fp.fractionBits();
        Layer l = s.request().model().graph().layers().get(item.index());
        List<Param> ps = params(l, f);
        SharedTensor[] a = s.share(0).layer(item.index());
        SharedTensor[] b = s.share(1).layer(item.index());

        Param main = ps.get(0);
        int[] rc = matrixShape(l, main.tensor().shape());
        int cols = rc[1];
        int[] rows = sample(rc[0], MAX_ROWS);
        int[] columns = sample(cols, MAX_COLUMNS);
        float[] w = main.tensor().values();
        long[] s0 = a[0].values();
        long[] s1 = b[0].values();
        double[][] mw = new double[rows.length][columns.length];
        double[][] m0 = new double[rows.length][columns.length];
        double[][] m1 = new double[rows.length][columns.length];
        double[][] mr = new double[rows.length][columns.length];
        double scale = 0;
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < columns.length; j++) {
                int k = rows[i] * cols + columns[j];
                mw[i][j] = w[k];
                m0[i][j] = top16(s0[k]);
                m1[i][j] = top16(s1[k]);
                mr[i][j] = fp.decode(s0[k] + s1[k]);
                scale = Math.max(scale, Math.abs(mw[i][j]));
            }
        }

        // the check, on every parameter of the layer: reconstruct, compare with the owner's encoding
        long compared = 0;
        long wrong = 0;
        double rounding = 0;
        for (int k = 0; k < ps.size(); k++) {
            Param p = ps.get(k);
            if (p == null) {
                continue;
            }
            long[] expected = fp.encodeAt(p.tensor().values(), p.bits());
            long[] got = SharedTensor.reconstruct(a[k], b[k]).values();
            compared += expected.length;
            for (int i = 0; i < expected.length; i++) {
                if (got[i] != expected[i]) {
                    wrong++;
                }
            }
            if (k == 0) {
                for (int i = 0; i < w.length; i++) {
                    rounding = Math.max(rounding, Math.abs(fp.decode(got[i]) - w[i]));
                }
            }
        }

        weightScale.set(scale == 0 ? 1 : scale);
        weights.set(mw);
        share0.set(m0);
        share1.set(m1);
        sum.set(mr);
        checkPassed.set(wrong == 0 && compared > 0);
        String what = ps.stream().filter(p -> p != null).map(Param::role).reduce((x, y) -> x + " and " + y).orElse("");
        check.set(wrong == 0
                ? String.format(java.util.Locale.ROOT, "✓ share 0 + share 1 = weights: all %,d values of %s (%s) come back exactly"
                        + " (mod 2^64); the largest difference from the float %s is %.2g, the fixed-point rounding"
                        + " (at most 2^-%d).", compared, item.name(), what, plural(main.role()), rounding, f + 1)
                : String.format(java.util.Locale.ROOT, "✗ share 0 + share 1 ≠ weights: %,d of %,d values of %s do not reconstruct.",
                        wrong, compared, item.name()));

        String size = rc[0] + " × " + cols;
        boolean fewerRows = rows.length < rc[0];
        boolean fewerColumns = columns.length < cols;
        String drawn = !fewerRows && !fewerColumns ? ""
                : " Drawn at " + rows.length + " × " + columns.length + ", with "
                + (fewerRows && fewerColumns ? "rows and columns" : fewerRows ? "rows" : "columns")
                + " sampled evenly.";
        String layout = l instanceof ConvLayer ? " A convolution's filters " + Shapes.format(main.tensor().shape())
                + " are drawn one output channel per row." : "";
        String these = plural(main.role());
        caption.set("Left: the " + these + " of layer " + item.name() + " (" + size + ") as the model owner holds"
                + " them; nobody else ever sees this picture. Each value w is encoded as the 64-bit integer"
                + " round(w·2^" + f + ") and split as w = s0 + s1 (mod 2^64), where s1 comes from a cryptographic"
                + " random generator. Second and third: the share each server receives, drawn by its top 16 bits."
                + " It is uniform noise with no trace of the pattern on the left, so either server alone learns"
                + " nothing about the model. Side by side, share 0 looks like the negative of share 1: the two"
                + " cancel out to the small numbers that are the " + these + ". Right: adding the two shares gives"
                + " the " + these + " back exactly."
                + " The servers never do this addition; they compute on the shares." + layout + drawn);
        legend.set(String.format(java.util.Locale.ROOT, "Weights: blue = negative, white = 0, red = positive, full colour at ±%.3g"
                + " (strength grows with √|w|). Shares: black = 0, white = 2^64 − 1.", weightScale.get()));
    }

    private static String plural(String role) {
        return role.endsWith("s") ? role + "es" : role + "s";
    }

    // ----------------------------------------------------------------- upload

    /**
     * Uploads the shares on screen: share 0 to server 0, share 1 to server 1, through the app's
     * {@link Uploads} (same id and owner token as every other upload of the model in this session). Blocks;
     * call it from a background thread. Progress, status and, on success, the app's uploaded model id are
     * updated through the UI executor.
     */
    public CloudClient.Upload upload(CloudClient client) {
        Split s = split;
        try {
            if (client == null) {
                throw new IllegalStateException(NO_CLOUD_HINT + ".");
            }
            if (s == null) {
                throw new IllegalStateException("There are no shares to upload yet.");
            }
            ui.execute(() -> {
                uploading.set(true);
                uploadProgress.set(-1);
                uploadStatus.set("Sending share 0 to server 0 and share 1 to server 1…");
                updateCanUpload();
            });
            CloudClient.Upload u = state.uploads().upload(client, s.request().model(), s.shares());
            ui.execute(() -> {
                uploading.set(false);
                uploadProgress.set(1);
                uploadStatus.set(String.format(java.util.Locale.ROOT, "Uploaded as '%s': %s to server 0 and %s to"
                        + " server 1; each holds only its own share.", u.modelId(),
                        io.sonic.desktop.app.Bytes.exact(u.bytesPerServer()[0]),
                        io.sonic.desktop.app.Bytes.exact(u.bytesPerServer()[1])));
                state.uploads().uploaded(client, s.request().model(), u);
                updateCanUpload();
            });
            return u;
        } catch (RuntimeException e) {
            ui.execute(() -> {
                uploading.set(false);
                uploadProgress.set(0);
                uploadStatus.set("Upload failed: " + Tasks.message(e));
                updateCanUpload();
            });
            throw e;
        }
    }

    private void updateCanUpload() {
        boolean model = state.modelProperty().get() != null;
        boolean cloud = state.cloudProperty().get() != null;
        boolean ready = split != null;
        canUpload.set(model && cloud && ready && !uploading.get());
        uploadHint.set(!model ? NO_MODEL_HINT : !cloud ? NO_CLOUD_HINT : !ready && splitting.get()
                ? "Wait for the split to finish" : "");
    }
}
