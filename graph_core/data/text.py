"""Text for language models: a character tokenizer, corpora the project writes itself
(sums like `12+35=47`, sentences of a small grammar), the user's own plain-text file,
and next-token windows cut from them (input: `context` characters; target: the same
window shifted by one, so every position predicts the character that follows it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from graph_core.data.bundle import DataBundle, DataImportError
from graph_core.data.csv_import import bom_encoding
from graph_core.data.split import DEFAULT_SPLIT, _counts, check_ratios

MAX_TEXT_BYTES = 8 * 2**20  # the whole text is held in memory, encoded, while training
MAX_VOCABULARY = 1000  # a character model's output layer has one unit per character
# Each character of a generated corpus lands in about this many training windows:
# fewer repeats more text (more to generalize from), more repeats less.
WINDOWS_PER_CHARACTER = 4
# Shown in place of characters that print as nothing (axis labels, vocabularies).
_VISIBLE = {"\n": "↵", " ": "␣", "\t": "⇥", "\f": "␌"}
# Control characters plain text does not hold (tabs, line and page breaks are fine).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def visible(char: str) -> str:
    """A character as a label: line breaks, spaces and tabs get a symbol."""
    return _VISIBLE.get(char, char)


@dataclass(frozen=True)
class CharTokenizer:
    """One token per character: id i is `alphabet[i]`. Kept with the data (and written
    into exports), so generated ids always decode to the characters trained on."""

    alphabet: str

    def __post_init__(self) -> None:
        if not self.alphabet:
            raise ValueError("a tokenizer needs at least one character")
        if len(set(self.alphabet)) != len(self.alphabet):
            raise ValueError(f"the alphabet repeats characters: {self.alphabet!r}")

    @classmethod
    def from_text(cls, text: str) -> CharTokenizer:
        """The characters of `text`, in code-point order."""
        return cls("".join(sorted(set(text))))

    @property
    def vocab_size(self) -> int:
        return len(self.alphabet)

    @property
    def labels(self) -> list[str]:
        """Each token as a readable label (see `visible`)."""
        return [visible(c) for c in self.alphabet]

    def knows(self, char: str) -> bool:
        return char in self._ids

    def encode(self, text: str, what: str = "the text") -> list[int]:
        """Token ids of `text`; a character outside the alphabet raises ValueError
        naming it and its position."""
        ids = self._ids
        try:
            return [ids[c] for c in text]
        except KeyError:
            index = next(i for i, c in enumerate(text) if c not in ids)
            raise ValueError(
                f"{what}: character {text[index]!r} (position {index + 1}) is not in the vocabulary ({self.describe()})"
            ) from None

    def decode(self, ids: Sequence[int] | torch.Tensor | np.ndarray) -> str:
        values = ids.tolist() if hasattr(ids, "tolist") else list(ids)
        return "".join(self.alphabet[int(i)] for i in values)

    def describe(self, limit: int = 40) -> str:
        """'13 characters: ↵ + 0 1 2 ...' for messages and tooltips."""
        shown = " ".join(self.labels[:limit]) + (" …" if self.vocab_size > limit else "")
        return f"{self.vocab_size} characters: {shown}"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "characters", "alphabet": self.alphabet}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CharTokenizer:
        if not isinstance(data, dict) or data.get("type") != "characters" or not isinstance(data.get("alphabet"), str):
            raise ValueError(f"not a character tokenizer: {data!r}")
        return cls(data["alphabet"])

    @property
    def _ids(self) -> dict[str, int]:
        table = self.__dict__.get("_table")
        if table is None:
            table = {c: i for i, c in enumerate(self.alphabet)}
            object.__setattr__(self, "_table", table)
        return table


# ---- corpora the project writes itself ---------------------------------------------------


def arithmetic_lines(count: int, rng: np.random.Generator) -> list[str]:
    """`a+b=c` with a and b from 0 to 99: the format is learned in seconds, the sums
    take longer, so a learner sees both stages."""
    a = rng.integers(0, 100, count)
    b = rng.integers(0, 100, count)
    return [f"{x}+{y}={x + y}" for x, y in zip(a.tolist(), b.tolist())]


_ADJECTIVES = ("small", "big", "red", "happy", "old")
_NOUNS = {"cat": "cats", "dog": "dogs", "bird": "birds", "fox": "foxes", "owl": "owls"}
_DETERMINERS = {False: ("the", "a"), True: ("the", "some")}  # by plural
# Verbs as the subject needs them: singular "sees", plural "see".
_TRANSITIVE = {"sees": "see", "likes": "like", "chases": "chase", "follows": "follow"}
_INTRANSITIVE = {"sleeps": "sleep", "runs": "run", "sings": "sing"}
_GRAMMAR_WORDS = (
    *_ADJECTIVES, *_NOUNS, *_NOUNS.values(), *_DETERMINERS[False], *_DETERMINERS[True],
    *_TRANSITIVE, *_TRANSITIVE.values(), *_INTRANSITIVE, *_INTRANSITIVE.values(),
)  # fmt: skip


def grammar_lines(count: int, rng: np.random.Generator) -> list[str]:
    """Sentences of a small grammar with number agreement:
    S -> NP VP '.', NP -> Det [Adj] N, VP -> Vt NP | Vi ("a" before a consonant, "an"
    before a vowel), where a plural subject
    ("the dogs") takes a plural verb ("chase") and a singular one ("the dog") a singular
    verb ("chases"). Spelling and word order are there to be learned, and the verb's
    ending needs a look back at the noun: a job for attention. Which word comes next
    is a free choice, so no model predicts every character."""

    def pick(words) -> str:
        words = tuple(words)
        return words[int(rng.integers(len(words)))]

    def noun_phrase(plural: bool) -> str:
        words = [pick(_DETERMINERS[plural])]
        if rng.random() < 0.5:
            words.append(pick(_ADJECTIVES))
        noun = pick(_NOUNS)
        words.append(_NOUNS[noun] if plural else noun)
        if words[0] == "a" and words[1][0] in "aeiou":
            words[0] = "an"
        return " ".join(words)

    def verb(table: dict[str, str], plural: bool) -> str:
        singular = pick(table)
        return table[singular] if plural else singular

    lines = []
    for _ in range(count):
        plural = bool(rng.random() < 0.5)
        if rng.random() < 0.7:
            predicate = f"{verb(_TRANSITIVE, plural)} {noun_phrase(bool(rng.random() < 0.5))}"
        else:
            predicate = verb(_INTRANSITIVE, plural)
        lines.append(f"{noun_phrase(plural)} {predicate}.")
    return lines


@dataclass(frozen=True)
class Corpus:
    """A generated corpus: its line maker, the alphabet every line is drawn from (so
    the vocabulary never depends on the seed), a prompt that suits it and a line with
    hidden characters (`_`) for a masked model to fill in."""

    make_lines: Callable[[int, np.random.Generator], list[str]]
    alphabet: str
    prompt: str
    blanks: str


CORPORA: dict[str, Corpus] = {
    "arithmetic": Corpus(arithmetic_lines, "\n+0123456789=", "12+35=", "12+35=4_"),
    "grammar": Corpus(
        grammar_lines,
        "".join(sorted(set("\n. " + "".join(_GRAMMAR_WORDS)))),
        "the small ",
        "the sm_ll dog_ chase _ cat.",
    ),
}


def generate_corpus(name: str, characters: int, seed: int = 0, stream: int = 0) -> str:
    """At least `characters` characters of the named corpus, whole lines, each ended by
    a line break. The same name, seed and stream always give the same text."""
    corpus = CORPORA[name]
    rng = np.random.default_rng([seed, 7, stream])
    lines: list[str] = []
    total = 0
    while total < characters:
        batch = corpus.make_lines(max(16, (characters - total) // 8), rng)
        lines.extend(batch)
        total += sum(len(line) + 1 for line in batch)
    return "".join(line + "\n" for line in lines)


# ---- the user's own text ---------------------------------------------------------------------


def read_text_file(path: str | Path) -> str:
    """A plain-text file's characters (UTF-8, or UTF-16/32 with a byte-order mark),
    line breaks made `\\n`. Raises DataImportError naming the file and the place of
    the problem: missing, a folder, empty, too large, binary, not decodable."""
    path = Path(path)
    if not path.exists():
        raise DataImportError(f"text file not found: {path}")
    if path.is_dir():
        raise DataImportError(f"{path} is a folder, not a text file")
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise DataImportError(
                f"{path.name} is {size / 2**20:,.1f} MB; text files are limited to {MAX_TEXT_BYTES // 2**20} MB "
                "(a character model learns from far less: use a part of it)"
            )
        raw = path.read_bytes()
    except OSError as error:
        raise DataImportError(f"cannot read {path}: {error.strerror or error}") from None
    if not raw.strip():
        raise DataImportError(f"{path.name} is empty: it holds no text to learn from")
    encoding = bom_encoding(raw)
    if encoding is None and b"\x00" in raw:
        offset = raw.index(b"\x00")
        raise DataImportError(
            f"{path.name} is not plain text: it holds a zero byte at offset {offset} ({_line_column(raw, offset)}), "
            "as binary files (images, documents, archives) do; save it as plain text (.txt, UTF-8)"
        )
    try:
        text = raw.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataImportError(
            f"{path.name} is not UTF-8 text: byte 0x{raw[error.start]:02x} at offset {error.start} "
            f"({_line_column(raw, error.start)}) cannot be decoded; save it as UTF-8 plain text"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control is not None:
        index = control.start()
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        raise DataImportError(
            f"{path.name}, line {line}, column {column}: holds the control character U+{ord(text[index]):04X}, "
            "which plain text does not have; is it a binary file?"
        )
    return text


def _line_column(raw: bytes, offset: int) -> str:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


# ---- next-token windows ----------------------------------------------------------------------


def next_token_windows(ids: np.ndarray, context: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` windows of `context + 1` ids at distinct random offsets (all of them, in
    order, when there are no more than `count`), as an (n, context + 1) array."""
    available = len(ids) - context
    if available <= 0 or count <= 0:
        return np.zeros((0, context + 1), dtype=np.int64)
    if count >= available:
        starts = np.arange(available)
    else:
        starts = np.sort(rng.choice(available, size=count, replace=False))
    return np.stack([ids[s : s + context + 1] for s in starts]).astype(np.int64)


