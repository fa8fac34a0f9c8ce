#!/usr/bin/env python3
"""Writes Keras-2-layout .h5 fixtures and a numpy reference forward pass for each.

Independent of this project's C# code and of TensorFlow: the layer maths below follows
TensorFlow's definitions (channels-last, 'same' padding with the extra pixel at the bottom/right,
'same' average pooling dividing by the pixels inside the image, Keras BatchNormalization with
epsilon added to the variance). Needs Debian's python3-h5py and python3-numpy.

    python3 FaceMask.Tests/Fixtures/Keras/make_keras_fixtures.py

Files written next to this script:
  <name>.h5    the model, in one of two string styles (see STYLES), or a graph (GRAPH_STYLES, NESTED)
  <name>.json  {"input_shape", "input", "output_shape", "output"} for a random batch
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------- reference layer maths

def same_pads(size, kernel, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def window_pad(x, kernel, strides, padding, value=0.0):
    if padding == "valid":
        return x
    top, bottom = same_pads(x.shape[1], kernel[0], strides[0])
    left, right = same_pads(x.shape[2], kernel[1], strides[1])
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


def patches(x, kernel, strides):
    """Yields (i, j, view) with view[n, oh, ow, c] = x[n, oh*s + i, ow*s + j, c]."""
    oh = (x.shape[1] - kernel[0]) // strides[0] + 1
    ow = (x.shape[2] - kernel[1]) // strides[1] + 1
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            yield i, j, x[:, i:i + strides[0] * oh:strides[0], j:j + strides[1] * ow:strides[1], :]


def conv2d(x, kernel, bias, strides, padding):
    x = window_pad(x, kernel.shape[:2], strides, padding)
    out = None
    for i, j, view in patches(x, kernel.shape[:2], strides):
        term = view @ kernel[i, j]
        out = term if out is None else out + term
    return out if bias is None else out + bias


def depthwise(x, kernel, bias, strides, padding):
    x = window_pad(x, kernel.shape[:2], strides, padding)
    channels, multiplier = kernel.shape[2], kernel.shape[3]
    out = None
    for i, j, view in patches(x, kernel.shape[:2], strides):
        term = (view[..., :, None] * kernel[i, j][None, None, None]).reshape(view.shape[:3] + (channels * multiplier,))
        out = term if out is None else out + term
    return out if bias is None else out + bias


def pool(x, size, strides, padding, kind):
    if kind == "max":
        x = window_pad(x, size, strides, padding, value=-np.inf)
        return np.max([v for _, _, v in patches(x, size, strides)], axis=0)
    ones = window_pad(np.ones_like(x[..., :1]), size, strides, padding)
    x = window_pad(x, size, strides, padding)
    total = np.sum([v for _, _, v in patches(x, size, strides)], axis=0)
    count = np.sum([v for _, _, v in patches(ones, size, strides)], axis=0)
    return total / count


ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "hard_sigmoid": lambda x: np.clip(0.2 * x + 0.5, 0, 1),
    "tanh": np.tanh,
    "swish": lambda x: x / (1 + np.exp(-x)),
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softmax": lambda x: np.exp(x - x.max(-1, keepdims=True)) / np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True),
}


def forward(layers, weights, x):
    for cls, cfg in layers:
        w = weights.get(cfg["name"], {})
        act = ACTIVATIONS[cfg.get("activation", "linear")]
        if cls == "InputLayer":
            continue
        if cls == "Rescaling":
            x = x * cfg["scale"] + cfg["offset"]
        elif cls == "Conv2D":
            x = act(conv2d(x, w["kernel"], w.get("bias"), cfg["strides"], cfg["padding"]))
        elif cls == "DepthwiseConv2D":
            x = act(depthwise(x, w["depthwise_kernel"], w.get("bias"), cfg["strides"], cfg["padding"]))
        elif cls == "SeparableConv2D":
            x = depthwise(x, w["depthwise_kernel"], None, cfg["strides"], cfg["padding"])
            x = act(conv2d(x, w["pointwise_kernel"], w.get("bias"), (1, 1), "valid"))
        elif cls in ("MaxPooling2D", "AveragePooling2D"):
            x = pool(x, cfg["pool_size"], cfg["strides"] or cfg["pool_size"], cfg["padding"], "max" if cls.startswith("Max") else "avg")
        elif cls == "GlobalAveragePooling2D":
            x = x.mean(axis=(1, 2))
        elif cls == "GlobalMaxPooling2D":
            x = x.max(axis=(1, 2))
        elif cls == "BatchNormalization":
            x = (x - w["moving_mean"]) / np.sqrt(w["moving_variance"] + cfg["epsilon"]) * w["gamma"] + w["beta"]
        elif cls == "Activation":
            x = act(x)
        elif cls == "Softmax":
            x = ACTIVATIONS["softmax"](x)
        elif cls == "ReLU":
            y = np.maximum(x, 0) if cfg["max_value"] is None else np.clip(x, 0, cfg["max_value"])
            x = np.where(x >= 0, y, x * cfg["negative_slope"])
        elif cls == "Dropout":
            pass
        elif cls == "Flatten":
            x = x.reshape(x.shape[0], -1)
        elif cls == "Dense":
            x = act(x @ w["kernel"] + (w["bias"] if "bias" in w else 0))
        else:
            raise ValueError(cls)
    return x


MERGES = {
    "Add": lambda xs: sum(xs[1:], xs[0]),
    "Subtract": lambda xs: xs[0] - xs[1],
    "Multiply": lambda xs: np.prod(np.broadcast_arrays(*xs), axis=0),
    "Average": lambda xs: sum(xs[1:], xs[0]) / len(xs),
    "Maximum": lambda xs: np.maximum.reduce(np.broadcast_arrays(*xs)),
    "Minimum": lambda xs: np.minimum.reduce(np.broadcast_arrays(*xs)),
    "Concatenate": lambda xs: np.concatenate(xs, axis=-1),
}


def forward_node(cls, cfg, weights, inputs):
    """One layer of a graph on the tensors feeding it."""
    if cls in MERGES:
        return MERGES[cls](inputs)
    x = inputs[0]
    if cls == "ZeroPadding2D":
        (top, bottom), (left, right) = cfg["padding"]
        return np.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)])
    if cls == "Reshape":
        return x.reshape([x.shape[0]] + list(cfg["target_shape"]))
    return forward([(cls, cfg)], weights, x)


def forward_graph(nodes, weights, x, input_name="input"):
    """nodes: (class, config, inbound names) in order after the InputLayer; returns the last one's output."""
    tensors = {input_name: x}
    for cls, cfg, inbound in nodes:
        tensors[cfg["name"]] = forward_node(cls, cfg, weights, [tensors[n] for n in inbound])
    return tensors[nodes[-1][1]["name"]]


