package io.sonic.engine.dealer;

/**
 * What the dealer sends one server for one item beyond its seed: one or more arrays of ring elements
 * (for an FSS item, the keys' correction words, the same array for both servers, then server 1's
 * corrections of its shares), kept apart so that no side copies megabytes of keys to join them.
 */
public record Payload(long[]... parts) {
    public static final Payload NONE = new Payload();

    /** Ring elements in all parts. */
    public long longs() {
        long n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        return n;
    }

    public long[] part(int i) {
        return parts[i];
    }
}
