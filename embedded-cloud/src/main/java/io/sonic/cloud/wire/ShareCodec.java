package io.sonic.cloud.wire;

import io.sonic.engine.ModelShare;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compact binary forms of secret shares: a server's whole {@link ModelShare}, and single shared
 * tensors (a user's input share, a server's output share). Values are never written as text.
 *
 * <p>The whole format is <b>little-endian</b>: every {@code int} is 4 bytes and every ring value a
 * 64-bit two's-complement {@code long} of 8 bytes, least significant byte first.
 *
 * <p>A model share:
 * <pre>
 * "SNSH" (4 ASCII bytes) | version = 1 (int) | party (int) | fractionBits (int) | layer count (int)
 * per layer with parameters, by increasing layer index:
 *     layer index (int) | tensor count (int)
 *     per tensor: present (1 byte: 0 or 1), and if present: rank (int) | dims (rank ints) | values (longs)
 * </pre>
 * The tensors of a layer come in the order of {@link ModelShare#split}: matmul and conv (weight at
 * 2^f, bias at 2^2f or absent), bias-add (bias at 2^f), affine (scale at 2^f, shift at 2^2f).
 *
 * <p>A shared tensor:
 * <pre>
 * "SNTS" (4 ASCII bytes) | party (int) | rank (int) | dims (rank ints) | values (longs)
 * </pre>
 * Decoding checks every field against what the receiver expects (party, the public structure's
 * shapes, the exact length) and throws a {@link BadPayloadException} naming the first problem.
 */
public final class ShareCodec {
    /** Version of the model share format this codec writes and reads. */
    public static final int VERSION = 1;
    private static final byte[] SHARE_MAGIC = {'S', 'N', 'S', 'H'};
    private static final byte[] TENSOR_MAGIC = {'S', 'N', 'T', 'S'};

    private ShareCodec() {
    }

    /** The binary form of one server's model share. */
    public static byte[] encode(ModelShare share) {
        Map<Integer, SharedTensor[]> layers = new TreeMap<>(share.all());
        long size = 20;
        for (SharedTensor[] tensors : layers.values()) {
            size += 8;
            for (SharedTensor t : tensors) {
                size += 1 + (t == null ? 0 : tensorBytes(t));
            }
        }
        ByteBuffer b = allocate(size, "model share");
        b.put(SHARE_MAGIC).putInt(VERSION).putInt(share.party()).putInt(share.fractionBits()).putInt(layers.size());
        for (Map.Entry<Integer, SharedTensor[]> e : layers.entrySet()) {
            b.putInt(e.getKey()).putInt(e.getValue().length);
            for (SharedTensor t : e.getValue()) {
                if (t == null) {
                    b.put((byte) 0);
                } else {
                    if (t.party() != share.party()) {
                        throw new IllegalArgumentException("layer " + e.getKey() + " holds a share of party "
                                + t.party() + " in a model share of party " + share.party());
                    }
                    b.put((byte) 1);
                    putTensor(b, t);
                }
            }
        }
        return b.array();
    }

