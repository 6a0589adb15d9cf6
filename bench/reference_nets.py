"""Reference networks written by hand in PyTorch, each with the same network as a
NeuroLoom graph and the map between their parameter names. The compiler's equivalence
tests and speed benchmark both use them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from graph_core.graph import ModelGraph


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(64, 128), nn.Linear(128, 64), nn.Linear(64, 10)

    def forward(self, x):
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3, padding=1)
        self.conv2 = nn.Conv2d(6, 16, 3, padding=1)
        self.fc1, self.fc2 = nn.Linear(16 * 2 * 2, 32), nn.Linear(32, 10)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))


class ResidualMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(16, 64)
        self.b1, self.b2 = nn.Linear(64, 64), nn.Linear(64, 64)
        self.out = nn.Linear(64, 4)

    def forward(self, x):
        h = torch.relu(self.inp(x))
        h = torch.relu(h + self.b2(torch.relu(self.b1(h))))
        return self.out(h)


class LSTMNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 32, batch_first=True)
        self.head = nn.Linear(32, 3)

    def forward(self, x):
        return self.head(self.lstm(x)[0][:, -1])


class TransformerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 32)
        self.enc = nn.TransformerEncoderLayer(32, 4, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.head = nn.Linear(32 * 10, 2)

    def forward(self, x):
        return self.head(torch.flatten(self.enc(self.proj(x)), 1))


def _chain(steps: list[tuple[str, str, dict]]) -> ModelGraph:
    graph = ModelGraph()
    previous = None
    for i, (node_id, type_name, params) in enumerate(steps):
        graph.add_node(type_name, params, (i * 200, 0), node_id)
        if previous:
            graph.connect(previous, node_id)
        previous = node_id
    return graph


def mlp_graph() -> ModelGraph:
    return _chain([
        ("x", "Input", {"shape": [64]}), ("fc1", "Linear", {"out_features": 128}), ("a1", "ReLU", {}),
        ("fc2", "Linear", {"out_features": 64}), ("a2", "ReLU", {}), ("fc3", "Linear", {"out_features": 10}),
    ])  # fmt: skip


def lenet_graph() -> ModelGraph:
    return _chain([
        ("x", "Input", {"shape": [1, 8, 8]}), ("conv1", "Conv2d", {"out_channels": 6, "kernel_size": 3, "padding": 1}),
        ("r1", "ReLU", {}), ("p1", "MaxPool2d", {"kernel_size": 2}),
        ("conv2", "Conv2d", {"out_channels": 16, "kernel_size": 3, "padding": 1}), ("r2", "ReLU", {}),
        ("p2", "MaxPool2d", {"kernel_size": 2}), ("flat", "Flatten", {}), ("fc1", "Linear", {"out_features": 32}),
        ("r3", "ReLU", {}), ("fc2", "Linear", {"out_features": 10}),
    ])  # fmt: skip


def residual_graph() -> ModelGraph:
    graph = _chain([("x", "Input", {"shape": [16]}), ("inp", "Linear", {"out_features": 64}), ("r0", "ReLU", {})])
    for node_id, type_name, params in [
        ("b1", "Linear", {"out_features": 64}), ("rb", "ReLU", {}), ("b2", "Linear", {"out_features": 64}),
        ("add", "Add", {}), ("r1", "ReLU", {}), ("out", "Linear", {"out_features": 4}),
    ]:  # fmt: skip
        graph.add_node(type_name, params, node_id=node_id)
    for src, dst in [
        ("r0", "b1"),
        ("b1", "rb"),
        ("rb", "b2"),
        ("r0", "add"),
        ("b2", "add"),
        ("add", "r1"),
        ("r1", "out"),
    ]:
        graph.connect(src, dst)
    return graph


def lstm_graph() -> ModelGraph:
    return _chain([
        ("x", "Input", {"shape": [10, 8]}), ("lstm", "LSTM", {"hidden_size": 32, "output": "last"}),
        ("head", "Linear", {"out_features": 3}),
    ])  # fmt: skip


def transformer_graph() -> ModelGraph:
    return _chain([
        ("x", "Input", {"shape": [10, 4]}), ("proj", "Linear", {"out_features": 32}),
        ("enc", "TransformerEncoderLayer", {"nhead": 4, "dim_feedforward": 64, "dropout": 0.0}),
        ("flat", "Flatten", {}), ("head", "Linear", {"out_features": 2}),
    ])  # fmt: skip


@dataclass(frozen=True)
class Reference:
    name: str
    make_module: Callable[[], nn.Module]
    make_graph: Callable[[], ModelGraph]
    input_shape: tuple[int, ...]


REFERENCES = [
    Reference("mlp", MLP, mlp_graph, (64,)),
    Reference("lenet", LeNet, lenet_graph, (1, 8, 8)),
    Reference("residual_mlp", ResidualMLP, residual_graph, (16,)),
    Reference("lstm", LSTMNet, lstm_graph, (10, 8)),
    Reference("transformer", TransformerNet, transformer_graph, (10, 4)),
]
