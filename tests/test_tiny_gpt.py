"""User stories for the tiny GPT: a character tokenizer, corpora the project writes
itself and the user's own text files (with clear errors), next-token training that
beats chance within seconds, text written from the current weights, a causal mask that
holds end to end, attention weights read from the modules the model runs, and the
exported code with its generate.py checked in a fresh process."""

from __future__ import annotations

import codecs
import functools
import json
import re
import subprocess
import sys

import numpy as np
import pytest
import torch

from graph_core.cli import main
from graph_core.compiler import compile_graph
from graph_core.data import DATASETS, DataImportError, load_dataset
from graph_core.data.text import (
    CORPORA,
    MAX_VOCABULARY,
    CharTokenizer,
    chance_accuracy,
    generate_corpus,
    import_text_file,
    read_text_file,
)
from graph_core.export import export, source_from_project
from graph_core.project import EXAMPLES_DIR, load_project
from graph_core.training import FinishedEvent, Trainer, TrainingConfig, make_mode
from graph_core.training.language import (
    IGNORE,
    LanguageModelMode,
    attention_pattern,
    fill_blanks,
    generate,
    mask_windows,
    sample_next,
    text_attention,
)

EXAMPLE = EXAMPLES_DIR / "tiny_gpt.nlproj"
SAMPLES = 800  # windows of the example's corpus for the short runs here (640 to train on)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def project():
    return load_project(EXAMPLE)


def example_trainer(project, epochs: int, **data) -> Trainer:
    config = TrainingConfig.from_dict({**project.training, "epochs": epochs, "device": "cpu", "seed": 0})
    mode = make_mode(config.mode)
    bundle = load_dataset({**project.data, "samples": SAMPLES, **data})
    return Trainer(mode.build_model(project.graph, seed=0), bundle, config, mode=mode, step_event_every=0)


@functools.cache
def trained_example() -> tuple[Trainer, FinishedEvent]:
    """The example trained for four short epochs (about 2 s), once per test run: the
    tests that read a trained model share it (test_tiny_gpt_view.py too)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        trainer = example_trainer(load_project(EXAMPLE), epochs=4)
        finished = trainer.run()
    finally:
        torch.set_num_threads(before)
    assert finished.reason == "completed", finished.message
    return trainer, finished


@functools.cache
def trained_bert() -> tuple[Trainer, FinishedEvent]:
    """The masked (BERT-like) example trained for six short epochs (about 3 s), once."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        project = load_project(EXAMPLES_DIR / "tiny_bert.nlproj")
        config = TrainingConfig.from_dict({**project.training, "epochs": 6, "device": "cpu", "seed": 0})
        mode = make_mode(config.mode)
        bundle = load_dataset({**project.data, "samples": 2000})
        trainer = Trainer(mode.build_model(project.graph, seed=0), bundle, config, mode=mode, step_event_every=0)
        finished = trainer.run()
    finally:
        torch.set_num_threads(before)
    assert finished.reason == "completed", finished.message
    return trainer, finished


@pytest.fixture
def trained():
    return trained_example()


# ---- the tokenizer --------------------------------------------------------------------------------


def test_the_tokenizer_round_trips_text_and_names_a_character_it_does_not_know():
    text = "the small cat sees 12+35=47.\nünïcödé 字\t"
    tokenizer = CharTokenizer.from_text(text)
    assert tokenizer.decode(tokenizer.encode(text)) == text
    assert tokenizer.alphabet == "".join(sorted(set(text)))
    assert CharTokenizer.from_dict(json.loads(json.dumps(tokenizer.to_dict()))) == tokenizer
    assert tokenizer.labels[tokenizer.alphabet.index("\n")] == "↵" and "␣" in tokenizer.labels
    with pytest.raises(ValueError, match=r"the prompt: character 'Q' \(position 3\) is not in the vocabulary"):
        tokenizer.encode("thQ", "the prompt")
    with pytest.raises(ValueError, match="repeats"):
        CharTokenizer("aba")


