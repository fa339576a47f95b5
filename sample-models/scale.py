#!/usr/bin/python3
"""Export the scale benchmark's networks: torchvision's ResNet-18 and ResNet-50 at 224x224.

Random weights (torchvision's own initialisation, seeded), exported as any user would export them:
``torch.onnx.export`` in eval mode, opset 13. They are not committed: ``./sonic bench --scale`` runs
this script when they are missing. For each network it writes, under the output folder:

* ``<name>.onnx``    - the network (raw logits, 1000 classes)
* ``inputs.csv``     - a few inputs: uniform noise in [0, 1], normalised with ImageNet's mean and std
* ``expected.csv``   - PyTorch's float32 logits for them
* ``card.json``      - the model card: the public input range, random weights

Usage::

    /usr/bin/python3 sample-models/scale.py OUT_DIR [resnet18] [resnet50]

Requirements (Debian): python3-torchvision (it brings python3-torch), python3-onnx.
"""

import json
import os
import sys

import numpy as np
import torch
import torchvision

SEED = 20261203
SAMPLES = 3
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32).reshape(3, 1, 1)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32).reshape(3, 1, 1)
NETWORKS = {"resnet18": torchvision.models.resnet18, "resnet50": torchvision.models.resnet50}


def write_rows(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(",".join("%.9g" % v for v in r) + "\n")


def export(name, out):
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    model = NETWORKS[name](weights=None)
    model.eval()
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name + ".onnx")
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), path, opset_version=13, do_constant_folding=True,
                      input_names=["input"], output_names=["logits"])
    x = ((np.random.rand(SAMPLES, 3, 224, 224).astype(np.float32) - MEAN) / STD).astype(np.float32)
    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy()
    write_rows(os.path.join(folder, "inputs.csv"), x.reshape(SAMPLES, -1))
    write_rows(os.path.join(folder, "expected.csv"), y)
    lo, hi = float(np.floor(x.min())), float(np.ceil(x.max()))
    with open(os.path.join(folder, "card.json"), "w") as f:
        json.dump({"name": name, "onnx": name + ".onnx", "inputRange": {"min": lo, "max": hi}, "randomWeights": True,
                   "source": "torchvision.models.%s(weights=None), seed %d, exported by sample-models/scale.py"
                             % (name, SEED)}, f, indent=2)
    print("%s: %s, %d parameters, logits range [%.3f, %.3f], labels %s" % (
        name, path, sum(p.numel() for p in model.parameters()), float(y.min()), float(y.max()),
        list(map(int, y.argmax(axis=1)))))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    names = sys.argv[2:] or list(NETWORKS)
    for n in names:
        if n not in NETWORKS:
            sys.exit("unknown network %s (known: %s)" % (n, ", ".join(NETWORKS)))
    torch.set_num_threads(2)
    for n in names:
        export(n, sys.argv[1])


if __name__ == "__main__":
    main()