    /**
     * Reads a model share and checks it against the public structure it belongs to: the magic and
     * version, the party, and that exactly the structure's layers with parameters are present, each
     * with exactly the parameter shapes the structure says, and nothing after them.
     *
     * @throws BadPayloadException naming the first problem found
     */
    public static ModelShare decode(byte[] bytes, ModelGraph structure, int expectedParty) {
        Reader r = new Reader(bytes, "share payload");
        r.magic(SHARE_MAGIC, "a Sonic model share (magic SNSH)");
        int version = r.readInt("the format version");
        if (version != VERSION) {
            throw new BadPayloadException("the share payload has format version " + version
                    + "; this server reads version " + VERSION);
        }
        int party = r.readInt("the party");
        if (party != expectedParty) {
            throw new BadPayloadException("the share payload is server " + party + "'s share, but this is server "
                    + expectedParty);
        }
        int fractionBits = r.readInt("the fraction bits");
        if (fractionBits < 1 || fractionBits > io.sonic.model.eval.FixedPoint.MAX_FRACTION_BITS) {
            throw new BadPayloadException("the share payload has " + fractionBits
                    + " fraction bits; Sonic uses 1 to 30");
        }
        Map<Integer, int[][]> expected = expectedShapes(structure);
        int count = r.readInt("the layer count");
        if (count != expected.size()) {
            throw new BadPayloadException("the share payload has parameters for " + count
                    + " layers, but the structure has " + expected.size() + " layers with parameters");
        }
        Map<Integer, SharedTensor[]> params = new HashMap<>();
        for (int n = 0; n < count; n++) {
            int index = r.readInt("a layer index");
            int[][] want = expected.get(index);
            if (want == null) {
                throw new BadPayloadException("the share payload has parameters for layer " + index + ", which "
                        + (index < 0 || index >= structure.layers().size() ? "does not exist"
                        : "is a " + structure.layers().get(index).kind() + " layer without parameters"));
            }
            if (params.containsKey(index)) {
                throw new BadPayloadException("the share payload lists layer " + index + " twice");
            }
            String[] roles = roles(structure.layers().get(index));
            int tensors = r.readInt("the tensor count of layer " + index);
            if (tensors != want.length) {
                throw new BadPayloadException("layer " + index + " has " + tensors + " tensors in the share payload,"
                        + " but the structure expects " + want.length + " (" + String.join(", ", roles) + ")");
            }
            SharedTensor[] s = new SharedTensor[want.length];
            for (int k = 0; k < want.length; k++) {
                String what = "layer " + index + " " + roles[k];
                byte present = r.readByte(what);
                if (present == 0) {
                    if (want[k] != null) {
                        throw new BadPayloadException(what + " is missing from the share payload");
                    }
                } else if (present == 1) {
                    if (want[k] == null) {
                        throw new BadPayloadException(what + " is in the share payload, but the structure has none");
                    }
                    int[] shape = r.readShape(what);
                    if (!Arrays.equals(shape, want[k])) {
                        throw new BadPayloadException(what + " has shape " + Shapes.format(shape)
                                + ", the structure says " + Shapes.format(want[k]));
                    }
                    s[k] = new SharedTensor(party, shape, r.readLongs(Shapes.size(shape), what));
                } else {
                    throw new BadPayloadException(what + " has the presence flag " + present + ", expected 0 or 1");
                }
            }
            params.put(index, s);
        }
        r.end("its last layer");
        return new ModelShare(party, fractionBits, params);
    }

    /** The binary form of one shared tensor. */
    public static byte[] encodeTensor(SharedTensor t) {
        ByteBuffer b = allocate(8 + tensorBytes(t), "shared tensor");
        b.put(TENSOR_MAGIC).putInt(t.party());
        putTensor(b, t);
        return b.array();
    }

    /**
     * Reads one shared tensor of the given party.
     *
     * @param expectedShape the shape it must have, or null to accept any shape that fits the payload
     * @throws BadPayloadException naming the first problem found
     */
    public static SharedTensor decodeTensor(byte[] bytes, int expectedParty, int[] expectedShape) {
        return decodeTensor(bytes, expectedParty, expectedShape, -1);
    }

    /**
     * Reads one shared tensor of the given party whose shape, whatever it is, holds
     * {@code expectedSize} values.
     *
     * @throws BadPayloadException naming the first problem found
     */
    public static SharedTensor decodeTensor(byte[] bytes, int expectedParty, int expectedSize) {
        return decodeTensor(bytes, expectedParty, null, expectedSize);
    }

    private static SharedTensor decodeTensor(byte[] bytes, int expectedParty, int[] expectedShape, int expectedSize) {
        Reader r = new Reader(bytes, "tensor payload");
        r.magic(TENSOR_MAGIC, "a Sonic shared tensor (magic SNTS)");
        int party = r.readInt("the party");
        if (party != expectedParty) {
            throw new BadPayloadException("the tensor payload is server " + party + "'s share, but server "
                    + expectedParty + "'s is expected");
        }
        int[] shape = r.readShape("the tensor");
        if (expectedShape != null && !Arrays.equals(shape, expectedShape)) {
            throw new BadPayloadException("the tensor payload has shape " + Shapes.format(shape) + ", expected "
                    + Shapes.format(expectedShape));
        }
        int size = Shapes.size(shape);
        if (expectedSize >= 0 && size != expectedSize) {
            throw new BadPayloadException("the tensor payload has shape " + Shapes.format(shape) + " of " + size
                    + " values, expected " + expectedSize);
        }
        long[] values = r.readLongs(size, "the tensor");
        r.end("its values");
        return new SharedTensor(party, shape, values);
    }

    // ---------------------------------------------------------------- structure