# ---------------------------------------------------------------- models

def conv(name, filters, kernel, strides, padding, activation="linear", use_bias=True):
    return "Conv2D", dict(name=name, filters=filters, kernel_size=kernel, strides=strides, padding=padding,
                          data_format="channels_last", dilation_rate=[1, 1], groups=1, activation=activation, use_bias=use_bias)


MODELS = {
    # Every layer type, odd sizes so that 'same' padding is asymmetric.
    "every_layer": (
        [9, 11, 3],
        [
            ("Rescaling", dict(name="rescale", scale=1 / 127.5, offset=-1.0)),
            conv("conv_a", 4, [3, 3], [2, 2], "same", "relu"),
            ("BatchNormalization", dict(name="bn_a", axis=[3], momentum=0.99, epsilon=0.001, center=True, scale=True)),
            ("DepthwiseConv2D", dict(name="dw", kernel_size=[3, 3], strides=[1, 1], padding="same", depth_multiplier=2,
                                     data_format="channels_last", dilation_rate=[1, 1], activation="linear", use_bias=True)),
            ("ReLU", dict(name="relu6", max_value=6.0, negative_slope=0.0, threshold=0.0)),
            ("SeparableConv2D", dict(name="sep", filters=5, kernel_size=[2, 2], strides=[1, 1], padding="valid", depth_multiplier=1,
                                     data_format="channels_last", dilation_rate=[1, 1], activation="swish", use_bias=True)),
            ("AveragePooling2D", dict(name="avg", pool_size=[2, 2], strides=[1, 1], padding="same", data_format="channels_last")),
            ("MaxPooling2D", dict(name="max", pool_size=[2, 2], strides=None, padding="same", data_format="channels_last")),
            ("Activation", dict(name="act_tanh", activation="tanh")),
            ("Dropout", dict(name="drop", rate=0.3, noise_shape=None, seed=None)),
            ("Flatten", dict(name="flat", data_format="channels_last")),
            ("Dense", dict(name="fc", units=6, activation="elu", use_bias=True)),
            ("ReLU", dict(name="leaky", max_value=None, negative_slope=0.1, threshold=0.0)),
            ("Dense", dict(name="out", units=3, activation="softmax", use_bias=True)),
        ],
    ),
    # Global pooling heads, a bias-free strided convolution, sigmoid, softplus and hard sigmoid.
    "global_heads": (
        [8, 7, 2],
        [
            conv("conv_nobias", 3, [3, 2], [2, 3], "same", "softplus", use_bias=False),
            ("BatchNormalization", dict(name="bn", axis=-1, momentum=0.9, epsilon=0.01, center=True, scale=True)),
            ("GlobalMaxPooling2D", dict(name="gmax", data_format="channels_last", keepdims=False)),
            ("Dense", dict(name="d1", units=4, activation="hard_sigmoid", use_bias=True)),
            ("Dense", dict(name="d2", units=2, activation="sigmoid", use_bias=True)),
        ],
    ),
    "average_head": (
        [6, 6, 3],
        [
            conv("c1", 8, [5, 5], [3, 3], "same", "relu6"),
            ("MaxPooling2D", dict(name="p1", pool_size=[2, 2], strides=[1, 1], padding="valid", data_format="channels_last")),
            ("GlobalAveragePooling2D", dict(name="gap", data_format="channels_last", keepdims=False)),
            ("Dense", dict(name="logits", units=3, activation="linear", use_bias=True)),
            ("Softmax", dict(name="probs", axis=-1)),
        ],
    ),
}

