#!/usr/bin/env python3
"""Reads a Keras-2-layout .h5 the way Keras' loader does (h5py only) and runs the reference
forward pass of make_keras_fixtures.py on an input; prints the output as JSON.

    python3 run_keras_file.py model.h5 input.json   # input.json: {"input_shape": [...], "input": [...]}

Used by the tests to check that files written by FaceMask load in Python with the same results.
"""
import json
import sys

import h5py
import numpy as np

from make_keras_fixtures import forward, forward_graph


def text(value):
    return value.decode("utf8") if hasattr(value, "decode") else value


def main(path, input_path):
    with h5py.File(path, "r") as f:
        config = json.loads(text(f.attrs["model_config"]))
        layers = [(l["class_name"], l["config"]) for l in config["config"]["layers"]]
        functional = config["class_name"] == "Functional"
        if functional:  # Keras 2 inbound_nodes: [[["name", 0, 0, {}], ...]]
            first = config["config"]["layers"][0]["config"]["name"]
            nodes = [(l["class_name"], l["config"], [t[0] for t in l["inbound_nodes"][0]]) for l in config["config"]["layers"][1:]]
        group = f["model_weights"]
        weights = {}
        for name in [text(n) for n in group.attrs["layer_names"]]:
            names = [text(n) for n in group[name].attrs["weight_names"]]
            weights[name] = {n.split("/")[-1].split(":")[0]: group[name][n][()].astype(np.float64) for n in names}
    with open(input_path) as f:
        data = json.load(f)
    x = np.array(data["input"], dtype=np.float64).reshape(data["input_shape"])
    y = forward_graph(nodes, weights, x, first) if functional else forward(layers, weights, x)
    json.dump({"output_shape": list(y.shape), "output": y.ravel().tolist()}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
