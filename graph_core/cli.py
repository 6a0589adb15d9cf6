"""The headless `neuroloom` command: the same graph_core calls the app makes, for
scripts, servers and CI. With no command it opens the desktop app."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neuroloom",
        description="Design neural networks by hand, watch them learn, and take them away as real files.",
        epilog="Run 'neuroloom COMMAND --help' for the options of a command. With no command, the app opens.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser(
        "gui", help="open the desktop app (the default)", description="Open the NeuroLoom window."
    )
    gui.add_argument("project", nargs="?", help="a .nlproj file to open (default: a built-in example)")

    validate = commands.add_parser(
        "validate",
        help="check a project: shapes, parameter counts, problems",
        description="Print each node with its output shape and parameter count, the totals and the diagnostics. "
        "Exit status: 0 valid, 1 invalid, 2 the file cannot be read.",
    )
    validate.add_argument("project", help="the .nlproj file")

    from graph_core.export_cli import add_export_parser
    from graph_core.train_cli import add_train_parser

    add_train_parser(commands)
    add_export_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in (None, "gui"):
        from app.main import main as gui_main

        return gui_main([args.project] if getattr(args, "project", None) else [])
    if args.command == "validate":
        return cmd_validate(args.project)
    if args.command == "train":
        from graph_core.train_cli import run_train

        return run_train(args)
    if args.command == "export":
        from graph_core.export_cli import run_export

        return run_export(args)
    return EXIT_UNREADABLE


def cmd_validate(path: str) -> int:
    from graph_core.project import ProjectError, load_project
    from graph_core.shapes import analyze

    try:
        project = load_project(path)
    except ProjectError as error:
        print(f"error: cannot read {path}:\n{_indent(str(error))}", file=sys.stderr)
        return EXIT_UNREADABLE
    graph = project.graph
    analysis = analyze(graph)
    diagnostics = list(analysis.diagnostics)
    if project.training.get("mode") == "diffusion":  # two Inputs: the noisy sample and its time step
        from graph_core.noise_predictor import diffusion_diagnostics

        diagnostics += diffusion_diagnostics(graph)
    errors = [d for d in diagnostics if d.severity == "error"]
    rows = [("node", "type", "output", "params")]
    for node_id in analysis.order:
        info = analysis.nodes[node_id]
        rows.append((node_id, graph.node(node_id).type, info.shape_text, f"{info.params:,}"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(w) if j < 3 else cell.rjust(w) for j, (cell, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\n{len(graph)} nodes, {len(graph.edges())} edges, {analysis.total_params:,} trainable parameters")
    for diagnostic in diagnostics:
        print(str(diagnostic), file=sys.stderr if diagnostic.severity == "error" else sys.stdout)
    if not errors:
        print("valid")
        return EXIT_OK
    print(f"invalid: {len(errors)} error(s)")
    return EXIT_INVALID


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


if __name__ == "__main__":
    sys.exit(main())