# Graphs: (class, config, inbound layer names); "input" is the InputLayer.
GRAPHS = {
    # A residual block, a squeeze-and-excitation gate and a concatenation: every merge and reshaping layer.
    "residual_graph": (
        [10, 9, 3],
        [
            ("Rescaling", dict(name="rescale", scale=1 / 127.5, offset=-1.0), ["input"]),
            conv("stem", 6, [3, 3], [1, 1], "same", "relu") + (["rescale"],),
            ("DepthwiseConv2D", dict(name="dw", kernel_size=[3, 3], strides=[1, 1], padding="same", depth_multiplier=1,
                                     data_format="channels_last", dilation_rate=[1, 1], activation="linear", use_bias=True), ["stem"]),
            ("BatchNormalization", dict(name="dw_bn", axis=[3], momentum=0.99, epsilon=0.001, center=True, scale=True), ["dw"]),
            ("ReLU", dict(name="dw_relu6", max_value=6.0, negative_slope=0.0, threshold=0.0), ["dw_bn"]),
            ("Add", dict(name="skip"), ["stem", "dw_relu6"]),
            ("ZeroPadding2D", dict(name="pad", padding=[[1, 0], [0, 1]], data_format="channels_last"), ["skip"]),
            conv("down", 8, [3, 3], [2, 2], "valid", "relu") + (["pad"],),
            ("GlobalAveragePooling2D", dict(name="se_pool", data_format="channels_last", keepdims=False), ["down"]),
            ("Reshape", dict(name="se_reshape", target_shape=[1, 1, 8]), ["se_pool"]),
            conv("se_reduce", 2, [1, 1], [1, 1], "valid", "relu") + (["se_reshape"],),
            conv("se_expand", 8, [1, 1], [1, 1], "valid", "sigmoid") + (["se_reduce"],),
            ("Multiply", dict(name="se_scale"), ["down", "se_expand"]),
            ("SeparableConv2D", dict(name="side", filters=4, kernel_size=[3, 3], strides=[1, 1], padding="same", depth_multiplier=1,
                                     data_format="channels_last", dilation_rate=[1, 1], activation="linear", use_bias=True), ["down"]),
            ("Concatenate", dict(name="join", axis=-1), ["se_scale", "side"]),
            ("GlobalMaxPooling2D", dict(name="pool", data_format="channels_last", keepdims=False), ["join"]),
            ("Dense", dict(name="out", units=3, activation="softmax", use_bias=True), ["pool"]),
        ],
    ),
}

def mobilenetv2(input_side, alpha, blocks, head_units=2, last_channels=64, head_pool=2, head_dense=16, head_activation="linear"):
    """Keras' MobileNetV2 layer for layer (names, ZeroPadding2D before strided depthwise convolutions, ReLU(6.),
    BatchNormalization epsilon 1e-3, Add on the residual blocks) for its first blocks, with the usual
    face-mask transfer-learning head: AveragePooling2D, Flatten, Dense relu, Dropout, Dense (logits here)."""
    def divisible(v, d=8):
        new = max(d, int(v + d / 2) // d * d)
        return new + d if new < 0.9 * v else new
    def bn(name, src):
        return ("BatchNormalization", dict(name=name, axis=[3], momentum=0.999, epsilon=0.001, center=True, scale=True), [src])
    def relu6(name, src):
        return ("ReLU", dict(name=name, max_value=6.0, negative_slope=0.0, threshold=0.0), [src])
    def pad(name, src):  # correct_pad for an even input: one row and column before, none after... as Keras computes for 3x3
        return ("ZeroPadding2D", dict(name=name, padding=[[0, 1], [0, 1]], data_format="channels_last"), [src])
    def depthwise(name, stride, padding, src):
        return ("DepthwiseConv2D", dict(name=name, kernel_size=[3, 3], strides=[stride, stride], padding=padding, depth_multiplier=1,
                                        data_format="channels_last", dilation_rate=[1, 1], activation="linear", use_bias=False), [src])
    nodes = [("Rescaling", dict(name="preprocess", scale=1 / 127.5, offset=-1.0), ["input"]), pad("Conv1_pad", "preprocess"), conv("Conv1", divisible(32 * alpha), [3, 3], [2, 2], "valid", use_bias=False) + (["Conv1_pad"],),
             bn("bn_Conv1", "Conv1"), relu6("Conv1_relu", "bn_Conv1")]
    x, channels = "Conv1_relu", divisible(32 * alpha)
    for block, (expansion, filters, stride) in enumerate(blocks):
        prefix = "expanded_conv_" if block == 0 else f"block_{block}_"
        inputs, out_channels = x, divisible(filters * alpha)
        if block > 0:
            nodes += [conv(prefix + "expand", expansion * channels, [1, 1], [1, 1], "same", use_bias=False) + ([x],),
                      bn(prefix + "expand_BN", prefix + "expand"), relu6(prefix + "expand_relu", prefix + "expand_BN")]
            x = prefix + "expand_relu"
        if stride == 2:
            nodes.append(pad(prefix + "pad", x))
            x = prefix + "pad"
        nodes += [depthwise(prefix + "depthwise", stride, "same" if stride == 1 else "valid", x),
                  bn(prefix + "depthwise_BN", prefix + "depthwise"), relu6(prefix + "depthwise_relu", prefix + "depthwise_BN"),
                  conv(prefix + "project", out_channels, [1, 1], [1, 1], "same", use_bias=False) + ([prefix + "depthwise_relu"],),
                  bn(prefix + "project_BN", prefix + "project")]
        x = prefix + "project_BN"
        if stride == 1 and channels == out_channels:
            nodes.append(("Add", dict(name=prefix + "add"), [inputs, x]))
            x = prefix + "add"
        channels = out_channels
    nodes += [conv("Conv_1", last_channels, [1, 1], [1, 1], "valid", use_bias=False) + ([x],), bn("Conv_1_bn", "Conv_1"), relu6("out_relu", "Conv_1_bn"),
              ("AveragePooling2D", dict(name="head_pool", pool_size=[head_pool, head_pool], strides=None, padding="valid", data_format="channels_last"), ["out_relu"]),
              ("Flatten", dict(name="head_flatten", data_format="channels_last"), ["head_pool"]),
              ("Dense", dict(name="head_dense", units=head_dense, activation="relu", use_bias=True), ["head_flatten"]),
              ("Dropout", dict(name="head_dropout", rate=0.5, noise_shape=None, seed=None), ["head_dense"]),
              ("Dense", dict(name="head_out", units=head_units, activation=head_activation, use_bias=True), ["head_dropout"])]
    return [input_side, input_side, 3], nodes


# MobileNetV2's first blocks (expansion, filters, stride), as the recipe's trunk: a stride-1 block, a stride-2 one, and a residual one.
# Its head ends in logits here: a saturated softmax would hide errors.
GRAPHS["mobilenetv2_transfer"] = mobilenetv2(32, 0.35, [(1, 16, 1), (6, 24, 2), (6, 24, 1)])

# Models nested as a layer: (graph, head layers after it). Written as Teachable Machine does: a
# Sequential whose first layer is the graph as a Functional model; the graph's weights under its group.
NESTED = {"nested_functional": ("residual_graph", "trunk")}

# (string style, weight-name suffix, split layer_names into layer_names0/1, config: "sequential",
# "keras22" (a bare layer list), "functional2" or "functional3" (a Functional chain, Keras 2 or Keras 3 inbound_nodes))
STYLES = {
    "every_layer_h5py3": ("every_layer", "vlen", ":0", False, "sequential"),
    "every_layer_h5py2": ("every_layer", "fixed", "", True, "sequential"),
    "global_heads_h5py3": ("global_heads", "vlen", ":0", False, "sequential"),
    "average_head_keras22": ("average_head", "fixed", ":0", False, "keras22"),
    "every_layer_functional_keras2": ("every_layer", "vlen", ":0", False, "functional2"),
    "every_layer_functional_keras3": ("every_layer", "vlen", "", False, "functional3"),
}


GRAPH_STYLES = {
    "mobilenetv2_transfer_keras2": ("mobilenetv2_transfer", False),
    "residual_graph_keras2": ("residual_graph", False),
    "residual_graph_keras3": ("residual_graph", True),
}


def graph_json(input_shape, nodes, keras3):
    """A Functional config of a graph (Keras 2 or Keras 3 inbound_nodes)."""
    def tensor(name):
        return {"class_name": "__keras_tensor__", "config": {"shape": None, "dtype": "float32", "keras_history": [name, 0, 0]}}
    shape_key = "batch_shape" if keras3 else "batch_input_shape"
    layers = [{"class_name": "InputLayer", "name": "input", "config": {"name": "input", shape_key: [None] + input_shape, "dtype": "float32"}, "inbound_nodes": []}]
    for cls, cfg, inbound in nodes:
        if keras3:
            args = [tensor(n) for n in inbound]
            calls = [{"args": [args if len(args) > 1 else args[0]], "kwargs": {}}]
        else:
            calls = [[[n, 0, 0, {}] for n in inbound]]
        layers.append({"class_name": cls, "name": cfg["name"], "config": dict(cfg), "inbound_nodes": calls})
    ends = (["input", 0, 0], [nodes[-1][1]["name"], 0, 0])
    inputs, outputs = ends if keras3 else ([ends[0]], [ends[1]])
    return {"class_name": "Functional", "config": {"name": "graph", "layers": layers, "input_layers": inputs, "output_layers": outputs}}


def make_graph_weights(rng, input_shape, nodes):
    """Random weights for a graph; each layer's input channels from running the graph so far."""
    weights, tensors = {}, {}
    x = np.zeros([1] + input_shape, dtype=np.float64)
    for cls, cfg, inbound in nodes:
        inputs = [tensors[n] if n != "input" else x for n in inbound]
        if cls in WEIGHTS:
            weights[cfg["name"]] = random_weights(rng, WEIGHTS[cls](cfg, inputs[0].shape[-1]))
        tensors[cfg["name"]] = forward_node(cls, cfg, weights, inputs)
    return weights


def random_weights(rng, shapes):
    """Kernels scaled by their fan-in (as Keras' initialisers do), so deep graphs keep informative, unsaturated outputs."""
    w = {}
    for name, shape in shapes:
        fan_in = int(np.prod(shape[:-1])) if name.endswith("kernel") else 1
        value = rng.normal(0, 0.5 if fan_in == 1 else 1.5 / np.sqrt(fan_in), shape)
        if name == "moving_variance":
            value = rng.uniform(0.5, 2.0, shape)
        if name == "gamma":
            value = 1 + rng.normal(0, 0.25, shape)
        w[name] = value.astype(np.float32)
    return w


def write_graph(path, config, groups):
    """groups: (group name, [(layer name, {weight: value})]) in layer_names order; a nested model's weights in its one group."""
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = strings([name for name, _ in groups], "vlen")
        for group_name, layers in groups:
            lg = g.create_group(group_name)
            # Keras lists a nested model's trainable weights before its non-trainable ones (the moving statistics).
            entries = [(f"{layer}/{n}:0", v) for layer, w in layers for n, v in w.items() if not n.startswith("moving")]
            entries += [(f"{layer}/{n}:0", v) for layer, w in layers for n, v in w.items() if n.startswith("moving")]
            lg.attrs["weight_names"] = strings([n for n, _ in entries], "vlen") if entries else np.asarray([])
            for full, value in entries:
                lg.create_dataset(full, data=value)


def fixture_graph(rng, graph):
    input_shape, nodes = GRAPHS[graph]
    weights = make_graph_weights(rng, input_shape, nodes)
    x = rng.uniform(0, 255, [2] + input_shape).astype(np.float32)
    x[1] *= 0.4  # a darker second image: noise alone averages out to the same pooled features
    y = forward_graph(nodes, {k: {n: v.astype(np.float64) for n, v in w.items()} for k, w in weights.items()}, x.astype(np.float64))
    return input_shape, nodes, weights, x, y


def save_reference(fixture, x, y):
    with open(os.path.join(HERE, fixture + ".json"), "w") as f:
        json.dump({"input_shape": list(x.shape), "input": x.ravel().tolist(), "output_shape": list(y.shape), "output": y.ravel().tolist()}, f)


def main_graphs():
    for fixture, (graph, keras3) in GRAPH_STYLES.items():
        rng = np.random.default_rng(sum(map(ord, fixture)))
        input_shape, nodes, weights, x, y = fixture_graph(rng, graph)
        groups = [(cfg["name"], [(cfg["name"], weights.get(cfg["name"], {}))]) for _, cfg, _ in nodes]
        write_graph(os.path.join(HERE, fixture + ".h5"), graph_json(input_shape, nodes, keras3), groups)
        save_reference(fixture, x, y)
        print(f"{fixture}: {graph} as a Functional model, output {y.shape}")
    for fixture, (graph, trunk) in NESTED.items():
        rng = np.random.default_rng(sum(map(ord, fixture)))
        input_shape, nodes, weights, x, _ = fixture_graph(rng, graph)
        # The trunk is the graph up to its pooled features; a head of two Dense layers follows it.
        trunk_nodes = nodes[:-2] + [("GlobalAveragePooling2D", dict(name="trunk_pool", data_format="channels_last", keepdims=False), ["join"])]
        head = [("Dense", dict(name="head_hidden", units=5, activation="relu", use_bias=True)), ("Dense", dict(name="head_out", units=2, activation="softmax", use_bias=True))]
        features = forward_graph(trunk_nodes, {k: {n: v.astype(np.float64) for n, v in w.items()} for k, w in weights.items()}, x.astype(np.float64))
        head_weights = {cfg["name"]: random_weights(rng, WEIGHTS["Dense"](cfg, c)) for (_, cfg), c in zip(head, [features.shape[-1], 5])}
        y = forward(head, {k: {n: v.astype(np.float64) for n, v in w.items()} for k, w in head_weights.items()}, features)
        nested = graph_json(input_shape, trunk_nodes, keras3=False)
        nested["config"]["name"] = trunk
        nested["name"] = trunk
        config = {"class_name": "Sequential", "config": {"name": "teachable", "layers": [nested] + [{"class_name": c, "config": dict(cfg)} for c, cfg in head]}}
        groups = [(trunk, [(cfg["name"], weights[cfg["name"]]) for _, cfg, _ in trunk_nodes if cfg["name"] in weights])]
        groups += [(cfg["name"], [(cfg["name"], head_weights[cfg["name"]])]) for _, cfg in head]
        write_graph(os.path.join(HERE, fixture + ".h5"), config, groups)
        save_reference(fixture, x, y)
        print(f"{fixture}: {graph}'s trunk nested in a Sequential, output {y.shape}")


def functional(layer_json, input_shape, keras3):
    """The same stack as a Functional model: each layer called on the one before."""
    previous = None
    for layer in layer_json:
        layer["name"] = layer["config"]["name"]
        if previous is None:
            layer["inbound_nodes"] = []
            if keras3:
                layer["config"]["batch_shape"] = layer["config"].pop("batch_input_shape")
        elif keras3:
            tensor = {"class_name": "__keras_tensor__", "config": {"shape": None, "dtype": "float32", "keras_history": [previous, 0, 0]}}
            layer["inbound_nodes"] = [{"args": [tensor], "kwargs": {}}]
        else:
            layer["inbound_nodes"] = [[[previous, 0, 0, {}]]]
        previous = layer["name"]
    ends = ([layer_json[0]["name"], 0, 0], [previous, 0, 0])
    inputs, outputs = (ends[0], ends[1]) if keras3 else ([ends[0]], [ends[1]])
    return {"class_name": "Functional", "config": {"name": "fixture", "layers": layer_json, "input_layers": inputs, "output_layers": outputs}}

WEIGHTS = {
    "Conv2D": lambda c, cin: [("kernel", c["kernel_size"] + [cin, c["filters"]])] + ([("bias", [c["filters"]])] if c["use_bias"] else []),
    "DepthwiseConv2D": lambda c, cin: [("depthwise_kernel", c["kernel_size"] + [cin, c["depth_multiplier"]])] + ([("bias", [cin * c["depth_multiplier"]])] if c["use_bias"] else []),
    "SeparableConv2D": lambda c, cin: [("depthwise_kernel", c["kernel_size"] + [cin, c["depth_multiplier"]]),
                                       ("pointwise_kernel", [1, 1, cin * c["depth_multiplier"], c["filters"]]), ("bias", [c["filters"]])],
    "BatchNormalization": lambda c, cin: [("gamma", [cin]), ("beta", [cin]), ("moving_mean", [cin]), ("moving_variance", [cin])],
    "Dense": lambda c, cin: [("kernel", [cin, c["units"]])] + ([("bias", [c["units"]])] if c["use_bias"] else []),
}


def make_weights(rng, input_shape, layers):
    """Random weights; shapes found by running the reference forward pass layer by layer."""
    weights = {}
    x = np.zeros([1] + input_shape, dtype=np.float64)
    for cls, cfg in layers:
        if cls in WEIGHTS:
            w = {}
            for name, shape in WEIGHTS[cls](cfg, x.shape[-1]):
                value = rng.normal(0, 0.5, shape)
                if name == "moving_variance":
                    value = rng.uniform(0.5, 2.0, shape)
                w[name] = value.astype(np.float32)
            weights[cfg["name"]] = w
        x = forward([(cls, cfg)], weights, x)
    return weights


def strings(values, style):
    if style == "fixed":
        return np.array([v.encode("utf8") for v in values])
    return np.array(values, dtype=h5py.string_dtype())


def scalar(value, style):
    return np.bytes_(value.encode("utf8")) if style == "fixed" else value


def write(path, input_shape, layers, weights, style, suffix, split_names, kind):
    layer_json = [{"class_name": "InputLayer", "config": {"name": "input", "batch_input_shape": [None] + input_shape, "dtype": "float32"}}]
    layer_json += [{"class_name": cls, "config": dict(cfg)} for cls, cfg in layers]
    if kind == "keras22":
        layer_json = layer_json[1:]
        layer_json[0]["config"]["batch_input_shape"] = [None] + input_shape
        config = {"class_name": "Sequential", "config": layer_json}
    elif kind.startswith("functional"):
        config = functional(layer_json, input_shape, keras3=kind == "functional3")
    else:
        config = {"class_name": "Sequential", "config": {"name": "fixture", "layers": layer_json}}
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = scalar(json.dumps(config), style)
        f.attrs["keras_version"] = scalar("2.15.0", style)
        f.attrs["backend"] = scalar("tensorflow", style)
        g = f.create_group("model_weights")
        names = [cfg["name"] for _, cfg in layers]
        if split_names:
            half = len(names) // 2
            g.attrs["layer_names0"] = strings(names[:half], style)
            g.attrs["layer_names1"] = strings(names[half:], style)
        else:
            g.attrs["layer_names"] = strings(names, style)
        for cls, cfg in layers:
            lg = g.create_group(cfg["name"])
            w = weights.get(cfg["name"], {})
            if not w:
                lg.attrs["weight_names"] = np.asarray([])  # Keras' empty float array
                continue
            weight_names = [f"{cfg['name']}/{n}{suffix}" for n in w]
            lg.attrs["weight_names"] = strings(weight_names, style)
            for full, value in zip(weight_names, w.values()):
                lg.create_dataset(full, data=value)


def main():
    for fixture, (model, style, suffix, split_names, kind) in STYLES.items():
        rng = np.random.default_rng(sum(map(ord, fixture)))  # a fixed seed per fixture
        input_shape, layers = MODELS[model]
        weights = make_weights(rng, input_shape, layers)
        x = rng.uniform(-1, 1, [2] + input_shape).astype(np.float32)
        if layers[0][0] == "Rescaling":
            x = rng.uniform(0, 255, [2] + input_shape).astype(np.float32)
        y = forward(layers, {k: {n: v.astype(np.float64) for n, v in w.items()} for k, w in weights.items()}, x.astype(np.float64))
        write(os.path.join(HERE, fixture + ".h5"), input_shape, layers, weights, style, suffix, split_names, kind)
        with open(os.path.join(HERE, fixture + ".json"), "w") as f:
            json.dump({"input_shape": list(x.shape), "input": x.ravel().tolist(),
                       "output_shape": list(y.shape), "output": y.ravel().tolist()}, f)
        print(f"{fixture}: {model}, {style} strings, output {y.shape}")


def main_refused():
    """A model with a layer no builder knows (a Lambda: Python code), for the refusal tests; no reference output."""
    config = {"class_name": "Sequential", "config": {"name": "custom", "layers": [
        {"class_name": "InputLayer", "config": {"name": "input", "batch_input_shape": [None, 8, 8, 3], "dtype": "float32"}},
        {"class_name": "Lambda", "config": {"name": "custom_code", "function": ["4wEAAAAAAAAA", None, None], "function_type": "lambda"}},
        {"class_name": "GlobalAveragePooling2D", "config": {"name": "pool", "data_format": "channels_last", "keepdims": False}},
        {"class_name": "Dense", "config": {"name": "probs", "units": 2, "activation": "softmax", "use_bias": True}}]}}
    rng = np.random.default_rng(7)
    dense = {"kernel": rng.normal(0, 0.5, [3, 2]).astype(np.float32), "bias": np.zeros(2, np.float32)}
    write_graph(os.path.join(HERE, "unknown_layer.h5"), config, [("custom_code", []), ("pool", []), ("probs", [("probs", dense)])])
    print("unknown_layer: a Lambda layer, refused")


if __name__ == "__main__":
    main()
    main_graphs()
    main_refused()