def test_generated_corpora_have_a_fixed_alphabet_and_the_same_seed_gives_the_same_text():
    for name, corpus in CORPORA.items():
        text = generate_corpus(name, 2000, seed=3)
        assert set(text) <= set(corpus.alphabet)
        assert text == generate_corpus(name, 2000, seed=3) != generate_corpus(name, 2000, seed=4)
        assert text.endswith("\n") and len(text) >= 2000
    sums = generate_corpus("arithmetic", 500).splitlines()
    assert all(int(a) + int(b) == int(c) for a, b, c in (re.fullmatch(r"(\d+)\+(\d+)=(\d+)", s).groups() for s in sums))
    sentences = generate_corpus("grammar", 3000).splitlines()
    # Number agreement, the grammar's long-range rule: "the dogs chase", "the dog chases".
    for sentence in sentences:
        words = sentence.rstrip(".").split()
        plural = words[2 if len(words) > 2 and words[1] in ("small", "big", "red", "happy", "old") else 1].endswith("s")
        verb = next(w for w in words[2:] if w.rstrip("s") in ("see", "like", "chase", "follow", "sleep", "run", "sing"))
        assert verb.endswith("s") != plural, sentence


def test_text_data_sets_are_registered_and_give_next_token_windows():
    assert {"arithmetic", "grammar", "text_file"} <= set(DATASETS)
    bundle = load_dataset({"dataset": "arithmetic", "samples": 300, "context": 16, "seed": 1})
    assert bundle.kind == "text" and bundle.task == "classification"
    assert bundle.x_train.dtype == torch.int64 and bundle.x_train.shape == (210, 16) == bundle.y_train.shape
    # The target is the input one character on: position t predicts character t + 1.
    assert torch.equal(bundle.x_train[:, 1:], bundle.y_train[:, :-1])
    assert bundle.num_classes == bundle.vocab_size == bundle.tokenizer.vocab_size == 13
    assert (len(bundle.x_val), len(bundle.x_test)) == (45, 45)
    line = bundle.tokenizer.decode(bundle.x_val[0])
    assert set(line) <= set("0123456789+=\n")


# ---- the user's own text ------------------------------------------------------------------------


def test_a_text_file_of_their_own_loads_in_order_with_its_own_vocabulary(tmp_path):
    lines = [f"line {i}: the quick brown fox jumps over the lazy dog" for i in range(200)]
    path = tmp_path / "story.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))  # Windows line ends, a BOM
    bundle = load_dataset(
        {"dataset": "text_file", "text_file": {"path": "story.txt"}, "samples": 400, "context": 24},
        base_dir=tmp_path,
    )
    tokenizer = bundle.tokenizer
    assert "\r" not in tokenizer.alphabet and "\ufeff" not in tokenizer.alphabet and "\n" in tokenizer.alphabet
    assert bundle.x_train.shape == (280, 24)
    # Contiguous parts: validation text comes after every training line, so no window leaks.
    numbers = [int(n) for n in re.findall(r"line (\d+)", tokenizer.decode(bundle.x_val.reshape(-1)))]
    last_train = max(int(n) for n in re.findall(r"line (\d+)", tokenizer.decode(bundle.x_train.reshape(-1))))
    assert numbers and min(numbers) >= last_train
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(codecs.BOM_UTF16_LE + "你好，世界。\n".encode("utf-16-le") * 20)
    assert read_text_file(utf16).startswith("你好，世界。\n")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", r"mine\.txt is empty"),
        (b"  \n\n \t\n", r"mine\.txt is empty"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            r"not plain text: it holds a zero byte at offset 8 \(line 3, column 1\)",
        ),
        (b"caf\xc3\xa9 ok\nna\xefve\n", r"not UTF-8 text: byte 0xef at offset 11 \(line 2, column 3\)"),
        (b"fine text\nbell \x07 here\n", r"mine\.txt, line 2, column 6: holds the control character U\+0007"),
        (b"abababababab", r"its training share \(80%\) holds 10 characters, but one window needs context \+ 1 = 33"),
        (b"a" * 47, r"uses a single character"),
    ],
    ids=["empty", "blank", "binary", "undecodable", "control", "too-short", "one-character"],
)
def test_a_text_file_that_cannot_train_says_what_is_wrong_and_where(tmp_path, content, expected):
    path = tmp_path / "mine.txt"
    path.write_bytes(content)
    with pytest.raises(DataImportError, match=expected) as error:
        import_text_file(path, context=32, split=(0.8, 0.1, 0.1))
    assert path.name in str(error.value)


