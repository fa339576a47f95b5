package io.sonic.cloud.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Request bodies are read strictly: every wrong type, duplicate and out-of-range number is refused by name. */
class ApiJsonTest {
    private static final String ID = "\"sessionId\":\"3f0c8a52-0000-4000-8000-000000000001\"";

    private static SessionRequest session(String fields) {
        return ApiJson.request(("{" + ID + ",\"modelId\":\"m2\"" + fields + "}").getBytes(StandardCharsets.UTF_8),
                SessionRequest.class);
    }

    private static String refused(String fields) {
        return assertThrows(ApiJson.MalformedJsonException.class, () -> session(fields)).getMessage();
    }

    @Test
    void wellTypedFieldsAreRead() {
        SessionRequest r = session(",\"batch\":2,\"step\":true,\"suite\":\"fss\"");
        assertEquals(2, r.batch());
        assertEquals(true, r.step());
        assertEquals("fss", r.suite());
        ModelMeta m = ApiJson.request("{\"inputRange\":{\"min\":0,\"max\":1.5}}".getBytes(StandardCharsets.UTF_8),
                ModelMeta.class);
        assertEquals(1.5, m.inputRange().max(), "an integer or a fraction for a real number");
        assertEquals(0, m.inputRange().min());
    }

    @Test
    void numbersStringsAndBooleansAreNotCoercedIntoEachOther() {
        String wrong = "field '%s' has the wrong type in a SessionRequest JSON object";
        assertEquals(String.format(wrong, "batch"), refused(",\"batch\":1.5"));
        assertEquals(String.format(wrong, "batch"), refused(",\"batch\":\"4\""));
        assertEquals(String.format(wrong, "step"), refused(",\"step\":1"));
        assertEquals(String.format(wrong, "step"), refused(",\"step\":\"yes\""));
        assertEquals(String.format(wrong, "suite"), refused(",\"suite\":5"));
        assertEquals(String.format(wrong, "linear"), refused(",\"linear\":true"));
    }

    @Test
    void aDuplicateFieldAndANumberOutOfRangeAreNamed() {
        assertEquals("field 'modelId' appears twice in a SessionRequest JSON object", refused(",\"modelId\":\"x\""));
        assertEquals("field 'batch' is out of the range of its type in a SessionRequest JSON object",
                refused(",\"batch\":2147483648"));
    }
}
