"""Export time per format per example: writing the file(s) and verifying them (reload
in their own runtime, compare outputs), in seconds, with the max abs difference. The
first pt2/onnx export in a process also pays torch.export's and the exporter's warm-up;
a warm-up export runs first so the table shows the steady cost.

Run: python -m bench.bench_export [--formats safetensors pt pt2 onnx code]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from graph_core.export import default_name, get_format, source_from_project
from graph_core.project import EXAMPLES_DIR, load_project

EXAMPLES = ("mlp_spiral", "cnn_digits", "lstm_sine", "transformer_sequence", "residual_mlp")
FORMATS = ("safetensors", "pt", "pt2", "onnx", "code")


def main(formats: tuple[str, ...] = FORMATS) -> list[tuple[str, str, float, float, float | None]]:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        warm = source_from_project(load_project(EXAMPLES_DIR / "mlp_xor.nlproj"), name="warmup")
        for name in formats:
            get_format(name).export(warm, Path(scratch) / default_name(get_format(name), "warmup"))
        print(f"{'example':<22}{'format':<13}{'write s':>9}{'verify s':>10}{'max abs diff':>14}  status")
        for example in EXAMPLES:
            source = source_from_project(load_project(EXAMPLES_DIR / f"{example}.nlproj"), name=example)
            for name in formats:
                fmt = get_format(name)
                report = fmt.export(source, Path(scratch) / default_name(fmt, example))
                diff = "-" if report.max_abs_diff is None else f"{report.max_abs_diff:.2g}"
                print(
                    f"{example:<22}{name:<13}{report.write_seconds:>9.3f}{report.verify_seconds:>10.3f}"
                    f"{diff:>14}  {report.status}"
                )
                rows.append((example, name, report.write_seconds, report.verify_seconds, report.max_abs_diff))
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    main(tuple(parser.parse_args().formats))
