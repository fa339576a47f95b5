package io.sonic.model.geometry;

import io.sonic.model.ModelException;
import io.sonic.model.Shapes;

import java.util.Arrays;

/**
 * Index arithmetic of a numpy-style (batched, broadcasting) matrix product {@code op(A)·op(B)},
 * where op transposes the last two axes when asked. Rank-1 operands are promoted as numpy does.
 * Shared by every evaluator so that float, fixed-point and secure runs walk the same elements.
 */
public final class MatMulGeometry {
    private final int m;
    private final int k;
    private final int n;
    private final int[] aOffsets;
    private final int[] bOffsets;
    private final int aRowStride;
    private final int aColStride;
    private final int bRowStride;
    private final int bColStride;
    private final int[] outputShape;

    private MatMulGeometry(int m, int k, int n, int[] aOffsets, int[] bOffsets, int aRowStride, int aColStride,
                           int bRowStride, int bColStride, int[] outputShape) {
        this.m = m;
        this.k = k;
        this.n = n;
        this.aOffsets = aOffsets;
        this.bOffsets = bOffsets;
        this.aRowStride = aRowStride;
        this.aColStride = aColStride;
        this.bRowStride = bRowStride;
        this.bColStride = bColStride;
        this.outputShape = outputShape;
    }

    public static MatMulGeometry of(int[] aShape, boolean transA, int[] bShape, boolean transB) {
        if (aShape.length == 0 || bShape.length == 0) {
            throw new ModelException("matrix product of a scalar");
        }
        boolean aVector = aShape.length == 1;
        boolean bVector = bShape.length == 1;
        int[] a = aVector ? new int[] {1, aShape[0]} : aShape;
        int[] b = bVector ? new int[] {bShape[0], 1} : bShape;
        int ar = a.length;
        int br = b.length;
        int aRows = a[ar - 2];
        int aCols = a[ar - 1];
        int bRows = b[br - 2];
        int bCols = b[br - 1];
        int m = transA ? aCols : aRows;
        int ka = transA ? aRows : aCols;
        int kb = transB ? bCols : bRows;
        int n = transB ? bRows : bCols;
        if (ka != kb) {
            throw new ModelException("matrix product of shapes " + Shapes.format(aShape) + (transA ? "ᵀ" : "")
                    + " and " + Shapes.format(bShape) + (transB ? "ᵀ" : "") + ": inner dimensions " + ka + " and "
                    + kb + " differ");
        }
        int[] aBatch = Arrays.copyOf(a, ar - 2);
        int[] bBatch = Arrays.copyOf(b, br - 2);
        int[] batch = Shapes.broadcast(aBatch, bBatch);
        int batchSize = Shapes.size(batch);
        int[] aIndex = Shapes.broadcastIndex(batch, aBatch);
        int[] bIndex = Shapes.broadcastIndex(batch, bBatch);
        int[] aOffsets = new int[batchSize];
        int[] bOffsets = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            aOffsets[i] = aIndex[i] * aRows * aCols;
            bOffsets[i] = bIndex[i] * bRows * bCols;
        }
        int[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = m;
        out[batch.length + 1] = n;
        if (aVector) {
            out = remove(out, out.length - 2);
        }
        if (bVector) {
            out = remove(out, out.length - 1);
        }
        return new MatMulGeometry(m, ka, n, aOffsets, bOffsets, transA ? 1 : aCols, transA ? aCols : 1,
                transB ? 1 : bCols, transB ? bCols : 1, out);
    }

    private static int[] remove(int[] shape, int axis) {
        int[] r = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                r[j++] = shape[i];
            }
        }
        return r;
    }

    public int batches() {
        return aOffsets.length;
    }

    public int m() {
        return m;
    }

    public int k() {
        return k;
    }

    public int n() {
        return n;
    }

    /** Flat index into A of element (row i, column kk) of op(A) in batch {@code batch}. */
    public int aIndex(int batch, int i, int kk) {
        return aOffsets[batch] + i * aRowStride + kk * aColStride;
    }

    /** Flat index into B of element (row kk, column j) of op(B) in batch {@code batch}. */
    public int bIndex(int batch, int kk, int j) {
        return bOffsets[batch] + kk * bRowStride + j * bColStride;
    }

    public int[] outputShape() {
        return outputShape.clone();
    }

    public long multiplyAccumulates() {
        return (long) batches() * m * k * n;
    }
}
