package io.sonic.model.data;

import io.sonic.model.ModelException;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The IDX format of the MNIST and Fashion-MNIST files (optionally gzipped): unsigned bytes. */
public final class Idx {
    /** {@code count} items of {@code itemSize} unsigned bytes each. */
    public record Data(int count, int itemSize, byte[] values) {
        public int unsigned(int item, int offset) {
            return values[item * itemSize + offset] & 0xff;
        }
    }

    private Idx() {
    }

    public static Data read(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             DataInputStream d = new DataInputStream(in)) {
            int magic = d.readInt();
            if ((magic >>> 8) != 0x08 || (magic & 0xff) < 1 || (magic & 0xff) > 4) {
                throw new ModelException(file + " is not an IDX file of unsigned bytes");
            }
            int dims = magic & 0xff;
            int count = d.readInt();
            int itemSize = 1;
            for (int i = 1; i < dims; i++) {
                itemSize *= d.readInt();
            }
            byte[] values = new byte[count * itemSize];
            d.readFully(values);
            return new Data(count, itemSize, values);
        } catch (IOException e) {
            throw new ModelException("cannot read IDX file " + file + ": " + e.getMessage());
        }
    }
}
