package io.sonic.engine.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Packs ring elements into one message and back: little-endian longs, several arrays concatenated
 * (the receiver knows their lengths from the protocol, so nothing else travels).
 */
public final class Messages {
    private Messages() {
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
        if (message.length != n * Long.BYTES) {
            throw new ChannelException("protocol error: expected a message of " + n * Long.BYTES + " bytes, got "
                    + message.length);
        }
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