    /** Per layer with parameters, the shapes of its shares in split order (null where absent). */
    static Map<Integer, int[][]> expectedShapes(ModelGraph structure) {
        Map<Integer, int[][]> m = new HashMap<>();
        for (int i = 0; i < structure.layers().size(); i++) {
            Layer l = structure.layers().get(i);
            if (l instanceof MatMulLayer mm) {
                m.put(i, new int[][] {mm.weight().shape(), mm.bias() == null ? null : mm.bias().shape()});
            } else if (l instanceof ConvLayer c) {
                m.put(i, new int[][] {c.weight().shape(), c.bias() == null ? null : c.bias().shape()});
            } else if (l instanceof BiasAddLayer b) {
                m.put(i, new int[][] {b.bias().shape()});
            } else if (l instanceof AffineLayer a) {
                m.put(i, new int[][] {a.scale().shape(), a.shift().shape()});
            }
        }
        return m;
    }

    private static String[] roles(Layer l) {
        if (l instanceof BiasAddLayer) {
            return new String[] {"bias"};
        } else if (l instanceof AffineLayer) {
            return new String[] {"scale", "shift"};
        }
        return new String[] {"weight", "bias"};
    }

    // ---------------------------------------------------------------- bytes

    private static long tensorBytes(SharedTensor t) {
        return 4 + 4L * t.shape().length + 8L * t.size();
    }

    /** The exact length of {@link #encodeTensor}'s bytes for a tensor of this shape. */
    public static long tensorPayloadBytes(int[] shape) {
        return 8 + 4 + 4L * shape.length + 8L * Shapes.size(shape);
    }

    private static ByteBuffer allocate(long size, String what) {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the " + what + " needs " + size + " bytes, too many for one payload");
        }
        return ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void putTensor(ByteBuffer b, SharedTensor t) {
        int[] shape = t.shape();
        b.putInt(shape.length);
        for (int d : shape) {
            b.putInt(d);
        }
        long[] v = t.values();
        b.asLongBuffer().put(v);
        b.position(b.position() + 8 * v.length);
    }

    /** Sequential little-endian reads that fail with a {@link BadPayloadException} instead of running off the end. */
    private static final class Reader {
        private final ByteBuffer b;
        private final String what;

        Reader(byte[] bytes, String what) {
            if (bytes == null) {
                throw new BadPayloadException("the " + what + " is empty");
            }
            this.b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            this.what = what;
        }

        private void need(long n, String item) {
            if (b.remaining() < n) {
                throw new BadPayloadException("truncated " + what + ": expected " + (n - b.remaining())
                        + " more bytes (reading " + item + ")");
            }
        }

        void magic(byte[] magic, String description) {
            if (b.remaining() < magic.length || !Arrays.equals(Arrays.copyOf(b.array(), magic.length), magic)) {
                throw new BadPayloadException("the " + what + " is not " + description);
            }
            b.position(magic.length);
        }

        int readInt(String item) {
            need(4, item);
            return b.getInt();
        }

        byte readByte(String item) {
            need(1, item);
            return b.get();
        }

        int[] readShape(String item) {
            int rank = readInt("the rank of " + item);
            if (rank < 0 || rank > GraphCodec.MAX_RANK) {
                throw new BadPayloadException(item + " has rank " + rank + " in the " + what
                        + "; Sonic reads ranks 0 to " + GraphCodec.MAX_RANK);
            }
            need(4L * rank, "the dimensions of " + item);
            int[] shape = new int[rank];
            long n = 1;
            for (int i = 0; i < rank; i++) {
                shape[i] = b.getInt();
                if (shape[i] <= 0) {
                    throw new BadPayloadException(item + " has a dimension " + shape[i] + " in the " + what
                            + "; dimensions are positive");
                }
                n *= shape[i];
                if (n > GraphCodec.MAX_TENSOR_ELEMENTS) {
                    throw new BadPayloadException(item + " has more than " + GraphCodec.MAX_TENSOR_ELEMENTS
                            + " values in the " + what);
                }
            }
            return shape;
        }

        long[] readLongs(int n, String item) {
            need(8L * n, "the values of " + item);
            long[] v = new long[n];
            b.asLongBuffer().get(v);
            b.position(b.position() + 8 * n);
            return v;
        }

        void end(String after) {
            if (b.hasRemaining()) {
                throw new BadPayloadException("the " + what + " has " + b.remaining() + " unexpected bytes after "
                        + after);
            }
        }
    }
}
