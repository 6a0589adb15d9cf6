"""The compiler: equal outputs to hand-written PyTorch, weights named by node id, and
errors that name the node."""

import pytest
import torch

from bench.reference_nets import REFERENCES
from graph_core.codegen import generate_code
from graph_core.compiler import CompileError, compile_graph
from graph_core.graph import ModelGraph


@pytest.mark.parametrize("ref", REFERENCES, ids=[r.name for r in REFERENCES])
def test_compiled_network_equals_the_hand_written_one(ref):
    torch.manual_seed(0)
    hand = ref.make_module().eval()
    compiled = compile_graph(ref.make_graph()).eval()
    compiled.load_state_dict(hand.state_dict(), strict=True)  # same names, same shapes
    x = torch.randn(5, *ref.input_shape)
    with torch.no_grad():
        torch.testing.assert_close(compiled(x), hand(x), rtol=0, atol=1e-6)


@pytest.mark.parametrize("ref", REFERENCES, ids=[r.name for r in REFERENCES])
def test_generated_code_defines_the_same_network(ref, tmp_path):
    graph = ref.make_graph()
    namespace = {}
    exec(compile(generate_code(graph), "model.py", "exec"), namespace)
    standalone = namespace["Model"]().eval()
    compiled = compile_graph(graph, seed=1).eval()
    standalone.load_state_dict(compiled.state_dict(), strict=True)
    x = torch.randn(3, *ref.input_shape)
    with torch.no_grad():
        torch.testing.assert_close(standalone(x), compiled(x))


def branching_graph():
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [4]}, node_id="a")
    graph.add_node("Input", {"shape": [3]}, node_id="b")
    graph.add_node("Linear", {"out_features": 5}, node_id="fa")
    graph.add_node("Linear", {"out_features": 5}, node_id="fb")
    graph.add_node("Concat", {"dim": -1}, node_id="cat")
    graph.add_node("Multiply", node_id="gate")
    graph.add_node("Linear", {"out_features": 2}, node_id="head")
    for src, dst in [
        ("a", "fa"),
        ("b", "fb"),
        ("fa", "cat"),
        ("fb", "cat"),
        ("fa", "gate"),
        ("fb", "gate"),
        ("cat", "head"),
    ]:
        graph.connect(src, dst)
    graph.set_outputs(["head", "gate"])
    return graph


def test_several_inputs_and_outputs_with_concat_and_multiply():
    model = compile_graph(branching_graph(), seed=0)
    a, b = torch.randn(6, 4), torch.randn(6, 3)
    head, gate = model(a, b)
    fa, fb = model.fa(a), model.fb(b)
    torch.testing.assert_close(gate, fa * fb)
    torch.testing.assert_close(head, model.head(torch.cat([fa, fb], dim=-1)))
    assert model.input_ids == ["a", "b"]


def test_parameter_names_are_node_ids_and_survive_a_recompile():
    graph = branching_graph()
    first = compile_graph(graph, seed=0)
    assert set(first.state_dict()) == {f"{n}.{p}" for n in ("fa", "fb", "head") for p in ("weight", "bias")}
    graph.set_param("head", "out_features", 7)
    second = compile_graph(graph, seed=0)
    # An unchanged node gets the same initial weights from the same seed, so weights
    # map back to nodes across edits.
    torch.testing.assert_close(second.fa.weight, first.fa.weight)
    assert second.head.weight.shape == (7, 10)


def test_forward_nodes_exposes_every_node_for_live_views():
    model = compile_graph(branching_graph(), seed=0)
    outputs = model.forward_nodes(torch.randn(2, 4), torch.randn(2, 3))
    assert set(outputs) == {"a", "b", "fa", "fb", "cat", "gate", "head"}
    assert outputs["cat"].shape == (2, 10)


def test_an_invalid_graph_is_refused_with_its_diagnostics():
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [8]}, node_id="x")
    graph.add_node("Conv2d", node_id="conv")
    graph.connect("x", "conv")
    with pytest.raises(CompileError) as info:
        compile_graph(graph)
    assert info.value.diagnostics[0].node == "conv"


def test_a_runtime_error_is_traced_to_the_node_that_raised_it():
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [3]}, node_id="x")
    graph.add_node("Linear", {"out_features": 4}, node_id="fc")
    graph.add_node("Tanh", node_id="act")
    graph.connect("x", "fc")
    graph.connect("fc", "act")
    model = compile_graph(graph)
    with pytest.raises(RuntimeError) as info:
        model(torch.randn(2, 5))  # wrong feature count at run time
    assert model.failing_node(info.value) == "fc"


def test_ids_that_are_python_keywords_still_compile():
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [2]}, node_id="in")
    graph.add_node("Linear", {"out_features": 1}, node_id="lambda")
    graph.connect("in", "lambda")
    model = compile_graph(graph)
    assert model(torch.zeros(1, 2)).shape == (1, 1)
    assert "in_" in model.source


def test_the_step_unit_thresholds_and_passes_gradients_straight_through():
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [3]}, node_id="x")
    graph.add_node("Step", node_id="step")
    graph.connect("x", "step")
    model = compile_graph(graph)
    x = torch.tensor([[-1.0, 0.5, 2.0]], requires_grad=True)
    y = model(x)
    y.sum().backward()
    assert y.tolist() == [[0.0, 1.0, 1.0]] and x.grad.tolist() == [[1.0, 1.0, 1.0]]


def test_a_causal_transformer_never_lets_a_later_token_change_an_earlier_output():
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [6], "dtype": "int64"}, node_id="tokens")
    graph.add_node("Embedding", {"num_embeddings": 10, "embedding_dim": 8}, node_id="emb")
    graph.add_node("PositionalEncoding", node_id="pos")
    graph.add_node(
        "TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 16, "dropout": 0.0, "causal": True}, node_id="block"
    )
    graph.add_node("MultiheadAttention", {"num_heads": 2, "causal": True}, node_id="attn")
    for src, dst in [("tokens", "emb"), ("emb", "pos"), ("pos", "block"), ("block", "attn")]:
        graph.connect(src, dst)
    model = compile_graph(graph, seed=0).eval()
    tokens = torch.randint(0, 10, (1, 6))
    changed = tokens.clone()
    changed[0, 4:] = (changed[0, 4:] + 1) % 10
    with torch.no_grad():
        torch.testing.assert_close(model(tokens)[:, :4], model(changed)[:, :4])
        assert not torch.allclose(model(tokens)[:, 4:], model(changed)[:, 4:])


def test_no_node_id_can_shadow_an_nn_module_attribute():
    from graph_core.plan import _TAKEN

    public = {name for name in dir(torch.nn.Module) if not name.startswith("_")}
    assert public <= _TAKEN


def test_weights_of_a_node_named_like_a_module_method_still_map_back_to_it():
    from graph_core.training.transfer import tensors_by_node

    graph = ModelGraph()
    graph.add_node("Input", {"shape": [2]}, node_id="x")
    graph.add_node("Linear", {"out_features": 3}, node_id="eval")
    graph.connect("x", "eval")
    model = compile_graph(graph)
    assert "eval_.weight" in model.state_dict()
    assert list(tensors_by_node(model)) == ["eval"]
