package io.sonic.engine.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Packs ring elements into one message and back: little-endian longs, several arrays concatenated
 * (the receiver knows their lengths from the protocol, so nothing else travels).
 */
public final class Messages {
    private Messages() {
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** A message of {@code longs} ring elements, all zero, to fill with {@link #put}. */
    public static byte[] allocate(int longs) {
        return new byte[Math.multiplyExact(longs, Long.BYTES)];
    }

    /** Writes ring element {@code index} of a message, in the byte order {@link #pack} uses. */
    public static void put(byte[] message, int index, long value) {
        LONGS.set(message, index * Long.BYTES, value);
    }

    /** Reads ring element {@code index} of a message. */
    public static long get(byte[] message, int index) {
        return (long) LONGS.get(message, index * Long.BYTES);
    }

    /** Refuses a message that does not hold exactly {@code longs} ring elements. */
    public static void requireLongs(byte[] message, int longs) {
        if (message.length != (long) longs * Long.BYTES) {
            throw new ChannelException("protocol error: expected a message of " + (long) longs * Long.BYTES
                    + " bytes, got " + message.length);
        }
    }

    public static byte[] pack(long[]... parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] p : parts) {
            b.asLongBuffer().put(p);
            b.position(b.position() + p.length * Long.BYTES);
        }
        return b.array();
    }

    /** Splits a message into arrays of the given lengths; the message must have exactly that size. */
    public static long[][] unpack(byte[] message, int... lengths) {
        int n = 0;
        for (int l : lengths) {
            n += l;
        }
        requireLongs(message, n);
        ByteBuffer b = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        long[][] r = new long[lengths.length][];
        for (int i = 0; i < lengths.length; i++) {
            r[i] = new long[lengths[i]];
            b.asLongBuffer().get(r[i]);
            b.position(b.position() + lengths[i] * Long.BYTES);
        }
        return r;
    }
}