def test_missing_folders_too_large_files_and_huge_alphabets_are_refused(tmp_path, monkeypatch):
    with pytest.raises(DataImportError, match="text file not found: .*nothere.txt"):
        read_text_file(tmp_path / "nothere.txt")
    with pytest.raises(DataImportError, match="is a folder, not a text file"):
        read_text_file(tmp_path)
    big = tmp_path / "big.txt"
    big.write_text("word " * 400)
    monkeypatch.setattr("graph_core.data.text.MAX_TEXT_BYTES", 1000)
    with pytest.raises(DataImportError, match=r"big\.txt is 0\.0 MB; text files are limited to"):
        read_text_file(big)
    monkeypatch.undo()
    many = tmp_path / "many.txt"
    many.write_text("".join(chr(0x4E00 + i) for i in range(MAX_VOCABULARY + 5)) * 2, encoding="utf-8")
    with pytest.raises(DataImportError, match=r"many\.txt uses 1,005 different characters; .* at most 1,000"):
        import_text_file(many)
    with pytest.raises(DataImportError, match=r"data\.text_file: needs settings such as \{'path': \.\.\.\}"):
        load_dataset({"dataset": "text_file"})


# ---- training ------------------------------------------------------------------------------------


def test_the_example_is_a_causal_gpt_trained_as_a_language_model(project):
    types = [project.graph.node(n).type for n in project.graph.node_ids()]
    assert types[:3] == ["Input", "Embedding", "PositionalEncoding"] and types[-1] == "Linear"
    blocks = [
        project.graph.node(n) for n in project.graph.node_ids() if project.graph.node(n).type.startswith("Transf")
    ]
    assert len(blocks) >= 2 and all(block.params["causal"] for block in blocks)
    assert project.training["mode"] == "language_model" and project.data["dataset"] in CORPORA
    assert isinstance(make_mode("language_model"), LanguageModelMode)


def test_the_tiny_gpt_beats_chance_at_the_next_character_within_seconds(trained):
    trainer, finished = trained
    chance = chance_accuracy(trainer.data)  # always guessing the commonest character
    history = trainer.history
    assert history[-1].train_loss < history[0].train_loss
    # Measured (seed 0, 4 epochs, 640 windows): test accuracy 0.57 against chance 0.17.
    assert finished.test.accuracy > max(0.4, 2.5 * chance), (finished.test.accuracy, chance)
    # Accuracy counts every position of every window.
    assert finished.test.samples == trainer.data.x_test.numel()
    assert finished.test.confusion.shape == (trainer.data.tokenizer.vocab_size,) * 2
    assert history[-1].accuracy is not None and history[-1].val_loss < np.log(trainer.data.tokenizer.vocab_size)


