"""`neuroloom export`: write a project's trained network in one format (or all) and
print how each file verified. Exit status: 0 written and verified, 1 a file failed
verification or could not be made, 2 bad input (the message names the problem)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
# Named here so `neuroloom --help` stays fast: the registry imports torch.
FORMAT_NAMES = ("safetensors", "pt", "pt2", "onnx", "code")


def add_export_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `export` command to the `neuroloom` command's sub-parsers."""
    parser = subparsers.add_parser(
        "export",
        help="write the trained network as files other tools load, each verified",
        description="Write a project's network with its trained weights as safetensors, a PyTorch state dict "
        "(pt), a torch.export program (pt2), ONNX, or PyTorch code (model.py, train.py, weights and data). "
        "Each file is reloaded in its own runtime and its outputs compared with NeuroLoom's (max abs "
        "difference within 1e-5). Exit status: 0 verified, 1 verification failed, 2 bad input.",
    )
    parser.add_argument("project", help="the .nlproj file")
    parser.add_argument(
        "--weights", metavar="FILE", help="trained weights: safetensors or a weights-only state dict (.pt)"
    )
    parser.add_argument("--format", "-f", required=True, choices=[*FORMAT_NAMES, "all"], help="what to write")
    parser.add_argument(
        "--out", "-o", required=True, metavar="PATH", help="the file to write; a folder for code and for all"
    )
    parser.add_argument(
        "--role", metavar="NAME", help="export one network of a project that holds several (e.g. generator)"
    )
    parser.add_argument("--no-verify", action="store_true", help="write without reloading and comparing")
    parser.add_argument("--verbose", "-v", action="store_true", help="print the full error of a failed export")
    parser.set_defaults(run=run_export)
    return parser


def run_export(args: argparse.Namespace) -> int:
    """Carry out `neuroloom export` with parsed `args`; returns the exit status."""
    from graph_core.export import ExportError, default_name, get_format, source_from_project
    from graph_core.project import ProjectError, load_project

    project_path = Path(args.project)
    try:
        project = load_project(project_path)
        # "all": the formats this command names, whatever else this process registered
        # (the app adds its SVG/PNG pictures when it is loaded).
        names = FORMAT_NAMES if args.format == "all" else (args.format,)
        chosen = [get_format(name) for name in names]
        source = source_from_project(
            project, weights=args.weights, base_dir=project_path.parent, name=project_path.stem, role=args.role
        )
    except (ProjectError, ExportError) as error:
        return _bad_input(str(error))
    unavailable = [fmt for fmt in chosen if not fmt.available()]
    if args.format != "all" and unavailable:
        fmt = unavailable[0]
        return _bad_input(f"the {fmt.name} format needs {', '.join(fmt.missing())}: {fmt.install_hint}")
    out = Path(args.out)
    if args.format == "all" and out.exists() and not out.is_dir():
        return _bad_input(f"--out {out}: with --format all, --out must be a folder")
    for note in source.notes:
        print(f"note: {note}")
    reports = []
    for fmt in chosen:
        target = out / default_name(fmt, source.name) if args.format == "all" else out
        report = fmt.export(source, target, verify=not args.no_verify)
        reports.append(report)
        _print_report(report, set(source.notes), args.verbose)
    failed = [r for r in reports if r.status in ("failed", "error")]
    if failed:
        print(f"{len(failed)} of {len(reports)} export(s) failed: {', '.join(r.format for r in failed)}")
        return EXIT_FAILED
    return EXIT_OK


def _print_report(report, printed: set[str], verbose: bool) -> None:
    stream = sys.stderr if report.status in ("failed", "error") else sys.stdout
    print(f"{report.format:<12} {report.path}", file=stream)
    print(f"{'':<12} {report.status}: {report.message}", file=stream)
    for note in report.notes:
        if note not in printed:
            print(f"{'':<12} note: {note}", file=stream)
    if verbose and report.details:
        print(report.details, file=stream)


def _bad_input(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT
