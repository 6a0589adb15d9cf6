"""Shape inference and validation: the pure-Python rules agree with torch, and every
mistake a user can make becomes a diagnostic on the right node."""

import pytest
import torch

from graph_core.compiler import compile_graph
from graph_core.graph import Edge, ModelGraph
from graph_core.registry import CATEGORIES, all_specs
from graph_core.shapes import analyze

REQUIRED_TYPES = """Input Linear Flatten Unflatten Reshape Dropout Identity ReLU LeakyReLU ELU GELU SiLU
Sigmoid Tanh Softmax LogSoftmax Softplus Step BatchNorm1d BatchNorm2d LayerNorm Conv1d Conv2d
ConvTranspose2d MaxPool1d MaxPool2d AvgPool2d AdaptiveAvgPool2d Upsample RNN LSTM GRU Embedding
PositionalEncoding MultiheadAttention TransformerEncoderLayer Add Concat Multiply""".split()

# (type, params, input shape, input dtype): one node fed by one Input.
CASES = [
    ("Linear", {"out_features": 5}, [7], "float32"),
    ("Linear", {"out_features": 3, "bias": False}, [4, 6], "float32"),
    ("Flatten", {}, [3, 4, 5], "float32"),
    ("Flatten", {"start_dim": 2}, [3, 4, 5], "float32"),
    ("Unflatten", {"dim": 1, "unflattened_size": [2, 3]}, [6], "float32"),
    ("Reshape", {"shape": [4, -1]}, [2, 6], "float32"),
    ("Dropout", {"p": 0.2}, [9], "float32"),
    ("Softmax", {"dim": 1}, [4, 3], "float32"),
    ("Step", {}, [3], "float32"),
    ("BatchNorm1d", {}, [6], "float32"),
    ("BatchNorm1d", {"affine": False}, [6, 10], "float32"),
    ("BatchNorm2d", {}, [3, 8, 8], "float32"),
    ("LayerNorm", {}, [5, 12], "float32"),
    ("Conv1d", {"out_channels": 4, "kernel_size": 3, "stride": 2, "padding": 1}, [2, 17], "float32"),
    (
        "Conv2d",
        {"out_channels": 8, "kernel_size": [3, 5], "stride": 2, "padding": [1, 2], "dilation": 1},
        [3, 15, 16],
        "float32",
    ),
    ("Conv2d", {"out_channels": 6, "kernel_size": 3, "padding": "same"}, [3, 9, 9], "float32"),
    ("Conv2d", {"out_channels": 4, "kernel_size": 3, "groups": 2, "dilation": 2}, [2, 12, 12], "float32"),
    ("ConvTranspose2d", {"out_channels": 4, "kernel_size": 4, "stride": 2, "padding": 1}, [3, 7, 7], "float32"),
    ("ConvTranspose2d", {"out_channels": 2, "kernel_size": 3, "stride": 2, "output_padding": 1}, [3, 5, 6], "float32"),
    ("MaxPool1d", {"kernel_size": 3, "stride": 2}, [2, 11], "float32"),
    ("MaxPool2d", {"kernel_size": 2}, [3, 9, 8], "float32"),
    ("AvgPool2d", {"kernel_size": 3, "stride": 1, "padding": 1}, [3, 8, 8], "float32"),
    ("AdaptiveAvgPool2d", {"output_size": [2, 3]}, [4, 9, 7], "float32"),
    ("Upsample", {"scale_factor": 2.0}, [3, 5, 5], "float32"),
    ("Upsample", {"scale_factor": 1.5, "mode": "linear"}, [3, 7], "float32"),
    ("RNN", {"hidden_size": 6, "nonlinearity": "relu", "output": "sequence"}, [5, 3], "float32"),
    ("LSTM", {"hidden_size": 6, "num_layers": 2, "bidirectional": True}, [5, 3], "float32"),
    ("LSTM", {"hidden_size": 6, "num_layers": 2, "output": "sequence", "bidirectional": True}, [5, 3], "float32"),
    ("GRU", {"hidden_size": 7, "bidirectional": True, "output": "last"}, [4, 2], "float32"),
    ("GRU", {"hidden_size": 7, "bias": False}, [4, 2], "float32"),
    ("Embedding", {"num_embeddings": 11, "embedding_dim": 6}, [9], "int64"),
    ("PositionalEncoding", {"max_len": 20}, [9, 8], "float32"),
    ("PositionalEncoding", {"learned": True, "max_len": 16}, [9, 8], "float32"),
    ("MultiheadAttention", {"num_heads": 2}, [5, 8], "float32"),
    ("MultiheadAttention", {"num_heads": 4, "causal": True, "bias": False}, [5, 8], "float32"),
    ("TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 16}, [5, 8], "float32"),
    (
        "TransformerEncoderLayer",
        {"nhead": 2, "dim_feedforward": 16, "causal": True, "norm_first": True},
        [5, 8],
        "float32",
    ),
]


def single_node_graph(type_name, params, shape, dtype):
    graph = ModelGraph()
    graph.add_node("Input", {"shape": shape, "dtype": dtype}, node_id="x")
    graph.add_node(type_name, params, node_id="layer")
    graph.connect("x", "layer")
    return graph


def test_the_catalogue_covers_every_required_layer_with_explanations():
    types = {spec.type for spec in all_specs()}
    assert set(REQUIRED_TYPES) <= types
    for spec in all_specs():
        assert spec.category in CATEGORIES, spec.type
        assert len(spec.explanation) > 80 and spec.summary, spec.type
        for param in spec.params:
            assert param.check(param.default) is None, (spec.type, param.name)
            assert param.help, (spec.type, param.name)


@pytest.mark.parametrize("type_name,params,shape,dtype", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_inferred_shapes_and_parameter_counts_match_torch(type_name, params, shape, dtype):
    graph = single_node_graph(type_name, params, shape, dtype)
    analysis = analyze(graph)
    assert analysis.ok, analysis.diagnostics
    model = compile_graph(graph, seed=0).eval()
    x = torch.randint(0, 5, (2, *shape)) if dtype == "int64" else torch.randn(2, *shape)
    with torch.no_grad():
        out = model(x)
    assert tuple(out.shape[1:]) == analysis.nodes["layer"].shape
    assert sum(p.numel() for p in model.parameters()) == analysis.nodes["layer"].params


def codes_for(graph, node_id):
    return [(d.code, d.message) for d in analyze(graph).for_node(node_id)]


def test_add_of_different_shapes_names_both_shapes():
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [8]}, node_id="x")
    graph.add_node("Linear", {"out_features": 4}, node_id="fc")
    graph.add_node("Add", node_id="add")
    graph.connect("x", "fc")
    graph.connect("x", "add")
    graph.connect("fc", "add")
    [(code, message)] = codes_for(graph, "add")
    assert code == "shape" and message == "inputs [8] and [4] differ; all inputs must have the same shape"


