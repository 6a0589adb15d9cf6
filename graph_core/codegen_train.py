"""Project -> `train.py`: a plain, readable PyTorch training loop that reproduces the
project's training settings on its exported data, needs only torch and safetensors, and
runs unchanged alone (`python train.py`) or under `torchrun` with DistributedDataParallel."""

from __future__ import annotations

import json
from string import Template
from typing import Any

from graph_core.graph import ModelGraph
from graph_core.shapes import analyze

_TARGETS = {
    "index": ("class indices", "return y.long()"),
    "onehot": ("one-hot rows, one column per class", "return nn.functional.one_hot(y.long(), NUM_CLASSES).float()"),
    "signed": ("one column: -1 for class 0, +1 for class 1", "return (y.float() * 2 - 1).unsqueeze(1)"),
    "binary": ("one column: 0 or 1", "return y.float().unsqueeze(1)"),
    "value": ("the values, shaped like the output", "return y.float().reshape(len(y), *OUTPUT_SHAPE)"),
}

_RECONSTRUCTION_BODY = "return x.float().reshape(len(x), *OUTPUT_SHAPE)"


class TrainScriptError(ValueError):
    """The project cannot be written as a train.py; the message says why."""


def generate_train_script(graph: ModelGraph, training: dict[str, Any], bundle: Any, title: str = "") -> str:
    """The source of train.py for `graph` (as model.py's `Model`), trained with the
    project's `training` section on `bundle`'s splits (saved beside it as data.safetensors).
    Raises TrainScriptError when the network and data do not fit a supported set-up."""
    from graph_core.training.config import TrainingConfig
    from graph_core.training.losses import bundle_num_classes, plan_loss

    try:
        config = TrainingConfig.from_dict(dict(training))
    except (TypeError, ValueError) as error:
        raise TrainScriptError(str(error)) from None
    if config.mode not in ("supervised", "reconstruction", "language_model"):
        raise TrainScriptError(
            f"train.py reproduces supervised, reconstruction and language-model training, not {config.mode}"
        )
    output_shape = _single_output_shape(graph)
    if config.mode == "language_model":
        return _language_model_script(graph, config, bundle, title, output_shape)
    reconstruction = config.mode == "reconstruction"
    task = "regression" if reconstruction else bundle.task
    num_classes = bundle_num_classes(bundle) if task == "classification" else None
    target_shape = bundle.input_shape if reconstruction else bundle.target_shape
    kind, problem = plan_loss(config.loss, output_shape, task, num_classes=num_classes, target_shape=target_shape)
    if kind is None:
        raise TrainScriptError(problem)
    what, body = _TARGETS[kind]
    if reconstruction:
        what, body = "the input itself (an autoencoder rebuilds what it sees)", _RECONSTRUCTION_BODY
    return _fill(config, title, task, num_classes, output_shape, what, body)


def _language_model_script(graph: ModelGraph, config, bundle: Any, title: str, output_shape: tuple[int, ...]) -> str:
    from graph_core.training.language import language_model_problem

    problem = language_model_problem(output_shape, bundle, config.loss)
    if problem:
        raise TrainScriptError(problem)
    what = "the id of the next character at every position"
    script = _fill(config, title, "classification", bundle.tokenizer.vocab_size, output_shape, what, "return y.long()")
    # Every position of every window is a prediction: the loss and the accuracy go
    # over scores [N, T, V] and next ids [N, T] laid flat.
    edits = (
        (f"LOSS = nn.{config.loss}()\n", f"CRITERION = nn.{config.loss}()  # at every position: see LOSS\n"),
        ("\n\ndef parse_args():", f"\n\n{_NEXT_TOKEN_LOSS}\n\ndef parse_args():"),
        (_FLAT_ACCURACY, _NEXT_TOKEN_ACCURACY),
    )
    for old, new in edits:
        if script.count(old) != 1:
            raise RuntimeError(f"train.py's template changed: cannot find {old.strip()[:40]!r}")
        script = script.replace(old, new)
    return script


_NEXT_TOKEN_LOSS = '''def LOSS(output, target):
    """Next-character loss: every position's scores [N, T, V] against the ids that follow [N, T]."""
    return CRITERION(output.reshape(-1, output.shape[-1]), target.reshape(-1))
'''
_FLAT_ACCURACY = """    flat = outputs.reshape(len(outputs), -1)
    predicted = (flat[:, 0] > 0).long() if flat.shape[1] == 1 else flat.argmax(dim=1)
    return loss, (predicted == y).float().mean().item()"""
_NEXT_TOKEN_ACCURACY = """    # Next-character accuracy: how often the top score at a position is the character that follows.
    return loss, (outputs.argmax(dim=-1) == y).float().mean().item()"""


