package io.sonic.model.onnx;

import io.sonic.model.ImportLimits;
import io.sonic.model.ModelException;

/**
 * What one import may still spend, after {@link ImportLimits}: elements of constants created at import
 * (folding results, weights transposed, scaled or merged) and work spent evaluating constant
 * subgraphs. Charged before the allocation or the computation it pays for.
 */
final class ImportBudget {
    private final long fileBytes;
    private final long elementLimit;
    private long elements;
    private long work;

    /** @param fileBytes size of the file, plus that of any values bound to graph inputs */
    ImportBudget(long fileBytes) {
        this.fileBytes = fileBytes;
        this.elementLimit = ImportLimits.foldBudget(fileBytes);
    }

    /** Pays for a new constant of {@code n} elements, or refuses it naming {@code what}. */
    void allocate(long n, String what) {
        if (!tryAllocate(n)) {
            throw new ModelException(what + " would bring the values computed at import to more than "
                    + elementLimit + " elements, the limit for a file of " + fileBytes + " bytes ("
                    + ImportLimits.FOLD_BASE_ELEMENTS + " plus " + ImportLimits.FOLD_ELEMENTS_PER_BYTE
                    + " per byte); the model computes unusually large constants — export it with its constants"
                    + " precomputed, or check that the file is the intended one");
        }
    }

    /** Pays for a new constant of {@code n} elements if the budget allows it. */
    boolean tryAllocate(long n) {
        if (n < 0 || n > elementLimit - elements) {
            return false;
        }
        elements += n;
        return true;
    }

    /** Pays for {@code n} multiply-accumulates or table entries of constant evaluation, or refuses. */
    void work(long n, String what) {
        if (!tryWork(n)) {
            throw new ModelException(what + " would take more than " + ImportLimits.MAX_FOLD_WORK
                    + " operations to evaluate at import, the limit for constant subgraphs; export the model"
                    + " with its constants precomputed");
        }
    }

    boolean tryWork(long n) {
        if (n < 0 || n > ImportLimits.MAX_FOLD_WORK - work) {
            return false;
        }
        work += n;
        return true;
    }
}
