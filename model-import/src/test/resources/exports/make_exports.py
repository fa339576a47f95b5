#!/usr/bin/python3
"""Export the small PyTorch models that ExportedModelsTest reads.

Each model normalises its input inside forward(), as exporters commonly leave it:

* ``mlp-standardise.onnx``: the breast-cancer MLP on raw (unstandardised) features, with the
  standardisation folded into the first layer by hand, exactly
  ``h = torch.matmul(x, w / sd.unsqueeze(1)) + (b - torch.matmul(mu / sd, w))``,
  ``return torch.relu(h) @ w2 + b2``. Exported without PyTorch's constant folding, so the file holds
  the Div, the MatMul of two initializers and the Sub that compute the folded weights.
* ``mlp-normalise.onnx``: the same task with an explicit ``(x - mean) / std`` and two Linear layers.
* ``cnn-rescale.onnx``: a small CNN on 8x8 images in [0, 1] that starts with ``x * 2.0 - 1.0``
  (random weights, seeded).
* ``cnn-channels-last.onnx``: a small CNN on channels-last 8x8x2 inputs, as converters of Keras models
  write them: a Transpose to channels-first before the convolutions, one back before the Flatten, and a
  final Softmax (random weights, seeded). Its ``-expected.csv`` holds the logits before that Softmax,
  which Sonic leaves out.
* ``cnn-mean.onnx``: a small CNN ending, as Keras models converted from channels-last do, in a global
  average pooling written as a mean over the spatial axes of an NHWC tensor (ReduceMean over axes 1
  and 2; random weights, seeded).
* ``cnn-activations.onnx``: a small CNN with the activations Sonic builds from ReLUs: LeakyReLU (slope
  0.1), ReLU6, a clamp from below and Hardtanh (random weights, seeded).

For each model, ``NAME-inputs.csv`` holds a handful of inputs (one per line, flattened) and
``NAME-expected.csv`` PyTorch's logits for them.

The MLPs are trained briefly (seeded) on the first 80 samples of the shipped breast-cancer test
split (``sample-models/data/breast-cancer``), turned back into raw features with
``sample-models/breast-cancer/standardization.csv``; the remaining samples provide the inputs. CNN
inputs are kept only where the two largest logits differ by at least 0.01, so that fixed-point
rounding cannot flip a label.

Usage (Debian: python3-torch, python3-onnx)::

    /usr/bin/python3 model-import/src/test/resources/exports/make_exports.py [NAME ...]

With names, only those models are exported (each from its own seed, so the others stay as they are).
"""

import csv
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", ".."))
BC = os.path.join(ROOT, "sample-models", "data", "breast-cancer")
STANDARDISATION = os.path.join(ROOT, "sample-models", "breast-cancer", "standardization.csv")
SAMPLES = 8


def read_rows(path):
    with open(path) as f:
        return [[float(v) for v in line.split(",")] for line in f if line.strip()]


def breast_cancer_raw():
    with open(STANDARDISATION) as f:
        rows = list(csv.DictReader(f))
    mean = torch.tensor([float(r["mean"]) for r in rows])
    std = torch.tensor([float(r["std"]) for r in rows])
    z = torch.tensor(read_rows(os.path.join(BC, "test-inputs.csv")))
    labels = torch.tensor([int(v[0]) for v in read_rows(os.path.join(BC, "test-labels.csv"))])
    return z * std + mean, labels, mean, std


class StandardisedMlp(torch.nn.Module):
    def __init__(self, mu, sd, hidden=16):
        super().__init__()
        self.w = torch.nn.Parameter(torch.randn(30, hidden) * 0.2)
        self.b = torch.nn.Parameter(torch.zeros(hidden))
        self.w2 = torch.nn.Parameter(torch.randn(hidden, 2) * 0.2)
        self.b2 = torch.nn.Parameter(torch.zeros(2))
        self.register_buffer("mu", mu.clone())
        self.register_buffer("sd", sd.clone())

    def forward(self, x):
        w, b, mu, sd, w2, b2 = self.w, self.b, self.mu, self.sd, self.w2, self.b2
        h = torch.matmul(x, w / sd.unsqueeze(1)) + (b - torch.matmul(mu / sd, w))
        return torch.relu(h) @ w2 + b2


class NormalisedMlp(torch.nn.Module):
    def __init__(self, mean, std, hidden=12):
        super().__init__()
        self.register_buffer("mean", mean.clone())
        self.register_buffer("std", std.clone())
        self.fc1 = torch.nn.Linear(30, hidden)
        self.fc2 = torch.nn.Linear(hidden, 2)

    def forward(self, x):
        x = (x - self.mean) / self.std
        return self.fc2(torch.relu(self.fc1(x)))


class RescaledCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 4, 3)
        self.conv2 = torch.nn.Conv2d(4, 6, 3, padding=1)
        self.fc = torch.nn.Linear(6 * 3 * 3, 3)

    def forward(self, x):
        x = x * 2.0 - 1.0
        x = torch.relu(self.conv1(x))
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


class ChannelsLastCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(2, 4, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(4, 5, 3)
        self.fc = torch.nn.Linear(3 * 3 * 5, 3)

    def logits(self, x):
        x = torch.relu(self.conv1(x.permute(0, 3, 1, 2)))
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc(x.permute(0, 2, 3, 1).reshape(x.shape[0], -1))

    def forward(self, x):
        return torch.softmax(self.logits(x), -1)


class MeanCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 6, 3)
        self.fc = torch.nn.Linear(6, 3)

    def forward(self, x):
        x = torch.relu(self.conv(x)).permute(0, 2, 3, 1)
        return self.fc(x.mean((1, 2)))


class ActivationsCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 3, 3)
        self.conv2 = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.fc = torch.nn.Linear(4 * 3 * 3, 3)

    def forward(self, x):
        x = torch.nn.functional.leaky_relu(self.conv1(x), 0.1)
        x = torch.nn.functional.relu6(self.conv2(x) * 3)
        x = torch.clamp(torch.nn.functional.max_pool2d(x, 2), min=-0.5)
        return self.fc(torch.nn.functional.hardtanh(x - 1.0).flatten(1))


def train(model, x, y, steps=300):
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()


def export(model, name, inputs, logits_of=None):
    model.eval()
    path = os.path.join(HERE, name + ".onnx")
    example = inputs[:1]
    torch.onnx.export(model, example, path, opset_version=13, do_constant_folding=False,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    with torch.no_grad():
        logits = (logits_of or model)(inputs)
    write(os.path.join(HERE, name + "-inputs.csv"), inputs.reshape(len(inputs), -1))
    write(os.path.join(HERE, name + "-expected.csv"), logits)


def write(path, rows):
    with open(path, "w") as f:
        for row in rows.tolist():
            f.write(",".join(format(v, ".9g") for v in row) + "\n")


def confident(logits_of, candidates):
    """The first SAMPLES candidates whose two largest logits differ by at least 0.01."""
    with torch.no_grad():
        top = torch.topk(logits_of(candidates), 2).values
    return candidates[(top[:, 0] - top[:, 1]) >= 0.01][:SAMPLES]


def export_mlps_and_cnn():
    torch.manual_seed(20240917)
    raw, labels, mean, std = breast_cancer_raw()
    train_x, train_y = raw[:80], labels[:80]
    held_out = raw[80:80 + SAMPLES]

    mlp = StandardisedMlp(mean, std)
    train(mlp, train_x, train_y)
    export(mlp, "mlp-standardise", held_out)

    norm = NormalisedMlp(mean, std)
    train(norm, train_x, train_y)
    export(norm, "mlp-normalise", held_out)

    cnn = RescaledCnn()
    cnn.eval()
    export(cnn, "cnn-rescale", confident(cnn, torch.rand(64, 1, 8, 8)))


def export_channels_last():
    torch.manual_seed(20261207)
    cnn = ChannelsLastCnn()
    cnn.eval()
    export(cnn, "cnn-channels-last", confident(cnn.logits, torch.randn(64, 8, 8, 2)), cnn.logits)


def export_activations():
    torch.manual_seed(20261208)
    cnn = ActivationsCnn()
    cnn.eval()
    export(cnn, "cnn-activations", confident(cnn, torch.randn(64, 1, 8, 8)))


def export_mean():
    torch.manual_seed(20261209)
    cnn = MeanCnn()
    cnn.eval()
    export(cnn, "cnn-mean", confident(cnn, torch.randn(64, 2, 8, 8)))


EXPORTS = {"mlp-standardise": export_mlps_and_cnn, "mlp-normalise": export_mlps_and_cnn,
           "cnn-rescale": export_mlps_and_cnn, "cnn-channels-last": export_channels_last,
           "cnn-activations": export_activations, "cnn-mean": export_mean}


def main():
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    names = sys.argv[1:] or list(EXPORTS)
    for run in dict.fromkeys(EXPORTS[n] for n in names):
        run()


if __name__ == "__main__":
    main()
