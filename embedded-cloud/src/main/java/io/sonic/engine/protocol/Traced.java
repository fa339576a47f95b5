package io.sonic.engine.protocol;

import io.sonic.engine.SecureConfig;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.EchoChannel;
import io.sonic.engine.net.MeteredChannel;

import java.util.List;
import java.util.function.Consumer;

/**
 * The plan of any piece of protocol code, traced: the code runs as party 0 on whatever inputs it closes
 * over, against a recording source and a peer that echoes zeros (protocols are oblivious, so the steps are
 * those of a real run), and the needs it asked for are its plan.
 */
public final class Traced {
    private Traced() {
    }

    public static List<Need<?>> plan(SecureConfig cfg, Consumer<PartyContext> body) {
        Randomness.Recording rec = Randomness.recording();
        body.accept(new PartyContext(0, new MeteredChannel(new EchoChannel()), rec, cfg));
        return rec.plan();
    }
}