def _fill(config, title: str, task: str, num_classes, output_shape, what: str, body: str) -> str:
    py = _source_literal
    values = {
        "title": " ".join((title or "a NeuroLoom project").replace('"', "'").replace("\\", "/").split()),
        "mode": config.mode,
        "loss": config.loss,
        "optimizer": py(config.optimizer),
        "lr": py(config.lr),
        "momentum": py(config.momentum),
        "nesterov": py(config.nesterov),
        "weight_decay": py(config.weight_decay),
        "l1": py(config.l1),
        "grad_clip": py(config.grad_clip),
        "schedule": py(config.schedule),
        "warmup_epochs": py(config.warmup_epochs),
        "step_size": py(config.step_size),
        "gamma": py(config.gamma),
        "batch_size": py(config.batch_size),
        "epochs": py(config.epochs),
        "seed": py(config.seed),
        "device": py(config.device),
        "task": py(task),
        "num_classes": py(num_classes),
        "output_shape": py(tuple(output_shape)),
        "targets_doc": what,
        "targets_body": body,
    }
    return _TEMPLATE.substitute(values)


def _source_literal(value: Any) -> str:
    """A value as Python source, strings in double quotes as ruff format writes them."""
    return json.dumps(value) if isinstance(value, str) else repr(value)


def _single_output_shape(graph: ModelGraph) -> tuple[int, ...]:
    analysis = analyze(graph)
    if not analysis.ok:
        raise TrainScriptError("the graph has errors: " + "; ".join(str(d) for d in analysis.errors[:3]))
    outputs, inputs = graph.output_nodes(), graph.input_nodes()
    if len(outputs) != 1 or len(inputs) != 1:
        raise TrainScriptError(
            f"train.py supports one input and one output; this network has {len(inputs)} and {len(outputs)}"
        )
    return tuple(analysis.nodes[outputs[0]].shape)


