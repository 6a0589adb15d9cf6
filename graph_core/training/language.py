"""Language models: next-token training (cross-entropy at every position of a window,
accuracy = how often the top-scored character is the one that follows) and its
BERT-like twin, masked characters; sampling text from the current weights (temperature,
top-k, greedy), filling in hidden characters, and the attention weights of each layer
and head for a prompt, read from the very modules the model runs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from graph_core.data.batching import TensorBatcher
from graph_core.data.bundle import DataBundle
from graph_core.data.text import CharTokenizer, visible
from graph_core.layers._helpers import fmt_shape
from graph_core.training.config import TrainingConfig
from graph_core.training.metrics import ClassificationMetrics, model_device
from graph_core.training.modes import DeviceSplit, SupervisedMode, TrainingSetupError

LM_LOSSES = ("CrossEntropyLoss", "NLLLoss")
IGNORE = -100  # a target that is no prediction (the losses' default ignore_index)
MASK_RATE = 0.15  # share of characters a masked model must fill in (BERT's)
EVALUATION_MASK_STREAM = 29  # fixed masks for validation and test: their own random stream
MASK_CHAR = "_"  # how a hidden character is typed in a prompt
# Scores held at once while measuring a split: (windows x positions x vocabulary) floats.
EVAL_SCORES = 2**22
MAX_NEW_TOKENS = 2000


class NextTokenLoss:
    """Cross-entropy (or NLL) of every position's scores [N, T, V] against the target
    ids [N, T], averaged over the predictions (targets of IGNORE are left out)."""

    def __init__(self, name: str, vocab_size: int) -> None:
        self.name = name
        self.criterion = getattr(nn, name)()
        self.vocab_size = vocab_size
        self.target_kind = "index"

    def __call__(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.criterion(output.reshape(-1, output.shape[-1]), target.reshape(-1))

    def convert_target(self, y: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        return y.long()

    def values(self, output: torch.Tensor) -> torch.Tensor:
        return output


def language_model_problem(shape: tuple[int, ...], bundle: DataBundle, loss: str) -> str | None:
    """Why a network with this output shape (per sample) cannot learn next-token
    prediction on `bundle` with `loss`, or None."""
    tokenizer = bundle.tokenizer
    if bundle.kind != "text" or tokenizer is None:
        return (
            f"language-model training needs text: choose Arithmetic text, Grammar text or a Text file as the data set "
            f"('{bundle.name}' is not text)"
        )
    if loss not in LM_LOSSES:
        return f"a language model learns with CrossEntropyLoss (one score per character); {loss} does not fit"
    positions, vocab = int(bundle.x_train.shape[1]), tokenizer.vocab_size
    wanted = fmt_shape((positions, vocab))
    if len(shape) != 2:
        return (
            f"a language model scores every character at every position, {wanted} ({positions} positions x {vocab} "
            f"characters), but the network outputs {fmt_shape(shape)}; end it with Linear({vocab}) on the sequence, "
            "without Flatten"
        )
    if shape[0] != positions:
        return (
            f"the network outputs {shape[0]} positions but the data's windows hold {positions} characters "
            f"(the context setting); it must output {wanted}"
        )
    if shape[1] != vocab:
        return (
            f"the last layer gives {shape[1]} scores per position but the vocabulary has {vocab} characters "
            f"({tokenizer.describe(16)}); set the language-model head's out_features to {vocab}"
        )
    return None


class LanguageModelMode(SupervisedMode):
    """Next-token prediction: a window of characters in, at every position the scores
    of the character that follows. The loss averages cross-entropy over every
    position; accuracy counts the positions whose top score is the right character."""

    name = "language_model"

    def __init__(self) -> None:
        super().__init__()
        self.tokenizer: CharTokenizer | None = None

    def problem(self, shape: tuple[int, ...], bundle: DataBundle, config: TrainingConfig) -> str | None:
        return language_model_problem(shape, bundle, config.loss)

    def build_loss(self, config: TrainingConfig, shape: tuple[int, ...], bundle: DataBundle) -> NextTokenLoss:
        self.tokenizer = bundle.tokenizer
        return NextTokenLoss(config.loss, bundle.tokenizer.vocab_size)

    def _scores(self, split: str) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """(scores [n, T, V], target ids [n, T]) over a split, a few windows at a time,
        in eval mode without gradients. A target of IGNORE is not a prediction."""
        data = self.splits[split]
        model = self.model
        step = max(1, EVAL_SCORES // max(1, data.x.shape[1] * self.loss.vocab_size))
        was_training = model.training
        model.eval()
        try:
            with torch.inference_mode():
                for start in range(0, len(data), step):
                    yield model(data.x[start : start + step]), data.target[start : start + step]
        finally:
            model.train(was_training)

    def validation_scores(self) -> tuple[float | None, float | None]:
        if len(self.splits["val"]) == 0:
            return None, None
        totals = torch.zeros(3, dtype=torch.float64, device=self.splits["val"].x.device)
        for scores, target in self._scores("val"):
            counted = (target != IGNORE).sum()
            right = ((scores.argmax(dim=-1) == target) & (target != IGNORE)).sum()
            totals += torch.stack([self.loss(scores, target).double() * counted, right.double(), counted.double()])
        loss_sum, right_sum, count = totals.tolist()
        return (loss_sum / count, right_sum / count) if count else (None, None)

    def evaluate(self, split: str) -> ClassificationMetrics | None:
        if len(self.splits[split]) == 0:
            return None
        vocab = self.loss.vocab_size
        confusion = torch.zeros(vocab * vocab, dtype=torch.int64)
        loss_sum, count = 0.0, 0
        for scores, target in self._scores(split):
            counted = target != IGNORE
            if not counted.any():
                continue
            loss_sum += float(self.loss(scores, target)) * int(counted.sum())
            count += int(counted.sum())
            pairs = target[counted].cpu() * vocab + scores.argmax(dim=-1)[counted].cpu()
            confusion += torch.bincount(pairs, minlength=vocab * vocab)
        if not count:
            return None
        matrix = confusion.reshape(vocab, vocab).numpy()
        counts = matrix.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            per_class = np.where(counts > 0, np.diag(matrix) / np.maximum(counts, 1), np.nan)
        accuracy = float(np.trace(matrix) / count)
        # `samples` counts predictions: every position of every window (every hidden
        # character, for a masked model) is one.
        return ClassificationMetrics(count, accuracy, 1.0 - accuracy, matrix, per_class, loss_sum / count)


def mask_windows(
    x: torch.Tensor, mask_id: int, generator: torch.Generator, rate: float = MASK_RATE
) -> tuple[torch.Tensor, torch.Tensor]:
    """(inputs, targets) for masked-character training: `rate` of each window's
    characters (at least one) hidden behind `mask_id`; the targets hold the hidden
    characters and IGNORE everywhere else. Drawn on the CPU from `generator`."""
    hide = torch.rand(x.shape, generator=generator) < rate
    bare = (~hide.any(dim=1)).nonzero().flatten()
    if len(bare):
        hide[bare, torch.randint(0, x.shape[1], (len(bare),), generator=generator)] = True
    hide = hide.to(x.device)
    return x.masked_fill(hide, mask_id), x.masked_fill(~hide, IGNORE)


class MaskedLanguageModelMode(LanguageModelMode):
    """Masked characters, as BERT learns: some characters of each window are hidden
    behind a mask id and the network, reading both sides, learns to say what they
    were. The masks are drawn anew every epoch (from the trainer's generator, so a run
    repeats); validation and test use masks fixed at the start. Loss and accuracy
    count the hidden characters only.

    The mask id is one past the characters (the vocabulary size), so the Embedding
    needs one row more than there are characters; the head still scores characters."""

    name = "masked_language_model"

    def __init__(self) -> None:
        super().__init__()
        self.mask_id = 0

    def targets_of(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return x  # the characters themselves: the ones that get hidden are the targets

    def check(self, model: nn.Module, bundle: DataBundle, config: TrainingConfig) -> str | None:
        problem = super().check(model, bundle, config)
        if problem or len(bundle.x_train) == 0:
            return problem
        probe = bundle.x_train[:2].clone().to(model_device(model))
        probe[:, 0] = bundle.tokenizer.vocab_size
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad():
                model(probe)
        except (IndexError, RuntimeError):
            vocab = bundle.tokenizer.vocab_size
            return (
                f"the mask that hides characters is id {vocab}, one past the {vocab} characters: the Embedding needs "
                f"num_embeddings of at least {vocab + 1}"
            )
        finally:
            model.train(was_training)
        return None

    def prepare(self, model: nn.Module, bundle: DataBundle, config: TrainingConfig, device: torch.device) -> None:
        problem = self.check(model, bundle, config)
        if problem:
            raise TrainingSetupError(problem)
        super().prepare(model, bundle, config, device)
        self.mask_id = bundle.tokenizer.vocab_size
        fixed = torch.Generator().manual_seed(config.seed * 1_000_003 + EVALUATION_MASK_STREAM)
        for name in ("val", "test"):
            data = self.splits[name]
            masked, target = mask_windows(data.x, self.mask_id, fixed)
            self.splits[name] = DeviceSplit(masked, target, target)

    def epoch_batches(self, generator: torch.Generator, batch_size: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        train = self.splits["train"]
        masked, target = mask_windows(train.x, self.mask_id, generator)
        return iter(TensorBatcher(masked, target, batch_size, generator=generator))


# ---- generation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generation:
    """A prompt, the text the model wrote after it, and how long that took."""

    prompt: str
    text: str
    seconds: float
    tokens: int


def prompt_ids(tokenizer: CharTokenizer, prompt: str) -> list[int]:
    """The prompt's ids. An empty prompt starts a new line when the vocabulary has line
    breaks (generated corpora are lines); a character outside the vocabulary raises
    ValueError naming it, its position and the characters the model knows."""
    if not prompt:
        if tokenizer.knows("\n"):
            return tokenizer.encode("\n")
        raise ValueError("type a prompt: the model continues the text it is given")
    return tokenizer.encode(prompt, "the prompt")


def _next_scores(model: nn.Module, ids: list[int], context: int, device: torch.device) -> torch.Tensor:
    window = torch.tensor([ids[-context:]], dtype=torch.long, device=device)
    scores = model(window)
    if scores.dim() != 3:
        raise ValueError(
            f"the network outputs {fmt_shape(scores.shape[1:])} for a window of {window.shape[1]} characters; "
            "a language model must give scores for every position [T, V]"
        )
    return scores[0, -1].float()


def sample_next(scores: torch.Tensor, temperature: float, top_k: int, generator: torch.Generator | None) -> int:
    """One id from a position's scores: the highest when `temperature` is 0, else drawn
    from softmax(scores / temperature) over the `top_k` best (all when 0)."""
    if temperature <= 0:
        return int(scores.argmax())
    scores = scores / temperature
    if 0 < top_k < scores.numel():
        kth = torch.topk(scores, top_k).values[-1]
        scores = scores.masked_fill(scores < kth, -math.inf)
    probabilities = torch.softmax(scores, dim=-1).cpu()
    return int(torch.multinomial(probabilities, 1, generator=generator))


def generate(
    model: nn.Module,
    tokenizer: CharTokenizer,
    prompt: str,
    *,
    max_new_tokens: int = 80,
    temperature: float = 1.0,
    top_k: int = 0,
    context: int,
    seed: int | None = None,
    stop: str | None = None,
) -> Generation:
    """Continue `prompt` one character at a time from the model's current weights.

    Each step runs the model on the last `context` characters (the window it was
    trained on; longer text is cropped from the left) and picks the next character
    with `sample_next`: `temperature` 0 is greedy, higher is more adventurous;
    `top_k` keeps only the k most likely characters. `stop` ends the text early when
    that character is written (e.g. a line break). The model's train/eval mode is
    restored; call this on a model no optimizer is stepping (a copy during training).
    """
    if not 0 <= temperature <= 100 or not math.isfinite(temperature):
        raise ValueError(f"temperature must be between 0 and 100, got {temperature}")
    if top_k < 0:
        raise ValueError(f"top_k must be 0 (all characters) or more, got {top_k}")
    if not 0 <= max_new_tokens <= MAX_NEW_TOKENS:
        raise ValueError(f"max_new_tokens must be between 0 and {MAX_NEW_TOKENS}, got {max_new_tokens}")
    if context < 1:
        raise ValueError(f"context must be at least 1, got {context}")
    ids = prompt_ids(tokenizer, prompt)
    start = len(ids)
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    device = model_device(model)
    began = time.perf_counter()
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            for _ in range(max_new_tokens):
                ids.append(sample_next(_next_scores(model, ids, context, device), temperature, top_k, generator))
                if stop is not None and tokenizer.alphabet[ids[-1]] == stop:
                    break
    finally:
        model.train(was_training)
    written = ids[start:]
    return Generation(prompt, tokenizer.decode(written), time.perf_counter() - began, len(written))


# ---- filling in hidden characters (masked models) -------------------------------------------------


@dataclass(frozen=True)
class Filling:
    """A text with hidden characters (`MASK_CHAR`) and the model's answer: `text` with
    every blank replaced by its best guess, and per blank (its position) the best
    guesses with their probabilities, most likely first."""

    prompt: str
    text: str
    guesses: list[tuple[int, list[tuple[str, float]]]]


def masked_ids(tokenizer: CharTokenizer, text: str, mask_char: str = MASK_CHAR) -> list[int]:
    """Ids of `text` with each `mask_char` as the mask id (one past the characters)."""
    ids = []
    for position, char in enumerate(text, start=1):
        if char == mask_char:
            ids.append(tokenizer.vocab_size)
        elif not tokenizer.knows(char):
            raise ValueError(
                f"the text: character {char!r} (position {position}) is not in the vocabulary ({tokenizer.describe()})"
            )
        else:
            ids.extend(tokenizer.encode(char))
    return ids


def fill_blanks(
    model: nn.Module, tokenizer: CharTokenizer, text: str, *, context: int, mask_char: str = MASK_CHAR, top: int = 3
) -> Filling:
    """Read `text` once, with each `mask_char` hidden behind the mask id (one past the
    characters), and say what the model thinks each hidden character is. The model
    reads both sides of a blank; a causal one would only see the left."""
    if not text:
        raise ValueError(f"type a text with {mask_char} where a character is hidden")
    if len(text) > context:
        raise ValueError(f"the text has {len(text)} characters; the model reads at most {context}")
    blanks = [i for i, c in enumerate(text) if c == mask_char]
    if not blanks:
        raise ValueError(f"hide a character or more behind {mask_char}: the model fills in what is hidden")
    ids = masked_ids(tokenizer, text, mask_char)
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            scores = model(torch.tensor([ids], dtype=torch.long, device=model_device(model)))[0].float()
    finally:
        model.train(was_training)
    probabilities = torch.softmax(scores[blanks], dim=-1).cpu()
    best = probabilities.topk(min(top, probabilities.shape[-1]), dim=-1)
    guesses = [
        (position, [(tokenizer.alphabet[int(i)], float(p)) for p, i in zip(values, indices)])
        for position, values, indices in zip(blanks, best.values, best.indices)
    ]
    filled = list(text)
    for position, options in guesses:
        filled[position] = options[0][0]
    return Filling(text, "".join(filled), guesses)


# ---- attention ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class HeadWeights:
    """One attention module's weights for one text: `weights[h, i, j]` is how much
    position i (a query) takes from position j (a key) in head h; each row sums to 1."""

    node_id: str
    name: str  # the module's name in the model, e.g. "block1.self_attn"
    weights: np.ndarray

    @property
    def heads(self) -> int:
        return int(self.weights.shape[0])

    @property
    def causal(self) -> bool:
        """Whether no position took anything from a later one (the causal triangle)."""
        upper = np.triu(np.ones(self.weights.shape[-2:], dtype=bool), k=1)
        return bool(np.all(self.weights[:, upper] <= 1e-6))


@dataclass(frozen=True, eq=False)
class AttentionPattern:
    """The characters read (as labels), the model's output scores, and the weights of
    every attention module in the order the model runs them."""

    labels: list[str]
    layers: list[HeadWeights]
    scores: np.ndarray  # [T, V]


def _attention_modules(model: nn.Module) -> list[tuple[str, nn.MultiheadAttention]]:
    return [(name, m) for name, m in model.named_modules() if isinstance(m, nn.MultiheadAttention)]


def _node_of(model: nn.Module, name: str) -> str:
    attr = name.split(".", 1)[0]
    lookup = getattr(model, "node_of_attr", None)
    return lookup(attr) if lookup is not None else attr


def attention_pattern(
    model: nn.Module, ids: list[int] | torch.Tensor, labels: list[str] | None = None, *, look_ahead: bool = False
) -> AttentionPattern:
    """Run the model once on `ids` and keep what each attention module computed.

    Hooks ask every `nn.MultiheadAttention` (a MultiheadAttention node, or the
    self-attention inside a TransformerEncoderLayer) for its weights per head
    (need_weights=True, average_attn_weights=False), with the masks the model passes
    it, so a causal block shows its triangle. (A TransformerEncoderLayer with hooks
    attached leaves torch's fused inference kernel, which would skip its attention
    module; the math is the same.) The returned scores let a caller check that the
    model computed what it computes without hooks.

    `look_ahead` drops the causal masks for this one call, to show what the same heads
    would weigh if they could read later characters, as a bidirectional (BERT-like)
    encoder's do. That is not what the model computes: a GPT cannot read what it has
    not written yet, and its scores then differ.
    """
    ids = torch.as_tensor(ids, dtype=torch.long).reshape(1, -1).to(model_device(model))
    found: list[HeadWeights] = []
    handles = []

    def ask_for_weights(module, args, kwargs):
        kwargs = {**kwargs, "need_weights": True, "average_attn_weights": False}
        if look_ahead:
            kwargs.update(attn_mask=None, is_causal=False)
        return args, kwargs

    for name, module in _attention_modules(model):

        def keep(module, args, kwargs, output, name=name):
            weights = output[1]
            if weights is not None:
                found.append(HeadWeights(_node_of(model, name), name, weights[0].detach().float().cpu().numpy()))

        handles.append(module.register_forward_pre_hook(ask_for_weights, with_kwargs=True))
        handles.append(module.register_forward_hook(keep, with_kwargs=True))
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            scores = model(ids)
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    characters = labels if labels is not None else [str(i) for i in ids[0].tolist()]
    return AttentionPattern(list(characters), found, scores[0].detach().float().cpu().numpy())


def text_attention(
    model: nn.Module,
    tokenizer: CharTokenizer,
    text: str,
    context: int | None = None,
    *,
    look_ahead: bool = False,
    mask_char: str | None = None,
) -> AttentionPattern:
    """`attention_pattern` for the last `context` characters of `text`, labelled with
    its characters; with `mask_char` (a masked model) that character is the mask id."""
    if mask_char is not None and mask_char in text:
        ids = masked_ids(tokenizer, text, mask_char)
        ids = ids[-context:] if context else ids
        labels = [mask_char if i == tokenizer.vocab_size else visible(tokenizer.alphabet[i]) for i in ids]
        return attention_pattern(model, ids, labels, look_ahead=look_ahead)
    ids = prompt_ids(tokenizer, text)
    ids = ids[-context:] if context else ids
    return attention_pattern(model, ids, [visible(tokenizer.alphabet[i]) for i in ids], look_ahead=look_ahead)