def make_text_bundle(
    name: str,
    parts: Sequence[str],
    tokenizer: CharTokenizer,
    *,
    context: int,
    samples: int,
    split: Sequence[float] = DEFAULT_SPLIT,
    seed: int = 0,
    source: str = "the text",
) -> DataBundle:
    """Next-token windows from the train, validation and test texts in `parts`.

    Inputs are (N, context) int64 ids; targets are the same windows one character on
    (N, context): position t is trained to predict character t + 1.
    """
    ratios = check_ratios(split)
    counts = _counts(samples, ratios)
    rng = np.random.default_rng([seed, 11])
    splits = []
    for part_name, text, count in zip(("train", "val", "test"), parts, counts):
        ids = np.asarray(tokenizer.encode(text, f"{source} ({part_name})"), dtype=np.int64)
        windows = next_token_windows(ids, context, count, rng)
        splits += [torch.from_numpy(windows[:, :-1].copy()), torch.from_numpy(windows[:, 1:].copy())]
    x_train, y_train, x_val, y_val, x_test, y_test = splits
    return DataBundle(
        name=name,
        task="classification",
        kind="text",
        x_train=x_train,
        y_train=y_train,
        x_val=x_val,
        y_val=y_val,
        x_test=x_test,
        y_test=y_test,
        num_classes=tokenizer.vocab_size,
        class_names=tokenizer.labels,
        feature_names=[f"character ids (0-{tokenizer.vocab_size - 1})"],
        vocab_size=tokenizer.vocab_size,
        tokenizer=tokenizer,
    )


