"""Importing PyTorch modules with torch.fx: the reference networks become graphs that
compile back to equal outputs, generated model.py files come back as the same graph,
and what has no layer is reported by name."""

import textwrap

import pytest
import torch
from torch import nn

from bench.reference_nets import REFERENCES
from graph_core.codegen import generate_code
from graph_core.graph import ModelGraph
from graph_core.importer import ModuleImportError, import_module
from graph_core.project import EXAMPLES_DIR, load_project


def signature(graph: ModelGraph):
    """What makes two graphs the same network: nodes, parameters, each node's inputs in
    order (Concat joins in that order) and the outputs; positions do not count."""
    nodes = {n.id: (n.type, n.params) for n in graph.nodes()}
    inputs = {n: [(e.src, e.src_port, e.dst_port) for e in graph.in_edges(n)] for n in nodes}
    return nodes, inputs, graph.output_nodes()


@pytest.mark.parametrize("ref", REFERENCES, ids=[r.name for r in REFERENCES])
def test_reference_network_imports_to_a_graph_that_computes_the_same(ref):
    torch.manual_seed(0)
    module = ref.make_module().eval()
    result = import_module(module, [ref.input_shape])
    assert result.report.ok, result.report.describe()
    assert result.report.unsupported == [] and result.report.max_abs_diff <= 1e-5
    imported_types = [n.type for n in result.graph.nodes()]
    assert imported_types == [n.type for n in ref.make_graph().nodes()]
    x = torch.randn(6, *ref.input_shape)
    with torch.no_grad():
        torch.testing.assert_close(result.model(x), module(x), rtol=0, atol=1e-6)


def test_imported_graph_is_laid_out_left_to_right():
    result = import_module(REFERENCES[2].make_module(), [(16,)])  # the residual MLP
    graph = result.graph
    for edge in graph.edges():
        assert graph.node(edge.src).pos[0] < graph.node(edge.dst).pos[0]
    assert len({n.pos for n in graph.nodes()}) == len(graph)


def write_model_py(graph, folder):
    path = folder / "model.py"
    path.write_text(generate_code(graph))
    return path


def import_generated(graph, path):
    inputs = [graph.node(i).params for i in graph.input_nodes()]
    return import_module(
        path, [p["shape"] for p in inputs], class_name="Model", input_dtypes=[p["dtype"] for p in inputs]
    )


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES_DIR.glob("*.nlproj")))
def test_generated_model_py_imports_back_to_the_same_graph(name, tmp_path):
    graph = load_project(EXAMPLES_DIR / f"{name}.nlproj").graph
    result = import_generated(graph, write_model_py(graph, tmp_path))
    assert result.report.ok, result.report.describe()
    assert signature(result.graph) == signature(graph)