def test_it_writes_text_from_the_current_weights_in_the_corpus_alphabet(trained):
    trainer, _ = trained
    tokenizer, context = trainer.data.tokenizer, trainer.data.x_train.shape[1]
    alphabet = set(CORPORA["grammar"].alphabet)
    for temperature, top_k in ((0.0, 0), (0.8, 0), (1.5, 3)):
        text = generate(
            trainer.model, tokenizer, "the small ", max_new_tokens=60, temperature=temperature, top_k=top_k,
            context=context, seed=1,
        ).text  # fmt: skip
        assert len(text) == 60 and set(text) <= alphabet
    greedy = [generate(trainer.model, tokenizer, "a ", context=context, temperature=0, max_new_tokens=30) for _ in "ab"]
    assert greedy[0].text == greedy[1].text  # temperature 0 is greedy: always the best guess
    # A prompt longer than the context is cropped: 100 characters would overflow the
    # positional encoding (max_len 64) if it were not.
    long = generate(trainer.model, tokenizer, "the cat sees a dog.\n" * 5, context=context, max_new_tokens=5, seed=0)
    assert len(long.text) == 5
    with pytest.raises(ValueError, match=r"character 'Z' \(position 5\) is not in the vocabulary"):
        generate(trainer.model, tokenizer, "the Zebra", context=context)
    assert trainer.model.training  # the model's train/eval mode is restored


def test_top_k_keeps_only_the_k_best_characters_and_temperature_sharpens():
    scores = torch.tensor([0.0, 3.0, 1.0, 2.0])
    drawn = {sample_next(scores, 1.0, 2, torch.Generator().manual_seed(s)) for s in range(200)}
    assert drawn == {1, 3}
    assert sample_next(scores, 0.0, 0, None) == 1
    cold = [sample_next(scores, 0.05, 0, torch.Generator().manual_seed(s)) for s in range(50)]
    assert set(cold) == {1}