def test_conv2d_fed_a_flat_vector_is_explained():
    graph = single_node_graph("Conv2d", {}, [64], "float32")
    [(code, message)] = codes_for(graph, "layer")
    assert code == "shape" and "needs an image-like [channels, height, width] input, but got [64]" in message


def test_lstm_fed_a_flat_vector_is_explained():
    graph = single_node_graph("LSTM", {}, [16], "float32")
    [(_, message)] = codes_for(graph, "layer")
    assert "needs a sequence [time, features]" in message and "[16]" in message


def test_unconnected_input_missing_input_node_and_out_of_range_parameter():
    graph = ModelGraph()
    graph.add_node("Linear", node_id="fc")
    graph.add_node("ReLU", node_id="act")
    graph.connect("fc", "act")
    graph.set_param("fc", "out_features", -3, check=False)
    analysis = analyze(graph)
    messages = [str(d) for d in analysis.diagnostics]
    assert "error: graph: the network has no Input node" in messages
    assert "error: fc: out_features: must be a positive integer" in messages
    assert "error: fc: has no input connected" in messages
    assert not analysis.ok


def test_downstream_nodes_of_an_error_stay_quiet():
    graph = single_node_graph("Conv2d", {}, [64], "float32")
    graph.add_node("ReLU", node_id="after")
    graph.connect("layer", "after")
    assert analyze(graph).for_node("after") == []
    assert analyze(graph).nodes["after"].shape is None


def test_a_cycle_is_a_diagnostic_not_an_exception():
    graph = single_node_graph("Linear", {"out_features": 2}, [2], "float32")
    graph.add_node("Add", node_id="add")
    graph.connect("layer", "add")
    graph.connect("x", "add")
    graph._insert_edge(Edge("add", "layer"), 0)  # only a corrupted graph can hold one
    analysis = analyze(graph)
    assert {d.code for d in analysis.errors} == {"cycle"}


def test_token_ids_into_linear_and_floats_into_embedding_are_explained():
    graph = single_node_graph("Linear", {}, [5], "int64")
    assert "put an Embedding before it" in codes_for(graph, "layer")[0][1]
    graph = single_node_graph("Embedding", {}, [5], "float32")
    assert "needs integer token ids" in codes_for(graph, "layer")[0][1]


def test_attention_heads_must_divide_the_width():
    graph = single_node_graph("MultiheadAttention", {"num_heads": 3}, [4, 8], "float32")
    assert "not divisible by num_heads 3" in codes_for(graph, "layer")[0][1]


def test_nodes_that_reach_no_output_are_warned_about():
    graph = single_node_graph("Linear", {}, [3], "float32")
    graph.add_node("ReLU", node_id="dead_end")
    graph.connect("x", "dead_end")
    graph.set_outputs(["layer"])
    [diagnostic] = analyze(graph).for_node("dead_end")
    assert diagnostic.severity == "warning" and analyze(graph).ok


def test_shape_text_shows_the_batch_as_n():
    graph = single_node_graph("Linear", {"out_features": 8}, [2], "float32")
    assert analyze(graph).nodes["layer"].shape_text == "[N, 8]"
