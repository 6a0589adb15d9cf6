"""The language-model part of the code export: `generate.py` beside model.py (the
vocabulary and context length with a sampling loop), checked in a fresh Python process
that cannot import NeuroLoom: for the same prompts, settings and seeds it must write
exactly the text the app's model writes."""

from __future__ import annotations

import json
from pathlib import Path

from graph_core.codegen_generate import generate_script
from graph_core.export.core import ExportSource, run_in_fresh_python, write_file

GENERATE_FILE = "generate.py"
CHECK_LENGTH = 40  # characters each check writes
# (temperature, top_k, seed): greedy, and a seeded draw that uses the top-k cut.
CHECKS = ((0.0, 0, None), (0.9, 5, 7))

# Runs in the fresh process: NeuroLoom is made unimportable, generate.py must stand alone.
_CHECK_SCRIPT = """
import contextlib, io, json, runpy, sys
sys.modules["graph_core"] = None
folder, cases = sys.argv[1], json.loads(sys.argv[2])
sys.path.insert(0, folder)
written = []
for argv in cases:
    sys.argv = ["generate.py", *argv]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(folder + "/generate.py", run_name="__main__")
    written.append(out.getvalue())
print(json.dumps(written))
"""


def is_language_model(source: ExportSource) -> bool:
    return (source.training or {}).get("mode") == "language_model"


def _tokenizer(source: ExportSource):
    return getattr(source.bundle, "tokenizer", None) if source.bundle is not None else None


def check_prompt(source: ExportSource) -> str:
    """The prompt the check (and generate.py's default) uses: the corpus's own, or the
    start of the first test window."""
    from graph_core.data.text import corpus_prompt

    prompt = corpus_prompt(source.bundle.name)
    if prompt:
        return prompt
    for split in ("x_test", "x_val", "x_train"):
        x = getattr(source.bundle, split)
        if len(x):
            return _tokenizer(source).decode(x[0][:8])
    return ""


def write_generate_script(source: ExportSource, folder: Path, notes: list[str]) -> list[Path]:
    """generate.py for a language-model project (else nothing), or a note saying why
    it was left out."""
    if not is_language_model(source):
        return []
    tokenizer = _tokenizer(source)
    if tokenizer is None:
        notes.append(
            "generate.py was not written: the project's text data (which holds the vocabulary) is not available"
        )
        return []
    context = int(source.bundle.x_train.shape[1])
    script = generate_script(tokenizer.alphabet, context, check_prompt(source), source.title)
    path = folder / GENERATE_FILE
    write_file(path, script.encode())
    return [path]


def verify_generate_script(source: ExportSource, folder: Path) -> None:
    """Run generate.py in a fresh process for each of CHECKS and compare its text with
    what the app's model writes; raises RuntimeError naming the first difference."""
    from graph_core.training.language import generate

    if not (folder / GENERATE_FILE).exists() or not is_language_model(source):
        return
    model, _ = source.prepared()
    tokenizer = _tokenizer(source)
    context = int(source.bundle.x_train.shape[1])
    prompt = check_prompt(source)
    cases, expected = [], []
    for temperature, top_k, seed in CHECKS:
        argv = [prompt, "--length", str(CHECK_LENGTH), "--temperature", str(temperature), "--top-k", str(top_k)]
        cases.append(argv + (["--seed", str(seed)] if seed is not None else []))
        text = generate(
            model, tokenizer, prompt, max_new_tokens=CHECK_LENGTH, temperature=temperature, top_k=top_k,
            context=context, seed=seed,
        ).text  # fmt: skip
        expected.append(prompt + text + "\n")
    stdout = run_in_fresh_python(_CHECK_SCRIPT, [str(folder.resolve()), json.dumps(cases)], "generate.py")
    written = json.loads(stdout.strip().splitlines()[-1])
    for argv, want, got in zip(cases, expected, written):
        if want != got:
            raise RuntimeError(
                f"generate.py {' '.join(argv[1:])} wrote {got.rstrip()!r}, but the app's model writes {want.rstrip()!r}"
            )
