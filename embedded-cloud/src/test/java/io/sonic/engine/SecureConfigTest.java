package io.sonic.engine;

import io.sonic.engine.net.LinkProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one encoding of a configuration: every combination reads back from its text and its fields. */
class SecureConfigTest {
    @Test
    void everyConfigurationReadsBackFromItsTextAndFields() {
        int n = 0;
        for (SecureConfig.Suite s : SecureConfig.Suite.values()) {
            for (SecureConfig.LinearMode l : SecureConfig.LinearMode.values()) {
                for (SecureConfig.TruncationMode t : SecureConfig.TruncationMode.values()) {
                    for (SecureConfig.OutputMode o : SecureConfig.OutputMode.values()) {
                        for (LinkProfile link : new LinkProfile[] {LinkProfile.LOOPBACK, LinkProfile.LAN,
                                LinkProfile.WAN, LinkProfile.parse("latency=1.5ms,bandwidth=10mbit,jitter=250us")}) {
                            for (SecureConfig.Preprocessing pre : SecureConfig.Preprocessing.values()) {
                                if (SecureConfig.refusal(s, pre) != null) {
                                    continue;
                                }
                                SecureConfig c = new SecureConfig(12, s, l, t, o, link, pre, Duration.ofSeconds(3));
                                assertEquals(c, SecureConfig.parseText(c.text(), SecureConfig.DEFAULT
                                        .withTimeout(Duration.ofSeconds(3))));
                                assertEquals(c, SecureConfig.fromFields(c.fields(), SecureConfig.DEFAULT
                                        .withTimeout(Duration.ofSeconds(3))));
                                n++;
                            }
                        }
                    }
                }
            }
        }
        assertEquals(64 + 32, n);
        assertEquals("suite=sonic linear=faithful truncation=exact output=logits link=loopback preprocessing=dealer"
                + " fractionBits=16", SecureConfig.DEFAULT.text());
    }

    @Test
    void theFssSuiteWithoutADealerIsRefusedWithTheReasonInWhateverOrderTheOptionsCome() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SecureConfig.parseText("preprocessing=ot suite=fss", SecureConfig.DEFAULT));
        assertTrue(e.getMessage().contains("the FSS suite needs a dealer"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SecureConfig.parseText("suite=fss preprocessing=ot", SecureConfig.DEFAULT));
        // switching both in one reading is fine in either order
        SecureConfig ot = SecureConfig.parseText("suite=sonic preprocessing=ot", SecureConfig.DEFAULT.withSuite(
                SecureConfig.Suite.FSS));
        assertEquals(SecureConfig.Preprocessing.OT, ot.preprocessing());
        assertEquals(SecureConfig.Suite.FSS, SecureConfig.parseText("preprocessing=dealer suite=fss", ot).suite());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> SecureConfig.parseText("preprocessing=he", SecureConfig.DEFAULT));
        assertEquals("preprocessing must be dealer or ot, not 'he'", bad.getMessage());
    }

    @Test
    void absentFieldsKeepTheBaseAndWrongOnesAreNamed() {
        SecureConfig c = SecureConfig.fromFields(Map.of(SecureConfig.SUITE, "FSS"), SecureConfig.DEFAULT);
        assertEquals(SecureConfig.Suite.FSS, c.suite());
        assertEquals(SecureConfig.DEFAULT.linear(), c.linear());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SecureConfig.fromFields(Map.of(SecureConfig.SUITE, "gc"), SecureConfig.DEFAULT));
        assertEquals("suite must be sonic or fss, not 'gc'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SecureConfig.parseText("linear=sometimes",
                SecureConfig.DEFAULT));
        assertTrue(e.getMessage().contains("faithful or mask-reuse"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SecureConfig.parseText("colour=red", SecureConfig.DEFAULT));
        assertTrue(e.getMessage().contains("unknown secure option 'colour'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SecureConfig.parseText("fractionBits=40", SecureConfig.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> SecureConfig.parseText("suite", SecureConfig.DEFAULT));
    }
}