def test_changing_a_later_character_never_changes_an_earlier_output(project):
    """The causal mask end to end, on the example: every prefix's scores ignore what follows."""
    model = compile_graph(project.graph, seed=0).eval()
    length = project.graph.node("tokens").params["shape"][0]
    ids = torch.randint(0, 25, (1, length), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        before = model(ids)
        for position in range(0, length, 5):
            changed = ids.clone()
            changed[0, position:] = (changed[0, position:] + 7) % 25
            after = model(changed)
            torch.testing.assert_close(after[0, :position], before[0, :position], rtol=0, atol=1e-6)
            assert not torch.allclose(after[0, position], before[0, position])
    # Without the mask (a BERT-like encoder) a later change reaches earlier positions.
    graph = project.graph.copy()
    for node_id in graph.node_ids():
        if graph.node(node_id).type == "TransformerEncoderLayer":
            graph.set_param(node_id, "causal", False)
    encoder = compile_graph(graph, seed=0).eval()
    changed = ids.clone()
    changed[0, -1] = (changed[0, -1] + 1) % 25
    with torch.no_grad():
        assert not torch.allclose(encoder(changed)[0, 0], encoder(ids)[0, 0])


def test_attention_weights_per_layer_and_head_are_what_the_model_computes(trained):
    trainer, _ = trained
    model, tokenizer = trainer.model, trainer.data.tokenizer
    pattern = text_attention(model, tokenizer, "the small dogs", context=32)
    assert pattern.labels == ["t", "h", "e", "␣", "s", "m", "a", "l", "l", "␣", "d", "o", "g", "s"]
    assert [layer.node_id for layer in pattern.layers] == ["block1", "block2"]
    for layer in pattern.layers:
        assert layer.weights.shape == (4, 14, 14) and layer.causal
        np.testing.assert_allclose(layer.weights.sum(axis=-1), 1.0, atol=1e-5)
        assert np.all(layer.weights[:, np.triu_indices(14, k=1)[0], np.triu_indices(14, k=1)[1]] == 0)
    # The hooks change nothing: the scores equal a plain forward pass.
    ids = torch.tensor([tokenizer.encode("the small dogs")])
    model.eval()
    with torch.no_grad():
        plain = model(ids)[0].numpy()
    model.train()
    np.testing.assert_allclose(pattern.scores, plain, atol=1e-5)
    # Looking ahead (what a bidirectional encoder does) fills the upper triangle.
    ahead = attention_pattern(model, ids[0], look_ahead=True)
    assert all(not layer.causal for layer in ahead.layers)


# ---- checks before training ---------------------------------------------------------------------------


def test_a_head_that_does_not_fit_the_vocabulary_is_named_before_training(project):
    bundle = load_dataset({**project.data, "samples": 100})
    config = TrainingConfig.from_dict({**project.training, "device": "cpu"})
    mode = make_mode("language_model")
    graph = project.graph.copy()
    graph.set_param("head", "out_features", 20)
    message = Trainer(compile_graph(graph, seed=0), bundle, config, mode=mode).check()
    assert "20 scores per position but the vocabulary has 25 characters" in message
    assert "set the language-model head's out_features to 25" in message
    assert "Flatten" in mode.problem((800,), bundle, config)
    assert "windows hold 32 characters" in mode.problem((16, 25), bundle, config)
    assert "CrossEntropyLoss" in mode.problem((32, 25), bundle, TrainingConfig(mode="language_model", loss="MSELoss"))
    spiral = load_dataset({"dataset": "spiral", "samples": 50})
    assert "needs text" in mode.problem((32, 25), spiral, config)
    supervised = make_mode("supervised").problem((32, 25), bundle, TrainingConfig())
    assert "set the training mode to language_model" in supervised


def test_neuroloom_train_trains_a_language_model_headless(tmp_path, capsys):
    doc = json.loads(EXAMPLE.read_text())
    doc["data"]["samples"] = 300
    path = tmp_path / "gpt.nlproj"
    path.write_text(json.dumps(doc))
    out = tmp_path / "run"
    assert main(["train", str(path), "--epochs", "1", "--out", str(out), "--threads", "1", "--quiet"]) == 0
    assert json.loads((out / "tokenizer.json").read_text()) == {
        "type": "characters",
        "alphabet": CORPORA["grammar"].alphabet,
    }
    printed = capsys.readouterr().out
    assert "completed: 1 epochs" in printed and "a greedy sample: 'the small " in printed
    doc["graph"]["nodes"][-1]["params"]["out_features"] = 10
    path.write_text(json.dumps(doc))
    assert main(["train", str(path), "--epochs", "1", "--out", str(out)]) == 2
    assert "set the language-model head's out_features to 25" in capsys.readouterr().err


# ---- export --------------------------------------------------------------------------------------------


def test_the_code_export_writes_generate_py_that_writes_what_the_app_writes(trained, project, tmp_path):
    trainer, _ = trained
    source = source_from_project(project, trainer.model, name="tiny_gpt")
    source.bundle = trainer.data  # the short run's data (the project's own has more windows)
    report = export(source, "code", tmp_path / "code")
    assert report.status == "passed", (report.message, report.details)
    folder = tmp_path / "code"
    assert {"model.py", "weights.safetensors", "generate.py", "train.py", "data.safetensors"} <= {
        p.name for p in report.files
    }
    script = (folder / "generate.py").read_text()
    assert f"ALPHABET = {json.dumps(CORPORA['grammar'].alphabet)}" in script and "CONTEXT = 32" in script
    assert "graph_core" not in script
    # "passed" means a fresh Python, with NeuroLoom unimportable, ran generate.py greedy
    # and with a seeded top-k draw, and wrote exactly what the app's model writes.
    assert report.max_abs_diff == 0
    trained_py = subprocess.run(
        [sys.executable, "train.py", "--epochs", "1", "--device", "cpu", "--out", str(tmp_path / "again.safetensors")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert trained_py.returncode == 0, trained_py.stderr
    assert re.search(r"validation loss [\d.]+, accuracy [\d.]+%", trained_py.stdout)


def test_the_export_fails_when_generate_py_writes_other_text(trained, project, tmp_path, monkeypatch):
    from graph_core.export import language_export

    trainer, _ = trained
    source = source_from_project(project, trainer.model, name="tiny_gpt")
    source.bundle = trainer.data
    folder = tmp_path / "code"
    folder.mkdir()
    language_export.write_generate_script(source, folder, [])

    printed = json.dumps(["the small cat.\n"] * len(language_export.CHECKS))  # other text for every check
    monkeypatch.setattr(language_export, "run_in_fresh_python", lambda *args, **kwargs: printed)
    with pytest.raises(RuntimeError, match=r"generate.py .*--temperature 0.0 .* wrote 'the small cat.', but the app"):
        language_export.verify_generate_script(source, folder)


# ---- the BERT-like twin: masked characters -------------------------------------------------------------


def test_masks_hide_a_share_of_each_window_and_only_the_hidden_characters_are_targets():
    x = torch.randint(0, 25, (400, 32), generator=torch.Generator().manual_seed(0))
    masked, target = mask_windows(x, 25, torch.Generator().manual_seed(1))
    hidden = masked == 25
    assert hidden.any(dim=1).all()  # at least one per window
    assert 0.12 < hidden.float().mean() < 0.18  # BERT's 15%
    assert torch.equal(target[hidden], x[hidden]) and (target[~hidden] == IGNORE).all()
    assert torch.equal(masked[~hidden], x[~hidden])
    again, _ = mask_windows(x, 25, torch.Generator().manual_seed(1))
    assert torch.equal(again, masked)


def test_a_masked_model_learns_to_fill_in_hidden_characters_reading_both_sides():
    project = load_project(EXAMPLES_DIR / "tiny_bert.nlproj")
    blocks = [project.graph.node(n) for n in ("block1", "block2")]
    assert project.training["mode"] == "masked_language_model" and not any(b.params["causal"] for b in blocks)
    trainer, finished = trained_bert()
    bundle = trainer.data
    chance = chance_accuracy(bundle)
    # Measured (seed 0, 6 epochs): about 0.45 of the hidden characters right, chance 0.17.
    assert finished.test.accuracy > 2 * chance, (finished.test.accuracy, chance)
    # Only hidden characters count: about 15% of the test windows' positions.
    assert 0.1 * bundle.x_test.numel() < finished.test.samples < 0.2 * bundle.x_test.numel()
    filling = fill_blanks(trainer.model, bundle.tokenizer, "a b_g fox sees an owl.", context=32)
    assert filling.text[:3] + "_" + filling.text[4:] == "a b_g fox sees an owl." and len(filling.guesses) == 1
    position, options = filling.guesses[0]
    assert position == 3 and len(options) == 3 and options[0][1] >= options[1][1] >= options[2][1]
    assert set(filling.text) <= set(CORPORA["grammar"].alphabet)
    # Its attention reads both sides: nothing is masked above the diagonal.
    pattern = text_attention(trainer.model, bundle.tokenizer, "a b_g fox", context=32, mask_char="_")
    assert pattern.labels[3] == "_" and all(not layer.causal for layer in pattern.layers)


def test_a_masked_model_needs_a_row_for_the_mask_and_blanks_to_fill(project):
    bert = load_project(EXAMPLES_DIR / "tiny_bert.nlproj")
    bundle = load_dataset({**bert.data, "samples": 100})
    config = TrainingConfig.from_dict({**bert.training, "device": "cpu"})
    graph = bert.graph.copy()
    graph.set_param("embed", "num_embeddings", 25)
    message = Trainer(compile_graph(graph, seed=0), bundle, config).check()
    assert "the Embedding needs num_embeddings of at least 26" in message
    model = compile_graph(bert.graph, seed=0)
    with pytest.raises(ValueError, match="hide a character or more behind _"):
        fill_blanks(model, bundle.tokenizer, "the cat", context=32)
    with pytest.raises(ValueError, match="the text has 40 characters; the model reads at most 32"):
        fill_blanks(model, bundle.tokenizer, "_" * 40, context=32)
    with pytest.raises(ValueError, match=r"character 'Q' \(position 2\) is not in the vocabulary"):
        fill_blanks(model, bundle.tokenizer, "_Q", context=32)
