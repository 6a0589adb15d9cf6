"""NeuroLoom's core: layer catalogue, graph model, shape inference, compiler, project
files, training and export. No Qt: usable from scripts and notebooks.

`import graph_core` stays light (no torch); the torch-heavy parts load when used.
"""

from graph_core.graph import Edge, GraphError, GraphEvent, ModelGraph, Node
from graph_core.registry import all_specs, get_spec, specs_by_category
from graph_core.shapes import Analysis, Diagnostic, analyze, infer_shapes, validate

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Diagnostic",
    "Edge",
    "GraphError",
    "GraphEvent",
    "ModelGraph",
    "Node",
    "all_specs",
    "analyze",
    "get_spec",
    "infer_shapes",
    "specs_by_category",
    "validate",
]