def every_kind_of_node():
    """Token inputs, attention with causal masks, recurrent outputs of every form, merges,
    reshapes, NeuroLoom's own Step and PositionalEncoding, and functional activations."""
    g = ModelGraph()
    nodes = [
        ("tokens", "Input", {"shape": [6], "dtype": "int64"}),
        ("emb", "Embedding", {"num_embeddings": 20, "embedding_dim": 16, "padding_idx": 0}),
        ("pos", "PositionalEncoding", {"max_len": 32, "learned": True}),
        ("attn", "MultiheadAttention", {"num_heads": 2, "causal": True}),
        ("block", "TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 32, "dropout": 0.0, "causal": True}),
        ("lstm", "LSTM", {"hidden_size": 8, "bidirectional": True, "num_layers": 2, "output": "last"}),
        ("gru", "GRU", {"hidden_size": 8, "bidirectional": True, "output": "last"}),
        ("rnn", "RNN", {"hidden_size": 8, "output": "sequence", "nonlinearity": "relu"}),
        ("cat", "Concat", {"dim": -1}),
        ("flat", "Flatten", {}),
        ("resh", "Reshape", {"shape": [4, -1]}),
        ("ln", "LayerNorm", {}),
        ("step", "Step", {}),
        ("gate", "Multiply", {}),
        ("sum3", "Add", {}),
        ("silu", "SiLU", {}),
        ("leaky", "LeakyReLU", {"negative_slope": 0.2}),
        ("probs", "Softmax", {"dim": -1}),
    ]
    for node_id, type_name, params in nodes:
        g.add_node(type_name, params, node_id=node_id)
    edges = "tokens-emb emb-pos pos-attn attn-block block-lstm block-gru block-rnn rnn-flat flat-resh lstm-cat "
    edges += "gru-cat cat-ln ln-step ln-gate step-gate gate-sum3 ln-sum3 cat-sum3 sum3-silu silu-leaky leaky-probs"
    for pair in edges.split():
        g.connect(*pair.split("-"))
    g.set_outputs(["probs", "resh"])
    return g


def images_and_norms():
    g = ModelGraph()
    chain = [
        ("pixels", "Input", {"shape": [64]}),
        ("img", "Unflatten", {"dim": 1, "unflattened_size": [1, 8, 8]}),
        ("conv", "Conv2d", {"out_channels": 4, "kernel_size": [3, 1], "padding": "same"}),
        ("bn", "BatchNorm2d", {}),
        ("avg", "AvgPool2d", {"kernel_size": 2, "stride": 1}),
        ("up", "ConvTranspose2d", {"out_channels": 2, "kernel_size": 2, "stride": 2}),
        ("ups", "Upsample", {"scale_factor": 2.0, "mode": "bilinear"}),
        ("gap", "AdaptiveAvgPool2d", {"output_size": 2}),
        ("flat", "Flatten", {}),
        ("bn1", "BatchNorm1d", {}),
        ("drop", "Dropout", {"p": 0.3}),
        ("elu", "ELU", {"alpha": 0.5}),
        ("head", "Linear", {"out_features": 3, "bias": False}),
        ("logp", "LogSoftmax", {"dim": 1}),
    ]
    for node_id, type_name, params in chain:
        g.add_node(type_name, params, node_id=node_id)
    for (a, *_), (b, *_) in zip(chain, chain[1:]):
        g.connect(a, b)
    return g


@pytest.mark.parametrize("make", [every_kind_of_node, images_and_norms])
def test_every_layer_kind_survives_the_round_trip_through_model_py(make, tmp_path):
    graph = make()
    result = import_generated(graph, write_model_py(graph, tmp_path))
    assert result.report.ok, result.report.describe()
    assert signature(result.graph) == signature(graph)


class Unusual(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.cell = nn.GRUCell(8, 8)
        self.scale = nn.Parameter(torch.ones(8))
        self.out = nn.Linear(8, 2)

    def forward(self, x):
        h = self.fc(x) * 2
        h = self.fc(h)
        g = self.cell(h)
        z = torch.relu(g) * self.scale
        return self.out(z + g), x.mean(dim=1)


def test_operations_without_a_layer_are_reported_by_name_never_dropped():
    result = import_module(Unusual(), [(8,)])
    found = {(u.name, u.what) for u in result.report.unsupported}
    assert found == {
        ("mul", "operator *"),
        ("fc_1", "module fc"),
        ("cell", "module cell"),
        ("scale", "parameter scale"),
        ("mean", "method .mean()"),
    }
    reasons = {u.name: u.reason for u in result.report.unsupported}
    assert reasons["cell"] == "nn.GRUCell has no NeuroLoom layer"
    assert "cannot share weights" in reasons["fc_1"]
    assert not result.report.ok and result.model is None
    assert {"fc", "out", "relu", "z"} <= set(result.graph.node_ids())


def test_a_module_is_found_by_file_path_or_import_path(tmp_path):
    path = tmp_path / "mynet.py"
    path.write_text(
        textwrap.dedent(
            """
            import torch
            from torch import nn

            class Net(nn.Module):
                def __init__(self, width=5):
                    super().__init__()
                    self.body = nn.Sequential(nn.Linear(3, width), nn.Tanh(), nn.Linear(width, 2))

                def forward(self, x):
                    return torch.sigmoid(self.body(x))
            """
        )
    )
    by_file = import_module(str(path), [(3,)], class_name="Net", kwargs={"width": 7})
    assert [n.id for n in by_file.graph.nodes()] == ["x", "body_0", "body_1", "body_2", "sigmoid"]
    assert by_file.graph.node("body_0").params["out_features"] == 7 and by_file.report.ok
    assert import_module(f"{path}:Net", [(3,)]).report.ok
    assert import_module("bench.reference_nets:MLP", [(64,)]).report.ok


def test_modules_that_cannot_be_loaded_or_traced_say_why(tmp_path):
    class Branchy(nn.Module):
        def forward(self, x):
            return x if x.sum() > 0 else -x

    (tmp_path / "broken.py").write_text("def oops(:\n")
    cases = [
        (lambda: import_module(Branchy(), [(2,)]), "torch.fx could not trace Branchy.forward"),
        (lambda: import_module(str(tmp_path / "broken.py"), [(2,)], class_name="Net"), "running broken.py failed"),
        (lambda: import_module("bench.reference_nets:Nope", [(2,)]), "defines no 'Nope'"),
        (lambda: import_module("bench.reference_nets:MLP", [(64,), (3,)]), "forward takes 1 input(s)"),
        (lambda: import_module("bench.reference_nets:MLP", [(65,)]), "fails on inputs of the given shapes"),
    ]
    for call, message in cases:
        with pytest.raises(ModuleImportError) as error:
            call()
        assert message in str(error.value)
