package io.sonic.cloud.dealer;

import io.sonic.engine.crypto.Prg;
import io.sonic.engine.dealer.Dealer;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.Payload;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One server's part of a deal on the wire, encoded and decoded item by item so that neither the dealer nor
 * the server holds more than the item at hand (and what the server reads ahead):
 * [16-byte seed][int count][per item: int parts, per part: int length, length little-endian longs].
 */
public final class DealAnswer {
    private DealAnswer() {
    }

    /** The answer as chunks: the header, then one chunk per item, each computed when it is asked for. */
    public static Iterator<ByteBuffer> chunks(Dealer.Dealt d, int party) {
        Iterator<Payload> items = d.payloads(party);
        return new Iterator<>() {
            private boolean header = true;

            @Override
            public boolean hasNext() {
                return header || items.hasNext();
            }

            @Override
            public ByteBuffer next() {
                if (header) {
                    header = false;
                    return ByteBuffer.allocate(Prg.SEED_BYTES + 4).order(ByteOrder.LITTLE_ENDIAN).put(d.seed(party))
                            .putInt(d.plan().size()).flip();
                }
                return item(items.next());
            }
        };
    }

    private static ByteBuffer item(Payload p) {
        long size = 4;
        for (long[] part : p.parts()) {
            size += 4 + 8L * part.length;
        }
        if (size > Integer.MAX_VALUE - 64) {
            throw new IllegalStateException("one item of this query's correlated randomness has " + size
                    + " bytes, more than one message can carry");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(p.parts().length);
        for (long[] part : p.parts()) {
            b.putInt(part.length);
            b.asLongBuffer().put(part);
            b.position(b.position() + 8 * part.length);
        }
        return b.flip();
    }

    /** The whole answer in one array (for tests and small deals). */
    public static byte[] bytes(Dealer.Dealt d, int party) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Iterator<ByteBuffer> it = chunks(d, party); it.hasNext(); ) {
            ByteBuffer b = it.next();
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        return out.toByteArray();
    }

    /** A server's part of a deal: its seed and its payloads, decoded item by item as they are read. */
    public record Part(byte[] seed, Iterator<Payload> payloads) {
    }

    public static Part decode(byte[] bytes, List<Need<?>> plan, int party) {
        return decode(new ByteArrayInputStream(bytes), plan, party);
    }

    /**
     * Reads the header now and each item when it is asked for, checking its part count and lengths against
     * the plan; a broken or short stream fails with a message that carries no values.
     */
    public static Part decode(InputStream in, List<Need<?>> plan, int party) {
        byte[] seed = read(in, Prg.SEED_BYTES);
        int n = ByteBuffer.wrap(read(in, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (n != plan.size()) {
            throw new IllegalStateException("the dealer sent " + n + " items, expected " + plan.size());
        }
        Iterator<Payload> items = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public Payload next() {
                if (next >= n) {
                    throw new NoSuchElementException();
                }
                Need<?> need = plan.get(next);
                int parts = Dealer.payloadParts(need, party);
                if (readInt(in) != parts) {
                    throw new IllegalStateException("the dealer's item " + next + " is not in " + parts + " parts");
                }
                long want = Dealer.payloadLongs(need, party);
                long total = 0;
                long[][] arrays = new long[parts][];
                for (int k = 0; k < parts; k++) {
                    int len = readInt(in);
                    if (len < 0 || total + len > want) {
                        throw new IllegalStateException("the dealer's item " + next + " is longer than the "
                                + want + " values planned");
                    }
                    arrays[k] = new long[len];
                    ByteBuffer.wrap(read(in, 8 * len)).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(arrays[k]);
                    total += len;
                }
                if (total != want) {
                    throw new IllegalStateException("the dealer's item " + next + " has " + total + " values, "
                            + want + " expected");
                }
                next++;
                return new Payload(arrays);
            }
        };
        return new Part(seed, items);
    }

    private static int readInt(InputStream in) {
        return ByteBuffer.wrap(read(in, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static byte[] read(InputStream in, int n) {
        try {
            byte[] b = in.readNBytes(n);
            if (b.length != n) {
                throw new EOFException();
            }
            return b;
        } catch (IOException e) {
            throw new IllegalStateException("the dealer's answer broke off (" + e.getClass().getSimpleName() + ")");
        }
    }
}
