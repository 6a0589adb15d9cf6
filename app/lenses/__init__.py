"""Lenses: small interactive views of one concept each (activations, losses, optimizers,
the learning-rate finder, the training diagnosis and timeline), standalone widgets for a
"Lenses" menu or dock. `LENSES` maps a key to (title, factory(parent) -> QWidget).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from PySide6.QtWidgets import QWidget

LensFactory = Callable[[QWidget | None], QWidget]


def _lazy(module: str, name: str) -> LensFactory:
    """A factory that imports its lens on first use: torch and pyqtgraph stay unloaded
    until someone opens one."""

    def make(parent: QWidget | None = None) -> QWidget:
        return getattr(import_module(f"app.lenses.{module}"), name)(parent)

    make.__name__ = f"make_{name}"
    return make


LENSES: dict[str, tuple[str, LensFactory]] = {
    "activations": ("Activation functions", _lazy("activation_lens", "ActivationLens")),
    "losses": ("Loss functions", _lazy("loss_lens", "LossLens")),
    "optimizers": ("Optimizers", _lazy("optimizer_lens", "OptimizerLens")),
    "lr_finder": ("Learning-rate finder", _lazy("lr_finder_view", "LRFinderView")),
    "diagnosis": ("Training diagnosis", _lazy("diagnosis_panel", "DiagnosisPanel")),
    "timeline": ("Training timeline", _lazy("timeline_slider", "TimelineSlider")),
}
