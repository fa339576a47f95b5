package io.sonic.model;

/**
 * The one memory and time budget of reading a model. Every size the importer computes from a file
 * is checked against these numbers before anything of that size is allocated, so that reading any
 * file needs at most a small multiple of its own size plus the model's real weights, and a few
 * hundred bytes that declare a gigantic tensor are refused instead of exhausting the JVM.
 *
 * <ul>
 * <li>{@link #MAX_RANK}: rank of any tensor (input, activation, constant);</li>
 * <li>{@link #MAX_ACTIVATION_ELEMENTS}: elements of the model input and of every layer output;</li>
 * <li>{@link #MAX_TABLE_ENTRIES}: entries of one geometry table (convolution patch table, pooling
 * window table), which the evaluators allocate;</li>
 * <li>{@link #MAX_WINDOW}: a kernel size, stride, dilation or convolution/pooling pad;</li>
 * <li>{@link #foldBudget}: elements of all constants created at import (constant folding, weights
 * transposed, scaled or merged by rewrites) together: {@value #FOLD_BASE_ELEMENTS} plus
 * {@value #FOLD_ELEMENTS_PER_BYTE} per byte of the file (initializers themselves are bounded by the
 * file: each element takes at least one byte of it);</li>
 * <li>{@link #MAX_FOLD_WORK}: multiply-accumulates and table entries spent evaluating constant
 * subgraphs with the float evaluator, for the whole import;</li>
 * <li>{@link #MAX_PARAMETER_MAGNITUDE}: largest absolute value of a weight, bias, scale, shift or pad
 * value (a bias is encoded at 2f fraction bits, f = 16, in a signed 64-bit ring element).</li>
 * </ul>
 */
public final class ImportLimits {
    public static final int MAX_RANK = 8;
    public static final int MAX_ACTIVATION_ELEMENTS = 1 << 26;
    public static final long MAX_TABLE_ENTRIES = 1L << 28;
    public static final int MAX_WINDOW = 1 << 15;
    public static final long FOLD_BASE_ELEMENTS = 1L << 21;
    public static final long FOLD_ELEMENTS_PER_BYTE = 2;
    public static final long MAX_FOLD_WORK = 1L << 28;
    public static final double MAX_PARAMETER_MAGNITUDE = 0x1p31;

    private ImportLimits() {
    }

    /** Elements of constants that may be created while reading a file of {@code fileBytes} bytes. */
    public static long foldBudget(long fileBytes) {
        return FOLD_BASE_ELEMENTS + FOLD_ELEMENTS_PER_BYTE * Math.max(0, fileBytes);
    }

    /**
     * Number of elements of a shape, with overflow checks; a negative dimension or a product past
     * {@code limit} is a {@link ModelException} naming {@code what}.
     */
    public static long elements(long[] dims, long limit, String what) {
        long n = 1;
        boolean empty = false;
        for (long d : dims) {
            if (d < 0) {
                throw new ModelException(what + " has a negative dimension " + d);
            }
            if (d == 0) {
                empty = true;
            } else if (!empty) {
                n = n > limit / d ? limit + 1 : n * d;
            }
        }
        if (empty) {
            return 0;
        }
        if (n > limit) {
            throw new ModelException(what + " declares " + describe(dims) + " elements, more than the limit of "
                    + limit + "; the file may be damaged, or the model is larger than Sonic takes (use a smaller one)");
        }
        return n;
    }

    /** {@link #elements(long[], long, String)} for an int shape. */
    public static long elements(int[] shape, long limit, String what) {
        long[] d = new long[shape.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = shape[i];
        }
        return elements(d, limit, what);
    }

    /** Checks an activation shape (model input or layer output): rank, positive dimensions, size. */
    public static void checkActivation(int[] shape, String what) {
        if (shape.length > MAX_RANK) {
            throw new ModelException(what + " has rank " + shape.length + ", more than the limit of " + MAX_RANK);
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] <= 0) {
                throw new ModelException(what + " has size " + shape[i] + " on axis " + i + " (shape "
                        + Shapes.format(shape) + "); every axis of a value computed from the input must have a"
                        + " positive size");
            }
        }
        elements(shape, MAX_ACTIVATION_ELEMENTS, what + " of shape " + Shapes.format(shape));
    }

    private static String describe(long[] dims) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            b.append(i == 0 ? "" : "×").append(dims[i]);
        }
        return dims.length == 0 ? "1" : b.toString();
    }
}
