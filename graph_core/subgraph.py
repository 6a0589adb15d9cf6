"""Graph roles: one canvas may hold several networks (a GAN's generator and
discriminator), each node marked with the role it belongs to. Here each role becomes a
graph of its own that validates and compiles alone, with node ids unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from graph_core.graph import ModelGraph
from graph_core.shapes import Diagnostic, analyze

if TYPE_CHECKING:  # the compiler pulls in torch; validation alone must not
    from graph_core.compiler import CompiledModel

Role = str | None


def role_label(role: Role) -> str:
    """How a role is named in messages: 'the generator', 'the main network'."""
    return "the main network" if role is None else f"the {role}"


def role_nodes(graph: ModelGraph, role: Role) -> list[str]:
    """The ids of the nodes marked with `role`, in creation order."""
    return [node.id for node in graph.nodes() if node.role == role]


def subgraph(graph: ModelGraph, role: Role) -> ModelGraph:
    """The nodes of one role and the edges among them, as a graph of its own.

    Node ids, parameters, positions and roles stay as they are, so weights compiled from
    the sub-graph are still addressed by the canvas's node ids. Declared outputs of the
    whole graph that belong to this role stay declared.
    """
    keep = set(role_nodes(graph, role))
    whole = graph.to_dict()
    part = {
        "nodes": [node for node in whole["nodes"] if node["id"] in keep],
        "edges": [edge for edge in whole["edges"] if edge["src"] in keep and edge["dst"] in keep],
        "outputs": [node_id for node_id in whole["outputs"] if node_id in keep],
    }
    return ModelGraph.from_dict(part, check=False)


def crossing_edges(graph: ModelGraph) -> list[Diagnostic]:
    """Edges that join two roles: each network must stand alone (the training mode,
    not an edge, carries a generator's samples to the discriminator)."""
    problems = []
    for edge in graph.edges():
        src, dst = graph.node(edge.src).role, graph.node(edge.dst).role
        if src != dst:
            problems.append(
                Diagnostic(
                    f"connects {role_label(src)} to {role_label(dst)}; each network must stand alone, "
                    "so remove this edge (the training mode passes data between them)",
                    edge=edge,
                    code="role_edge",
                )
            )
    return problems


def role_diagnostics(graph: ModelGraph, required: Iterable[str] = ()) -> list[Diagnostic]:
    """Every problem that keeps the roles of `graph` from compiling on their own.

    Checks that each `required` role has nodes, that no edge crosses roles, and that
    each role is a valid network (its own Input, output and shapes). Messages about a
    whole network name its role; the rest stay tied to their node or edge.
    """
    problems = [
        Diagnostic(f"{role_label(role)} is missing: mark its nodes with the role {role!r}", code="role_missing")
        for role in required
        if not role_nodes(graph, role)
    ]
    problems += crossing_edges(graph)
    for role in graph.roles():
        for diagnostic in analyze(subgraph(graph, role)).diagnostics:
            problems.append(_named(diagnostic, role))
    return problems


def _named(diagnostic: Diagnostic, role: Role) -> Diagnostic:
    if diagnostic.node is not None or diagnostic.edge is not None or role is None:
        return diagnostic
    message = diagnostic.message.replace("the network", role_label(role), 1)
    if message == diagnostic.message:
        message = f"{role_label(role)}: {message}"
    return Diagnostic(message, severity=diagnostic.severity, code=diagnostic.code)


def compile_role(graph: ModelGraph, role: Role, seed: int | None = None) -> CompiledModel:
    """Compile one role's network; its submodules are named by the canvas's node ids."""
    from graph_core.compiler import compile_graph

    return compile_graph(subgraph(graph, role), seed)


def compile_roles(graph: ModelGraph, roles: Iterable[Role], seed: int | None = None) -> dict[Role, CompiledModel]:
    """Compile each of `roles` on its own, by role."""
    return {role: compile_role(graph, role, seed) for role in roles}
