package io.sonic.cloud.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sonic.engine.InputRange;
import io.sonic.engine.crypto.Prg;

import java.util.HexFormat;

/**
 * What the owner states about a model beside its structure and share: its public input range and the
 * upload's mask key.
 *
 * @param inputRange the public range every input value must lie in (required)
 * @param maskKey    128 random bits, 32 lowercase hexadecimal digits, drawn by the owner's client for this
 *                   one upload and sent to both servers. The servers check that they hold the same one
 *                   before a mask-reuse query and tie the weight masks A to it (with a nonce of each
 *                   server's own), so that no mask is ever used for two different weight tensors. Absent
 *                   ({@code null}) in uploads of older clients: such a model runs in faithful mode only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelMeta(InputRange inputRange, String maskKey) {
    /** Hexadecimal digits of a mask key. */
    public static final int MASK_KEY_HEX = 2 * Prg.SEED_BYTES;

    /** Meta without a mask key (as older clients sent it): the model cannot run in mask-reuse mode. */
    public ModelMeta(InputRange inputRange) {
        this(inputRange, null);
    }

    /** Meta with a fresh mask key from the operating system's cryptographic generator. */
    public static ModelMeta withFreshMaskKey(InputRange inputRange) {
        return new ModelMeta(inputRange, newMaskKey());
    }

    /** A fresh 128-bit mask key, as 32 lowercase hexadecimal digits. */
    public static String newMaskKey() {
        return HexFormat.of().formatHex(Prg.newSeed());
    }

    /** Whether {@code key} has the form of a mask key (32 lowercase hexadecimal digits). */
    public static boolean validMaskKey(String key) {
        return key != null && key.matches("[0-9a-f]{" + MASK_KEY_HEX + "}");
    }
}
