package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;
import io.sonic.model.ImportLimits;
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
        if (shape.length > ImportLimits.MAX_RANK) {
            throw new ModelException("constant of rank " + shape.length + " is beyond the limit of rank "
                    + ImportLimits.MAX_RANK);
        }
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

    static boolean isFloatType(int t) {
        return t == DataType.FLOAT_VALUE || t == DataType.DOUBLE_VALUE || t == DataType.FLOAT16_VALUE
                || t == DataType.BFLOAT16_VALUE;
    }

    int size() {
        return values.length;
    }

    int rank() {
        return shape.length;
    }

    FloatTensor toFloatTensor() {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return new FloatTensor(shape, f);
    }

    /** The values as integers; each must be integral ({@code what} names the operand otherwise). */
    long[] toLongs(String what) {
        long[] l = new long[values.length];
        for (int i = 0; i < l.length; i++) {
            double v = values[i];
            if (v != Math.rint(v) || Double.isInfinite(v)) {
                throw new ModelException(what + " must hold integers, found " + v + " at position " + i);
            }
            l[i] = (long) v;
        }
        return l;
    }

    /** The values as ints; each must be an integer in the int range. */
    int[] toInts(String what) {
        int[] r = new int[values.length];
        for (int i = 0; i < r.length; i++) {
            double v = values[i];
            if (v != Math.rint(v) || v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                throw new ModelException(what + " must hold integers from " + Integer.MIN_VALUE + " to "
                        + Integer.MAX_VALUE + ", found " + v + " at position " + i);
            }
            r[i] = (int) v;
        }
        return r;
    }

    /** Checks that this is a scalar or a 1-D list, as axes, pads and shapes are. */
    Const vector(String what) {
        if (shape.length > 1) {
            throw new ModelException(what + " must be a 1-D list, got a tensor of shape " + Shapes.format(shape));
        }
        return this;
    }

    /** The one value of a scalar (or one-element) constant. */
    double scalar(String what) {
        if (values.length != 1) {
            throw new ModelException(what + " must hold exactly one value, got " + values.length + " (shape "
                    + Shapes.format(shape) + ")");
        }
        return values[0];
    }

    /**
     * Decodes an ONNX TensorProto; {@code where} names it in error messages. The declared element
     * count is compared with the data the file really holds before anything is allocated, so a few
     * bytes that declare a huge tensor cost nothing.
     */
    static Const fromProto(TensorProto t, String where) {
        if (ExternalData.external(t)) {
            throw new UnsupportedModelException(where + " keeps its data in an external file, which Sonic reads only"
                    + " when it opens the model from its file (the data file beside it); re-save the model with all"
                    + " tensors inside the .onnx file to read it from anywhere");
        }
        if (t.hasSegment()) {
            throw new UnsupportedModelException(where + " is one segment of a split tensor, which Sonic does not read;"
                    + " re-save the model with whole tensors");
        }
        if (t.getDimsCount() > ImportLimits.MAX_RANK) {
            throw new ModelException(where + " has rank " + t.getDimsCount() + ", more than the limit of "
                    + ImportLimits.MAX_RANK);
        }
        long[] dims = new long[t.getDimsCount()];
        int[] shape = new int[dims.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
                throw new ModelException(where + " has the invalid size " + dims[i] + " on axis " + i
                        + " (sizes are from 0 to " + Integer.MAX_VALUE + "); the file may be damaged");
            }
            shape[i] = (int) dims[i];
        }
        int n = (int) ImportLimits.elements(dims, Integer.MAX_VALUE, where);
        int type = t.getDataType();
        String declared = where + " declares shape " + Shapes.format(shape) + " (" + n + " values)";
        if (t.hasRawData()) {
            int width = width(type, where);
            long bytes = t.getRawData().size();
            if (bytes % width != 0 || bytes / width != n) {
                throw new ModelException(declared + " but its data holds " + bytes + " bytes, not the "
                        + (long) n * width + " that " + n + " values of " + typeName(type) + " take; the file is"
                        + " truncated or damaged");
            }
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            double[] v = new double[n];
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
                    case DataType.BFLOAT16_VALUE -> Float.intBitsToFloat(Short.toUnsignedInt(b.getShort()) << 16);
                    case DataType.INT8_VALUE -> b.get();
                    case DataType.UINT8_VALUE, DataType.BOOL_VALUE -> Byte.toUnsignedInt(b.get());
                    default -> throw unsupportedType(type, where);
                };
            }
            return new Const(type, shape, v);
        }
        int count = switch (type) {
            case DataType.FLOAT_VALUE -> t.getFloatDataCount();
            case DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
            case DataType.INT64_VALUE -> t.getInt64DataCount();
            case DataType.UINT32_VALUE, DataType.UINT64_VALUE -> t.getUint64DataCount();
            case DataType.INT32_VALUE, DataType.INT16_VALUE, DataType.INT8_VALUE, DataType.UINT16_VALUE,
                    DataType.UINT8_VALUE, DataType.BOOL_VALUE, DataType.FLOAT16_VALUE, DataType.BFLOAT16_VALUE ->
                    t.getInt32DataCount();
            default -> throw unsupportedType(type, where);
        };
        if (count != n) {
            throw new ModelException(declared + " but its data holds " + (count == 0 ? "none" : count + " values")
                    + "; the file is truncated or damaged");
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (type) {
                case DataType.FLOAT_VALUE -> t.getFloatData(i);
                case DataType.DOUBLE_VALUE -> t.getDoubleData(i);
                case DataType.INT64_VALUE -> t.getInt64Data(i);
                case DataType.UINT32_VALUE, DataType.UINT64_VALUE -> unsigned(t.getUint64Data(i));
                case DataType.FLOAT16_VALUE -> Float.intBitsToFloat(halfToFloatBits((short) t.getInt32Data(i)));
                case DataType.BFLOAT16_VALUE -> Float.intBitsToFloat((t.getInt32Data(i) & 0xffff) << 16);
                default -> t.getInt32Data(i);
            };
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
            case DataType.INT16_VALUE, DataType.UINT16_VALUE, DataType.FLOAT16_VALUE, DataType.BFLOAT16_VALUE -> 2;
            case DataType.INT8_VALUE, DataType.UINT8_VALUE, DataType.BOOL_VALUE -> 1;
            default -> throw unsupportedType(type, where);
        };
    }

    /** The ONNX name of an element type, or its number when ONNX has none. */
    static String typeName(int type) {
        DataType dt = DataType.forNumber(type);
        return dt == null ? "type " + type : dt.name();
    }

    static ModelException unsupportedType(int type, String where) {
        return new UnsupportedModelException(where + " has element type " + typeName(type)
                + ", which Sonic does not read (supported: float, double, float16, bfloat16, integer and bool)");
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
