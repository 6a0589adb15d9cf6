"""The training engine: config, losses, optimizers, schedules, modes, the `Trainer`,
metrics, decision-boundary grids, checkpoints and weight transfer. No Qt, any thread.
"""

from graph_core.training.boundary import DecisionGrid, decision_grid, node_grids
from graph_core.training.checkpoint import load_weights, save_weights
from graph_core.training.config import TrainingConfig
from graph_core.training.events import (
    DivergedEvent,
    EpochEvent,
    ErrorEvent,
    FinishedEvent,
    PausedEvent,
    StartedEvent,
    StepEvent,
    TrainingEvent,
)
from graph_core.training.losses import LOSS_EXPLANATIONS, check_loss_compatibility, loss_warning, make_loss
from graph_core.training.metrics import ClassificationMetrics, RegressionMetrics, evaluate
from graph_core.training.modes import ReconstructionMode, SupervisedMode, TrainingMode, make_mode
from graph_core.training.optimizers import OPTIMIZER_EXPLANATIONS, make_optimizer
from graph_core.training.schedules import SCHEDULE_EXPLANATIONS, Schedule
from graph_core.training.trainer import Trainer, TrainingSetupError, resolve_device
from graph_core.training.transfer import TransferReport, transfer_weights

__all__ = [
    "LOSS_EXPLANATIONS",
    "OPTIMIZER_EXPLANATIONS",
    "SCHEDULE_EXPLANATIONS",
    "ClassificationMetrics",
    "DecisionGrid",
    "DivergedEvent",
    "EpochEvent",
    "ErrorEvent",
    "FinishedEvent",
    "PausedEvent",
    "ReconstructionMode",
    "RegressionMetrics",
    "Schedule",
    "StartedEvent",
    "StepEvent",
    "SupervisedMode",
    "Trainer",
    "TrainingConfig",
    "TrainingEvent",
    "TrainingMode",
    "TrainingSetupError",
    "TransferReport",
    "check_loss_compatibility",
    "decision_grid",
    "evaluate",
    "load_weights",
    "loss_warning",
    "make_loss",
    "make_mode",
    "make_optimizer",
    "node_grids",
    "resolve_device",
    "save_weights",
    "transfer_weights",
]
