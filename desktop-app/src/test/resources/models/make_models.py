"""Builds the desktop tests' own models (run with /usr/bin/python3, which has torch and sklearn).

digits8/digits8.onnx: an MLP for scikit-learn's 8x8 digits (64 pixel values 0..16, 10 classes), exported
with nothing beside it: no card, no test samples, as a model a teacher brings along. digits8-inputs.csv
and digits8-labels.csv (outside its folder) hold 20 test digits for loading as a CSV file.
"""
import os

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))


def digits8():
    torch.manual_seed(8)
    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x.astype(np.float32), y, test_size=0.2, random_state=8)
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    xt = torch.tensor(x_train)
    yt = torch.tensor(y_train)
    for _ in range(300):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(torch.tensor(x_test)).argmax(1).numpy() == y_test).mean()
    print("digits8 test accuracy", acc)
    os.makedirs(os.path.join(HERE, "digits8"), exist_ok=True)
    torch.onnx.export(model, torch.zeros(1, 64), os.path.join(HERE, "digits8", "digits8.onnx"),
                      input_names=["pixels"], output_names=["logits"], opset_version=13,
                      dynamic_axes={"pixels": {0: "N"}, "logits": {0: "N"}})
    with open(os.path.join(HERE, "digits8-inputs.csv"), "w") as f:
        for row in x_test[:20]:
            f.write(",".join(format(float(v), ".9g") for v in row) + "\n")
    with open(os.path.join(HERE, "digits8-labels.csv"), "w") as f:
        for v in y_test[:20]:
            f.write(str(int(v)) + "\n")


if __name__ == "__main__":
    digits8()
