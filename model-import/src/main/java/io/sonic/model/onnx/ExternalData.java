package io.sonic.model.onnx;

import com.google.protobuf.UnsafeByteOperations;
import io.sonic.model.ModelException;
import io.sonic.model.Names;
import io.sonic.model.onnx.proto.OnnxProto.AttributeProto;
import io.sonic.model.onnx.proto.OnnxProto.GraphProto;
import io.sonic.model.onnx.proto.OnnxProto.ModelProto;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;
import io.sonic.model.onnx.proto.OnnxProto.StringStringEntryProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * ONNX external data: tensors whose bytes live in a file beside the model ({@code data_location = EXTERNAL},
 * with {@code location}, optional {@code offset}, {@code length} and SHA-1 {@code checksum} entries), as
 * {@code onnx.save_model(..., save_as_external_data=True)} and exporters of large models write them. Each such
 * tensor of the graph's initializers and of its nodes' tensor attributes is read into the model as raw data,
 * so that the rest of the import sees a self-contained model.
 *
 * <p>A location is a relative path inside the model's folder: an absolute path, a {@code ..} step, or a link
 * that leads out of the folder is refused, as is a range past the file's end. All external data together may
 * hold at most {@link #MAX_BYTES}.
 */
final class ExternalData {
    /** What a model's external data may hold in all (the limit of an ONNX file's own size). */
    static final long MAX_BYTES = 2L * 1024 * 1024 * 1024 - 1;

    private final Path folder;
    private final String source;
    private final Map<Path, FileChannel> open = new HashMap<>();
    private long bytesRead;

    private ExternalData(Path folder, String source) {
        this.folder = folder;
        this.source = source;
    }

    /** Whether any tensor of the model keeps its data in an external file. */
    static boolean uses(ModelProto model) {
        GraphProto g = model.getGraph();
        for (TensorProto t : g.getInitializerList()) {
            if (external(t)) {
                return true;
            }
        }
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if ((a.hasT() && external(a.getT())) || a.getTensorsList().stream().anyMatch(ExternalData::external)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean external(TensorProto t) {
        return (t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL)
                || t.getExternalDataCount() > 0;
    }

    /**
     * The model with every external tensor's data read from below {@code folder} (the model file's folder);
     * {@code source} names the model in messages. Returns the bytes read beside the model with it.
     */
    static Inlined inline(ModelProto model, Path folder, String source) {
        if (!uses(model)) {
            return new Inlined(model, 0);
        }
        ExternalData reader = new ExternalData(folder, source);
        try {
            ModelProto.Builder m = model.toBuilder();
            GraphProto.Builder g = m.getGraphBuilder();
            for (int i = 0; i < g.getInitializerCount(); i++) {
                TensorProto t = g.getInitializer(i);
                if (external(t)) {
                    g.setInitializer(i, reader.read(t, "initializer " + Names.quote(t.getName())));
                }
            }
            for (int i = 0; i < g.getNodeCount(); i++) {
                NodeProto n = g.getNode(i);
                for (int j = 0; j < n.getAttributeCount(); j++) {
                    AttributeProto a = n.getAttribute(j);
                    String where = "node " + GraphCheck.nodeName(n, i) + ", attribute " + Names.quote(a.getName());
                    AttributeProto.Builder ab = null;
                    if (a.hasT() && external(a.getT())) {
                        ab = a.toBuilder().setT(reader.read(a.getT(), where));
                    }
                    for (int k = 0; k < a.getTensorsCount(); k++) {
                        if (external(a.getTensors(k))) {
                            ab = ab == null ? a.toBuilder() : ab;
                            ab.setTensors(k, reader.read(a.getTensors(k), where));
                        }
                    }
                    if (ab != null) {
                        g.getNodeBuilder(i).setAttribute(j, ab);
                    }
                }
            }
            return new Inlined(m.build(), reader.bytesRead);
        } finally {
            reader.close();
        }
    }

    /** A model whose tensors all hold their own data, and how many bytes were read beside it. */
    record Inlined(ModelProto model, long externalBytes) {
    }

    private TensorProto read(TensorProto t, String where) {
        String location = null;
        long offset = 0;
        long length = -1;
        String checksum = null;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = number(e.getValue(), where, "offset");
                case "length" -> length = number(e.getValue(), where, "length");
                case "checksum" -> checksum = e.getValue();
                default -> {
                    // other keys (e.g. "basepath" of some writers) carry nothing Sonic needs
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new ModelException(where + " of " + source + " keeps its data in an external file but names no"
                    + " file (no 'location' entry); the file is damaged or was written by a faulty tool");
        }
        Path file = resolve(location, where);
        FileChannel ch = channel(file, location, where);
        long size;
        try {
            size = ch.size();
        } catch (IOException e) {
            throw new ModelException("cannot read " + quote(location) + ", the external data of " + where + " of "
                    + source + ": " + e.getMessage());
        }
        if (offset > size) {
            throw new ModelException(where + " of " + source + " starts at byte " + offset + " of " + quote(location)
                    + ", which holds only " + size + " bytes; the data file is truncated or belongs to another model");
        }
        if (length < 0) {
            length = size - offset;
        }
        if (offset + length > size) {
            throw new ModelException(where + " of " + source + " takes bytes " + offset + " to " + (offset + length)
                    + " of " + quote(location) + ", which holds only " + size + " bytes; the data file is truncated"
                    + " or belongs to another model");
        }
        if (bytesRead + length > MAX_BYTES) {
            throw new ModelException("the external data of " + source + " holds more than 2 GiB, more than Sonic"
                    + " reads; a model that large is far beyond what secure inference here can run");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) length);
        try {
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new ModelException(quote(location) + " ended while reading " + where + " of " + source
                            + "; the data file is truncated");
                }
            }
        } catch (IOException e) {
            throw new ModelException("cannot read " + quote(location) + ", the external data of " + where + " of "
                    + source + ": " + e.getMessage());
        }
        bytesRead += length;
        byte[] data = buf.array();
        if (checksum != null && !checksum.equalsIgnoreCase(sha1(data))) {
            throw new ModelException(where + " of " + source + ": its bytes in " + quote(location) + " do not match"
                    + " the SHA-1 checksum the model states; the data file is damaged or belongs to another version"
                    + " of the model");
        }
        // the buffer is this method's own and never written again: wrapped, not copied
        return t.toBuilder().clearExternalData().clearDataLocation().setRawData(UnsafeByteOperations.unsafeWrap(data))
                .build();
    }

    /** The file a location names, which must lie inside the model's folder (links followed). */
    private Path resolve(String location, String where) {
        Path rel;
        try {
            rel = Path.of(location);
        } catch (InvalidPathException e) {
            throw new ModelException(where + " of " + source + " names the external data file " + quote(location)
                    + ", which is not a valid file name here");
        }
        boolean escapes = rel.isAbsolute();
        for (Path part : rel) {
            escapes |= part.toString().equals("..");
        }
        if (escapes) {
            throw new ModelException(where + " of " + source + " names the external data file " + quote(location)
                    + ", outside the model's folder; Sonic reads external data only from files in the folder of"
                    + " the .onnx file (or below it), as ONNX requires");
        }
        Path file = folder.resolve(rel).normalize();
        try {
            Path realFolder = folder.toRealPath();
            Path real = file.toRealPath();
            if (!real.startsWith(realFolder)) {
                throw new ModelException(where + " of " + source + " names the external data file " + quote(location)
                        + ", a link that leads outside the model's folder; Sonic reads external data only from"
                        + " files in the folder of the .onnx file");
            }
            if (!Files.isRegularFile(real)) {
                throw new ModelException(where + " of " + source + " names the external data file "
                        + quote(location) + ", which is not a file");
            }
            return real;
        } catch (NoSuchFileException e) {
            throw new ModelException(where + " of " + source + " keeps its data in the file " + quote(location)
                    + ", which is not in " + folder.toAbsolutePath() + "; copy that file beside the .onnx file (an"
                    + " ONNX model with external data is the .onnx file and its data files together)");
        } catch (IOException e) {
            throw new ModelException("cannot read " + quote(location) + ", the external data of " + where + " of "
                    + source + ": " + e.getMessage());
        }
    }

    private FileChannel channel(Path file, String location, String where) {
        FileChannel ch = open.get(file);
        if (ch == null) {
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new ModelException("cannot read " + quote(location) + ", the external data of " + where + " of "
                        + source + ": " + e.getMessage());
            }
            open.put(file, ch);
        }
        return ch;
    }

    private long number(String value, String where, String key) {
        try {
            long v = Long.parseLong(value.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw new ModelException(where + " of " + source + " states its external data's " + key + " as "
                + quote(value) + ", not a byte count; the file is damaged");
    }

    private static String sha1(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    private static String quote(String s) {
        return Names.quote(s.length() > 200 ? s.substring(0, 200) + "…" : s);
    }

    private void close() {
        for (FileChannel ch : open.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only: nothing is lost
            }
        }
    }
}
