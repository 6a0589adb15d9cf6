"""The `training` section of a project: one typed, validated `TrainingConfig`.

Every value is checked on construction, and a bad one raises `ValueError` naming its
key (`training.lr: must be > 0`), so the CLI and the inspector can show it as is.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

LOSS_NAMES = (
    "MSELoss",
    "L1Loss",
    "SmoothL1Loss",
    "CrossEntropyLoss",
    "BCEWithLogitsLoss",
    "NLLLoss",
    "MultiMarginLoss",
)
OPTIMIZER_NAMES = ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad")
SCHEDULE_NAMES = ("constant", "step", "exponential", "cosine")
DEVICE_NAMES = ("auto", "cpu", "cuda")
MODE_NAMES = ("supervised", "reconstruction", "gan", "language_model", "masked_language_model", "diffusion")
NOISE_SCHEDULE_NAMES = ("linear", "cosine")
MAX_DIFFUSION_STEPS = 4000


@dataclass(frozen=True)
class TrainingConfig:
    """How a network is trained; the defaults suit the 2-D playground."""

    loss: str = "CrossEntropyLoss"
    optimizer: str = "Adam"
    lr: float = 0.01
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    l1: float = 0.0
    grad_clip: float = 0.0
    schedule: str = "constant"
    warmup_epochs: int = 0
    step_size: int = 50
    gamma: float = 0.5
    batch_size: int = 32
    epochs: int = 200
    seed: int = 0
    device: str = "auto"
    mode: str = "supervised"
    diffusion_steps: int = 100
    noise_schedule: str = "linear"

    def __post_init__(self) -> None:
        for check in _CHECKS:
            check(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingConfig:
        """Build from a project file's `training` object; missing keys take defaults."""
        if not isinstance(data, dict):
            raise ValueError(f"training: must be an object, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ValueError(f"training.{key}: unknown key")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fail(key: str, message: str) -> None:
    raise ValueError(f"training.{key}: {message}")


def _check_choice(key: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        _fail(key, f"unknown value {value!r}; choose one of {', '.join(choices)}")


def _check_number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(key, f"must be a number, got {value!r}")
    if not math.isfinite(value):
        _fail(key, f"must be a finite number, got {value!r}")
    return float(value)


def _check_int(key: str, value: Any, minimum: int) -> None:
    # bool is an int in Python; `epochs: true` is a typo, not a count.
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(key, f"must be a whole number, got {value!r}")
    if value < minimum:
        _fail(key, f"must be >= {minimum}, got {value}")


def _check_names(c: TrainingConfig) -> None:
    _check_choice("loss", c.loss, LOSS_NAMES)
    _check_choice("optimizer", c.optimizer, OPTIMIZER_NAMES)
    _check_choice("schedule", c.schedule, SCHEDULE_NAMES)
    _check_choice("device", c.device, DEVICE_NAMES)
    _check_choice("mode", c.mode, MODE_NAMES)
    _check_choice("noise_schedule", c.noise_schedule, NOISE_SCHEDULE_NAMES)


def _check_rates(c: TrainingConfig) -> None:
    if _check_number("lr", c.lr) <= 0:
        _fail("lr", f"must be > 0, got {c.lr}")
    if not 0 <= _check_number("momentum", c.momentum) < 1:
        _fail("momentum", f"must be in [0, 1), got {c.momentum}")
    for key in ("weight_decay", "l1", "grad_clip"):
        if _check_number(key, getattr(c, key)) < 0:
            _fail(key, f"must be >= 0, got {getattr(c, key)}")
    if not 0 < _check_number("gamma", c.gamma) <= 1:
        _fail("gamma", f"must be in (0, 1], got {c.gamma}")


def _check_counts(c: TrainingConfig) -> None:
    _check_int("batch_size", c.batch_size, 1)
    _check_int("epochs", c.epochs, 1)
    _check_int("warmup_epochs", c.warmup_epochs, 0)
    _check_int("step_size", c.step_size, 1)
    _check_int("seed", c.seed, 0)
    _check_int("diffusion_steps", c.diffusion_steps, 2)
    if c.diffusion_steps > MAX_DIFFUSION_STEPS:
        _fail("diffusion_steps", f"must be at most {MAX_DIFFUSION_STEPS}, got {c.diffusion_steps}")


def _check_nesterov(c: TrainingConfig) -> None:
    if not isinstance(c.nesterov, bool):
        _fail("nesterov", f"must be true or false, got {c.nesterov!r}")
    if c.nesterov and (c.optimizer != "SGD" or c.momentum <= 0):
        _fail("nesterov", "needs optimizer SGD with momentum > 0")


_CHECKS = (_check_names, _check_rates, _check_counts, _check_nesterov)
