package io.sonic.cloud.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * JSON for the API records: requests are read strictly (unknown or duplicate fields, a missing body,
 * {@code null} and wrong types are refused with a message naming the field), answers leniently.
 */
public final class ApiJson {
    private static final com.fasterxml.jackson.databind.cfg.CoercionAction FAIL =
            com.fasterxml.jackson.databind.cfg.CoercionAction.Fail;
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // a number is a number, a string a string, a boolean a boolean: 1.5, "4" or 1 for a count or a flag
            // are the wrong type, not 1, 4 and true
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(com.fasterxml.jackson.databind.type.LogicalType.Boolean, c -> c
                    .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Integer, FAIL))
            .withCoercionConfig(com.fasterxml.jackson.databind.type.LogicalType.Textual, c -> c
                    .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Integer, FAIL)
                    .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Float, FAIL)
                    .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Boolean, FAIL))
            .withCoercionConfig(com.fasterxml.jackson.databind.type.LogicalType.Integer, c -> c
                    .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.String, FAIL)
                    .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Float, FAIL))
            .build();
    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** A JSON body that does not have the expected form; the message names what is wrong. */
    public static final class MalformedJsonException extends RuntimeException {
        MalformedJsonException(String message) {
            super(message);
        }
    }

    private ApiJson() {
    }

    /** Reads a request body strictly. */
    public static <T> T request(byte[] body, Class<T> type) {
        return read(STRICT, body, type);
    }

    /** Reads an answer leniently (fields a newer node adds are ignored). */
    public static <T> T answer(byte[] body, Class<T> type) {
        return read(LENIENT, body, type);
    }

    public static byte[] write(Object value) {
        try {
            return LENIENT.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static String writeString(Object value) {
        try {
            return LENIENT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static <T> T read(ObjectMapper mapper, byte[] body, Class<T> type) {
        String what = "a " + type.getSimpleName() + " JSON object";
        if (body == null || body.length == 0) {
            throw new MalformedJsonException("the body is empty; expected " + what);
        }
        T value;
        try {
            value = mapper.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw new MalformedJsonException("unknown field '" + printable(e.getPropertyName()) + "' in " + what
                    + " (known fields: " + e.getKnownPropertyIds() + ")");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new MalformedJsonException("invalid " + e.getType().getRawClass().getSimpleName() + " in " + what
                    + ": " + printable(String.valueOf(cause.getMessage())));
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
            throw new MalformedJsonException(field == null ? "the body is not " + what
                    : "field '" + printable(field) + "' has the wrong type in " + what);
        } catch (JsonProcessingException e) {
            String m = String.valueOf(e.getOriginalMessage());
            if (m.startsWith("Numeric value (") && e instanceof com.fasterxml.jackson.databind.JsonMappingException j
                    && !j.getPath().isEmpty()) {
                throw new MalformedJsonException("field '" + printable(j.getPath().get(j.getPath().size() - 1)
                        .getFieldName()) + "' is out of the range of its type in " + what);
            }
            if (m.startsWith("Duplicate field '")) {
                throw new MalformedJsonException("field '" + printable(m.substring(17, Math.max(17, m.indexOf('\'',
                        17)))) + "' appears twice in " + what);
            }
            throw new MalformedJsonException("the body is not valid JSON"
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")") + "; expected " + what);
        } catch (IOException e) {
            throw new MalformedJsonException("the body could not be read as " + what);
        }
        if (value == null) {
            throw new MalformedJsonException("the body is null; expected " + what);
        }
        return value;
    }

    /** Text from a request, safe to put into a message: printable ASCII only, at most 200 characters. */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > 200 ? b + "…" : b.toString();
    }
}
