package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelException;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto.DataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading serialized ONNX TensorProto files (the .pb inputs and outputs of ONNX's test data). */
public final class TensorFiles {
    private TensorFiles() {
    }

    public static TensorProto readProto(Path file) throws IOException {
        try {
            return TensorProto.parseFrom(Files.readAllBytes(file));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new ModelException(file + " is not a serialized ONNX tensor");
        }
    }

    /** A numeric tensor as floats; integer tensors are converted (used for shapes bound as inputs). */
    public static FloatTensor toFloat(TensorProto t, String where) {
        Const c = Const.fromProto(t, where);
        if (c.dataType() != DataType.FLOAT_VALUE && c.dataType() != DataType.DOUBLE_VALUE
                && c.dataType() != DataType.FLOAT16_VALUE && !c.isInteger()) {
            throw new UnsupportedModelException(where + " is not numeric");
        }
        return c.toFloatTensor();
    }

    /** True when the tensor file holds floating-point values. */
    public static boolean isFloat(TensorProto t) {
        int d = t.getDataType();
        return d == DataType.FLOAT_VALUE || d == DataType.DOUBLE_VALUE || d == DataType.FLOAT16_VALUE;
    }
}
