package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelException;
import io.sonic.model.Shapes;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A constant tensor met at import (initializer, Constant node, folded result). Values are held as
 * doubles, which represent every float, every 32-bit integer and every shape-sized 64-bit integer
 * exactly; {@code dataType} remembers the ONNX element type so that integer arithmetic stays integral.
 */
record Const(int dataType, int[] shape, double[] values) {

    Const {
        if (Shapes.size(shape) != values.length) {
            throw new ModelException("constant of shape " + Shapes.format(shape) + " holds " + values.length
                    + " values");
        }
    }

    static Const ofFloats(FloatTensor t) {
        double[] v = new double[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.get(i);
        }
        return new Const(DataType.FLOAT_VALUE, t.shape(), v);
    }

    static Const ofLongs(int[] shape, long... values) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return new Const(DataType.INT64_VALUE, shape, v);
    }

    boolean isInteger() {
        return isIntegerType(dataType);
    }

    static boolean isIntegerType(int t) {
        return t == DataType.INT8_VALUE || t == DataType.INT16_VALUE || t == DataType.INT32_VALUE
                || t == DataType.INT64_VALUE || t == DataType.UINT8_VALUE || t == DataType.UINT16_VALUE
                || t == DataType.UINT32_VALUE || t == DataType.UINT64_VALUE || t == DataType.BOOL_VALUE;
    }

    int size() {
        return values.length;
    }

    FloatTensor toFloatTensor() {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return new FloatTensor(shape, f);
    }

    long[] toLongs() {
        long[] l = new long[values.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (long) values[i];
        }
        return l;
    }

    int[] toInts(String what) {
        int[] r = new int[values.length];
        for (int i = 0; i < r.length; i++) {
            double v = values[i];
            if (v != Math.rint(v) || v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                throw new ModelException(what + " must hold integers, found " + v);
            }
            r[i] = (int) v;
        }
        return r;
    }

    /** Decodes an ONNX TensorProto; {@code where} names it in error messages. */
    static Const fromProto(TensorProto t, String where) {
        if (t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new UnsupportedModelException(where + " keeps its data in an external file, which Sonic does not read;"
                    + " re-save the model with all tensors inside the .onnx file");
        }
        int[] shape = new int[t.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new ModelException(where + " has an invalid dimension " + d);
            }
            shape[i] = (int) d;
        }
        int n = Shapes.size(shape);
        int type = t.getDataType();
        double[] v = new double[n];
        if (t.hasRawData()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            int width = width(type, where);
            if (b.remaining() != (long) n * width) {
                throw new ModelException(where + " should hold " + n + " values (" + (long) n * width
                        + " bytes) but has " + b.remaining() + " bytes; the file may be truncated or corrupt");
            }
            for (int i = 0; i < n; i++) {
                v[i] = switch (type) {
                    case DataType.FLOAT_VALUE -> b.getFloat();
                    case DataType.DOUBLE_VALUE -> b.getDouble();
                    case DataType.INT64_VALUE -> b.getLong();
                    case DataType.UINT64_VALUE -> unsigned(b.getLong());
                    case DataType.INT32_VALUE -> b.getInt();
                    case DataType.UINT32_VALUE -> Integer.toUnsignedLong(b.getInt());
                    case DataType.INT16_VALUE -> b.getShort();
                    case DataType.UINT16_VALUE -> Short.toUnsignedInt(b.getShort());
                    case DataType.FLOAT16_VALUE -> Float.intBitsToFloat(halfToFloatBits(b.getShort()));
                    case DataType.INT8_VALUE -> b.get();
                    case DataType.UINT8_VALUE, DataType.BOOL_VALUE -> Byte.toUnsignedInt(b.get());
                    default -> throw unsupportedType(type, where);
                };
            }
        } else {
            int count;
            switch (type) {
                case DataType.FLOAT_VALUE -> {
                    count = t.getFloatDataCount();
                    for (int i = 0; i < Math.min(n, count); i++) {
                        v[i] = t.getFloatData(i);
                    }
                }
                case DataType.DOUBLE_VALUE -> {
                    count = t.getDoubleDataCount();
                    for (int i = 0; i < Math.min(n, count); i++) {
                        v[i] = t.getDoubleData(i);
                    }
                }
                case DataType.INT64_VALUE -> {
                    count = t.getInt64DataCount();
                    for (int i = 0; i < Math.min(n, count); i++) {
                        v[i] = t.getInt64Data(i);
                    }
                }
                case DataType.UINT32_VALUE, DataType.UINT64_VALUE -> {
                    count = t.getUint64DataCount();
                    for (int i = 0; i < Math.min(n, count); i++) {
                        v[i] = unsigned(t.getUint64Data(i));
                    }
                }
                case DataType.INT32_VALUE, DataType.INT16_VALUE, DataType.INT8_VALUE, DataType.UINT16_VALUE,
                        DataType.UINT8_VALUE, DataType.BOOL_VALUE -> {
                    count = t.getInt32DataCount();
                    for (int i = 0; i < Math.min(n, count); i++) {
                        v[i] = t.getInt32Data(i);
                    }
                }
                case DataType.FLOAT16_VALUE -> {
                    count = t.getInt32DataCount();
                    for (int i = 0; i < Math.min(n, count); i++) {
                        v[i] = Float.intBitsToFloat(halfToFloatBits((short) t.getInt32Data(i)));
                    }
                }
                default -> throw unsupportedType(type, where);
            }
            if (count != n) {
                throw new ModelException(where + " should hold " + n + " values but has " + count
                        + "; the file may be truncated or corrupt");
            }
        }
        return new Const(type, shape, v);
    }

    private static double unsigned(long x) {
        return x >= 0 ? x : (double) (x >>> 1) * 2.0 + (x & 1);
    }

    private static int width(int type, String where) {
        return switch (type) {
            case DataType.FLOAT_VALUE, DataType.INT32_VALUE, DataType.UINT32_VALUE -> 4;
            case DataType.DOUBLE_VALUE, DataType.INT64_VALUE, DataType.UINT64_VALUE -> 8;
            case DataType.INT16_VALUE, DataType.UINT16_VALUE, DataType.FLOAT16_VALUE -> 2;
            case DataType.INT8_VALUE, DataType.UINT8_VALUE, DataType.BOOL_VALUE -> 1;
            default -> throw unsupportedType(type, where);
        };
    }

    static ModelException unsupportedType(int type, String where) {
        DataType dt = DataType.forNumber(type);
        return new UnsupportedModelException(where + " has element type " + (dt == null ? String.valueOf(type) : dt.name())
                + ", which Sonic does not read (supported: float, double, float16 and integer types)");
    }

    private static int halfToFloatBits(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            if (mant == 0) {
                return sign;
            }
            while ((mant & 0x400) == 0) {
                mant <<= 1;
                exp--;
            }
            exp++;
            mant &= 0x3ff;
        } else if (exp == 31) {
            return sign | 0x7f800000 | (mant << 13);
        }
        return sign | ((exp + 112) << 23) | (mant << 13);
    }
}
