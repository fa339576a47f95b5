package io.sonic.cloud.dealer;

import io.sonic.engine.SecureConfig;
import io.sonic.engine.dealer.Dealer;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.Payload;
import io.sonic.engine.protocol.FssReluProtocol;
import io.sonic.engine.protocol.Traced;
import io.sonic.engine.protocol.TruncationProtocol;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dealer's answer on the wire: written item by item, read back item by item, checked against the plan. */
class DealAnswerTest {
    private static List<Need<?>> plan() {
        SecureConfig cfg = SecureConfig.DEFAULT;
        long[] x = new long[100];
        return Traced.plan(cfg, ctx -> {
            FssReluProtocol.relu(ctx, 0, x);
            TruncationProtocol.truncate(ctx, 1, x);
        });
    }

    @Test
    void theChunksAreTheHeaderThenOneItemEachAndReadBackExactly() {
        List<Need<?>> plan = plan();
        Dealer.Dealt d = Dealer.deal(plan, null, 2);
        for (int party = 0; party < 2; party++) {
            int chunks = 0;
            for (Iterator<ByteBuffer> it = DealAnswer.chunks(d, party); it.hasNext(); it.next()) {
                chunks++;
            }
            assertEquals(1 + plan.size(), chunks, "a header, then one chunk per item, made as it is written");
            DealAnswer.Part part = DealAnswer.decode(DealAnswer.bytes(d, party), plan, party);
            assertArrayEquals(d.seed(party), part.seed());
            Iterator<Payload> want = d.payloads(party);
            int items = 0;
            while (part.payloads().hasNext()) {
                Payload got = part.payloads().next();
                Payload exp = want.next();
                assertEquals(exp.parts().length, got.parts().length);
                for (int k = 0; k < exp.parts().length; k++) {
                    assertTrue(Arrays.equals(exp.part(k), got.part(k)), "item " + items + " part " + k);
                }
                items++;
            }
            assertEquals(plan.size(), items);
        }
    }

    @Test
    void aShortOrForeignAnswerFailsWithAClearMessage() {
        List<Need<?>> plan = plan();
        byte[] full = DealAnswer.bytes(Dealer.deal(plan, null, 2), 1);
        byte[] cut = Arrays.copyOf(full, full.length / 2);
        DealAnswer.Part part = DealAnswer.decode(new ByteArrayInputStream(cut), plan, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            while (part.payloads().hasNext()) {
                part.payloads().next();
            }
        });
        assertTrue(e.getMessage().contains("the dealer's answer broke off"), e.getMessage());
        // an answer for another plan: the counts or lengths do not fit
        List<Need<?>> other = List.of(plan.get(1), plan.get(0));
        IllegalStateException wrong = assertThrows(IllegalStateException.class,
                () -> DealAnswer.decode(full, other, 1).payloads().next());
        assertTrue(wrong.getMessage().startsWith("the dealer's item 0"), wrong.getMessage());
        assertThrows(IllegalStateException.class, () -> DealAnswer.decode(new byte[5], plan, 0));
    }
}