_TEMPLATE = Template('''\
"""Train the network of model.py as the NeuroLoom project did: $title.

Generated by NeuroLoom; it needs only torch and safetensors. The data are the
project's train / validation / test splits, saved beside this file as data.safetensors.

    python train.py                        # one process, on the GPU if there is one
    python train.py --epochs 5 --device cpu --out my_weights.safetensors
    torchrun --nproc_per_node=4 train.py   # DistributedDataParallel: a process per
                                           # GPU (nccl) or per CPU core (gloo)

The first process saves the trained weights as safetensors; load them with
`safetensors.torch.load_model(Model(), "trained.safetensors")`.
"""

import argparse
import math
import os
from pathlib import Path

import torch
import torch.distributed as dist
from safetensors.torch import load_file, load_model, save_model
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from model import Model

HERE = Path(__file__).resolve().parent

# The project's training settings ($mode training). Change them here.
LOSS = nn.$loss()
OPTIMIZER = $optimizer  # SGD, Adam, AdamW, RMSprop or Adagrad
LR = $lr
MOMENTUM = $momentum  # SGD and RMSprop
NESTEROV = $nesterov  # SGD
WEIGHT_DECAY = $weight_decay  # L2 penalty, on weights only (not biases or norm scales)
L1 = $l1  # L1 penalty, on weights only
GRAD_CLIP = $grad_clip  # largest gradient norm; 0 = no clipping
SCHEDULE = $schedule  # constant, step, exponential or cosine
WARMUP_EPOCHS = $warmup_epochs  # linear warm-up before the schedule starts
STEP_SIZE = $step_size  # epochs per decay by GAMMA (step and exponential schedules)
GAMMA = $gamma
BATCH_SIZE = $batch_size  # samples per step, over all processes together
EPOCHS = $epochs
SEED = $seed
DEVICE = $device  # auto: the GPU when there is one
TASK = $task
NUM_CLASSES = $num_classes
OUTPUT_SHAPE = $output_shape  # the network's output per sample


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--device", default=DEVICE, choices=["auto", "cpu", "cuda"])
    parser.add_argument("--out", default=HERE / "trained.safetensors")
    parser.add_argument("--data", default=HERE / "data.safetensors")
    parser.add_argument("--weights", help="start from these weights (safetensors)")
    return parser.parse_args()


def setup(device_name):
    """Join torchrun's process group when started by torchrun; pick the device."""
    rank = int(os.environ.get("RANK", "0"))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if device_name == "auto":
        device_name = "cuda" if torch.cuda.is_available() else "cpu"
    if device_name == "cuda":
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    else:
        device = torch.device(device_name)
    if world > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return rank, world, device


def targets(x, y):
    """What the loss compares the output with: $targets_doc."""
    $targets_body


def load_splits(path):
    """{split: (inputs, loss targets, labels)} for train, val and test."""
    tensors = load_file(path)
    splits = {}
    for split in ("train", "val", "test"):
        x, y = tensors[f"x_{split}"], tensors[f"y_{split}"]
        if x.is_floating_point():
            x = x.float()  # integer inputs are token ids and stay integers
        splits[split] = (x, targets(x, y), y)
    return splits


def make_optimizer(model):
    """The optimizer, with weight decay on weights only (tensors of 2 or more dims)."""
    weights = [p for p in model.parameters() if p.ndim >= 2]
    others = [p for p in model.parameters() if p.ndim < 2]
    groups = [
        {"params": weights, "weight_decay": WEIGHT_DECAY},
        {"params": others, "weight_decay": 0.0},
    ]
    groups = [group for group in groups if group["params"]]
    if OPTIMIZER == "SGD":
        return torch.optim.SGD(groups, lr=LR, momentum=MOMENTUM, nesterov=NESTEROV)
    if OPTIMIZER == "RMSprop":
        return torch.optim.RMSprop(groups, lr=LR, momentum=MOMENTUM)
    return getattr(torch.optim, OPTIMIZER)(groups, lr=LR)


def lr_factor(epoch, batch, steps_per_epoch, epochs):
    """The learning rate's multiplier for one batch (epoch and batch count from 0)."""
    if epoch < WARMUP_EPOCHS:
        return (epoch * steps_per_epoch + batch + 1) / (WARMUP_EPOCHS * steps_per_epoch)
    epoch -= WARMUP_EPOCHS
    if SCHEDULE == "step":
        return GAMMA ** (epoch // STEP_SIZE)
    if SCHEDULE == "exponential":
        return GAMMA ** (epoch / STEP_SIZE)
    if SCHEDULE == "cosine":
        span = max(1, epochs - WARMUP_EPOCHS)
        return 0.5 * (1.0 + math.cos(math.pi * min(epoch, span) / span))
    return 1.0


def l1_penalty(model):
    return sum(p.abs().sum() for p in model.parameters() if p.ndim >= 2)


@torch.no_grad()
def evaluate(model, x, target, y, device):
    """(loss, accuracy) on one split; accuracy is None for regression."""
    model.eval()
    chunks = [x[i : i + 1024].to(device) for i in range(0, len(x), 1024)]
    outputs = torch.cat([model(chunk).cpu() for chunk in chunks])
    loss = LOSS(outputs, target).item()
    if TASK != "classification":
        return loss, None
    flat = outputs.reshape(len(outputs), -1)
    predicted = (flat[:, 0] > 0).long() if flat.shape[1] == 1 else flat.argmax(dim=1)
    return loss, (predicted == y).float().mean().item()


def report(name, loss, accuracy):
    text = f"{name} loss {loss:.4f}"
    return text if accuracy is None else f"{text}, accuracy {accuracy:.1%}"


def save_weights(model, path):
    """Write to a temporary file, then rename: a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    save_model(model, str(temporary))
    os.replace(temporary, path)


def main():
    args = parse_args()
    rank, world, device = setup(args.device)
    torch.manual_seed(SEED)  # the same initial weights in every process
    model = Model().to(device)
    if args.weights:
        load_model(model, args.weights, device=str(device))
    # DistributedDataParallel averages the gradients of all processes after backward.
    net = model
    if world > 1:
        device_ids = [device.index] if device.type == "cuda" else None
        net = DistributedDataParallel(model, device_ids=device_ids)
    splits = load_splits(args.data)
    train_x, train_target, _ = splits["train"]
    dataset = TensorDataset(train_x, train_target)
    # Each process takes its own share of every epoch; together they see each sample.
    sampler = DistributedSampler(dataset, num_replicas=world, rank=rank, seed=SEED)
    per_process = max(1, BATCH_SIZE // world)
    loader = DataLoader(dataset, batch_size=per_process, sampler=sampler)
    optimizer = make_optimizer(model)
    who = f"[rank {rank} of {world}]"
    print(f"{who} training on {device}: {len(sampler)} samples per epoch", flush=True)
    steps = 0
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same in every process
        net.train()
        total = 0.0
        for batch, (x, target) in enumerate(loader):
            x, target = x.to(device), target.to(device)
            for group in optimizer.param_groups:
                group["lr"] = LR * lr_factor(epoch, batch, len(loader), args.epochs)
            optimizer.zero_grad()
            loss = LOSS(net(x), target)
            # The penalty trains the weights but is left out of the reported loss.
            penalty = L1 * l1_penalty(model) if L1 else 0.0
            (loss + penalty).backward()
            if GRAD_CLIP:
                nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
            optimizer.step()
            total += loss.item()
            steps += 1
        if rank == 0:
            mean = total / len(loader)
            line = f"epoch {epoch + 1}/{args.epochs}: train loss {mean:.4f}"
            if len(splits["val"][0]):
                scores = evaluate(model, *splits["val"], device)
                line += "; " + report("validation", *scores)
            print(line, flush=True)
    if rank == 0:
        if len(splits["test"][0]):
            print(report("test", *evaluate(model, *splits["test"], device)), flush=True)
        save_weights(model, args.out)
        print(f"saved {args.out}", flush=True)
    print(f"{who} done after {steps} steps", flush=True)
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
''')
