"""Property test: random graphs from the whole catalogue, with random parameters, either
validate with diagnostics or compile and run forward and backward. Nothing else.

Bounded for CI; set NEUROLOOM_FUZZ_EXAMPLES=5000 for a long local run.
"""

import os
import warnings

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_core.compiler import compile_graph
from graph_core.graph import GraphError, ModelGraph
from graph_core.registry import all_specs
from graph_core.shapes import analyze

EXAMPLES = int(os.environ.get("NEUROLOOM_FUZZ_EXAMPLES", "120"))
LAYER_TYPES = sorted(s.type for s in all_specs() if s.type != "Input")
SMALL_INT_CAP = {"max_len": 64, "dim_feedforward": 16}


def small_value(draw, param):
    kind = param.kind
    if param.nullable and draw(st.booleans()):
        return None
    if kind == "int":
        low = int(param.min if param.min is not None else -3)
        cap = SMALL_INT_CAP.get(param.name, 8)
        return draw(st.integers(low, max(low, min(int(param.max or cap), low + cap))))
    if kind == "float":
        low = param.min or 0.0
        return draw(st.floats(low, min(param.max or 2.0, low + 2.0), allow_nan=False))
    if kind == "bool":
        return draw(st.booleans())
    if kind == "choice":
        return draw(st.sampled_from(param.choices))
    if kind == "size":
        low = int(param.min or 0)
        number = st.integers(low, low + 3)
        options = [number, st.lists(number, min_size=param.dims, max_size=param.dims)]
        if param.words:
            options.append(st.sampled_from(param.words))
        return draw(st.one_of(options))
    if kind == "dim":
        return draw(st.sampled_from([-1, -2, 1, 2, 3]))
    if kind == "ints":
        return draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    if kind == "shape":
        return draw(st.lists(st.sampled_from([-1, 2, 3, 4]), min_size=1, max_size=3))
    raise AssertionError(kind)


@st.composite
def random_graphs(draw):
    graph = ModelGraph()
    for i in range(draw(st.integers(1, 2))):
        rank = draw(st.integers(1, 3))
        tokens = rank == 1 and draw(st.booleans())
        shape = draw(st.lists(st.integers(1, 6), min_size=rank, max_size=rank))
        graph.add_node("Input", {"shape": shape, "dtype": "int64" if tokens else "float32"}, node_id=f"in{i}")
    for i in range(draw(st.integers(1, 6))):
        spec_type = draw(st.sampled_from(LAYER_TYPES))
        spec = next(s for s in all_specs() if s.type == spec_type)
        params = {p.name: small_value(draw, p) for p in spec.params if draw(st.booleans())}
        params = {k: v for k, v in params.items() if spec.param(k).check(v) is None}
        node_id = graph.add_node(spec_type, params, node_id=f"n{i}")
        earlier = [n for n in graph.node_ids() if n != node_id]
        for source in draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=2, unique=True)):
            try:
                graph.connect(source, node_id)
            except GraphError:
                pass  # a refused edit is a fine outcome
    return graph


def sample_input(graph, node_id):
    params = graph.node(node_id).params
    if params["dtype"] == "int64":
        return torch.randint(0, 1, (3, *params["shape"]))  # every vocabulary has id 0
    return torch.randn(3, *params["shape"])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_graphs())
def test_random_graphs_validate_or_compile_and_run(graph):
    analysis = analyze(graph)
    if not analysis.ok:
        assert all(d.message for d in analysis.errors)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = compile_graph(graph, seed=0)
        inputs = [sample_input(graph, n) for n in model.input_ids]
        outputs = model(*inputs)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    for node_id, out in zip(model.output_ids, outputs):
        assert tuple(out.shape[1:]) == analysis.nodes[node_id].shape
    floats = [o.sum() for o in outputs if o.is_floating_point()]
    loss = sum(floats) if floats else None
    if loss is not None and loss.requires_grad:
        loss.backward()
