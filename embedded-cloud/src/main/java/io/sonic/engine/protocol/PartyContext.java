package io.sonic.engine.protocol;

import io.sonic.engine.SecureConfig;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.Channel;

/** What a protocol step of one server needs: who it is, its link (a channel stack: the meter above the link), its randomness, the configuration. */
public record PartyContext(int party, Channel channel, Randomness randomness, SecureConfig config) {
    public boolean isZero() {
        return party == 0;
    }

    /** The protocol suite the configuration selects. */
    public Suite suite() {
        return Suite.of(config);
    }
}