def make_corpus_dataset(
    name: str,
    *,
    samples: int = 2000,
    context: int = 32,
    seed: int = 0,
    split: Sequence[float] = DEFAULT_SPLIT,
) -> DataBundle:
    """A generated corpus (see CORPORA) cut into `samples` next-token windows. Each
    split reads text of its own, so validation measures lines the model never saw."""
    if name not in CORPORA:
        raise DataImportError(f"unknown corpus {name!r}; known: {', '.join(CORPORA)}")
    counts = _counts(samples, check_ratios(split))
    parts = []
    for stream, count in enumerate(counts):
        characters = count * max(1, context // WINDOWS_PER_CHARACTER) + context + 1 if count else 0
        parts.append(generate_corpus(name, characters, seed, stream) if characters else "")
    tokenizer = CharTokenizer(CORPORA[name].alphabet)
    return make_text_bundle(
        name, parts, tokenizer, context=context, samples=samples, split=split, seed=seed, source=f"the {name} corpus"
    )


def import_text_file(
    path: str | Path,
    *,
    samples: int = 2000,
    context: int = 32,
    seed: int = 0,
    split: Sequence[float] = DEFAULT_SPLIT,
) -> DataBundle:
    """The user's plain-text file cut into next-token windows: the text is split in
    order (the first share trains, the next validates, the last tests), so no window
    of validation text was seen in training. The vocabulary is the file's characters."""
    path = Path(path)
    text = read_text_file(path)
    tokenizer = CharTokenizer.from_text(text)
    if tokenizer.vocab_size > MAX_VOCABULARY:
        raise DataImportError(
            f"{path.name} uses {tokenizer.vocab_size:,} different characters; a character model here handles at "
            f"most {MAX_VOCABULARY:,} (one output per character): use a text with fewer distinct characters"
        )
    if tokenizer.vocab_size < 2:
        raise DataImportError(f"{path.name} uses a single character ({visible(text[0])!r}): nothing to predict")
    ratios = check_ratios(split)
    parts = _split_text(text, ratios)
    for part_name, part, ratio in zip(("training", "validation", "test"), parts, ratios):
        if ratio > 0 and len(part) <= context:
            raise DataImportError(
                f"{path.name}: its {part_name} share ({ratio:.0%}) holds {len(part):,} characters, but one window "
                f"needs context + 1 = {context + 1}; use a longer text, a shorter context or a larger share"
            )
    return make_text_bundle(
        "text_file", parts, tokenizer, context=context, samples=samples, split=split, seed=seed, source=path.name
    )


def _split_text(text: str, ratios: tuple[float, float, float]) -> list[str]:
    """Contiguous parts by ratio, cut just after a line break when one is near."""
    bounds: list[int] = []
    for share in (ratios[0], ratios[0] + ratios[1]):
        cut = len(text) if share >= 1 - 1e-9 else round(len(text) * share)
        near = text.rfind("\n", max(bounds[-1] if bounds else 0, cut - 200), cut)
        bounds.append(near + 1 if near >= 0 and cut < len(text) else cut)
    first, second = bounds
    return [text[:first], text[first:second], text[second:]]


def sample_text(bundle: DataBundle, windows: int = 4) -> str:
    """The first training windows as text (for previews), one per line."""
    tokenizer = getattr(bundle, "tokenizer", None)
    if tokenizer is None or not len(bundle.x_train):
        return ""
    rows = [tokenizer.decode(bundle.x_train[i]) for i in range(min(windows, len(bundle.x_train)))]
    # Spaces stay spaces in running text; breaks and tabs get their symbols.
    return "\n".join("".join(c if c == " " else visible(c) for c in row) for row in rows)


def corpus_prompt(name: str, masked: bool = False) -> str:
    """A prompt that suits the data set (the start of a line for generated corpora), or
    with `masked` a line with hidden characters to fill in; "" for the user's text."""
    corpus = CORPORA.get(name)
    if corpus is None:
        return ""
    return corpus.blanks if masked else corpus.prompt


def chance_accuracy(bundle: DataBundle) -> float:
    """Next-token accuracy of always guessing the most common training target: the bar
    a model must clear to have learned anything beyond character frequencies."""
    targets = bundle.y_train.reshape(-1)
    if not len(targets):
        return math.nan
    return float(torch.bincount(targets).max()) / len(targets)
