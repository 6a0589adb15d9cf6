"""`FastRunner`: trains an `MLPChain` with the Numba kernels in flat buffers. The torch
module stays the source of truth: weights, the last step's gradients and the
optimizer's state are written back after every call, and any change made from outside
(a restored snapshot, a loaded checkpoint, a hand edit) is read in before the next one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import torch

from graph_core.training.fast.network import MLPChain

ACTIVATION_CODES = {"Identity": 0, "Tanh": 1, "ReLU": 2, "Sigmoid": 3, "LeakyReLU": 4, "Step": 5, "ELU": 6}
LOSS_CODES = {"MSELoss": 0, "L1Loss": 1, "SmoothL1Loss": 2, "BCEWithLogitsLoss": 3, "CrossEntropyLoss": 4}
OPTIMIZER_CODES = {"SGD": 0, "SGD_MOMENTUM": 1, "SGD_NESTEROV": 2, "Adam": 3}
PREDICT_ROWS = 256  # rows per forward chunk in `predict`
# A call trains at most this long, so stop and pause take effect within it.
CHUNK_SECONDS = 0.01
# Matrix products of at least this many multiply-adds (rows x inputs x outputs) go to
# BLAS; smaller ones are cheaper as plain loops than as a call.
BLAS_MIN_PRODUCT = 4096


@dataclass(frozen=True)
class OptimizerSettings:
    """What the kernels need to know of the torch optimizer and the trainer's penalties."""

    kind: str  # a key of OPTIMIZER_CODES
    momentum: float = 0.0
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    l1: float = 0.0
    l2: float = 0.0
    grad_clip: float = 0.0


@dataclass
class _Tensor:
    """One torch parameter, its place in the flat buffers and numpy views of its memory."""

    param: torch.nn.Parameter
    index: int
    offset: int
    size: int
    is_weight: bool
    view: np.ndarray | None = None
    grad: torch.Tensor | None = None  # a view of the flat gradients: the kernels write it
    seen: tuple[int, int] = (0, -1)  # (data_ptr, _version) after our last write


class FastRunner:
    """Many optimizer steps per call on resident data; see the module docstring.

    `x` is the training inputs (N, features), `target` the loss's targets as the
    trainer converts them (class indices for CrossEntropyLoss, else (N, outputs)).
    """

    def __init__(
        self,
        kernels: ModuleType,
        chain: MLPChain,
        x: torch.Tensor,
        target: torch.Tensor,
        loss: str,
        optimizer: torch.optim.Optimizer,
        settings: OptimizerSettings,
        batch_size: int,
    ) -> None:
        self.k = kernels
        self.chain = chain
        self.optimizer = optimizer
        self.settings = settings
        self.batch_size = batch_size
        self.dtype = _numpy_dtype(chain.parameters[0].dtype)
        self.loss_code = LOSS_CODES[loss]
        self.opt_code = OPTIMIZER_CODES[settings.kind]
        self._layout()
        self.x = _as_array(x.reshape(x.shape[0], -1), self.dtype)
        self._targets(target)
        self._buffers(batch_size)
        self._constants()
        self._adam_steps = np.zeros(len(self.tensors), dtype=np.float32)
        self._state_tensors: list[dict[str, torch.Tensor]] = []
        self.max_steps = 1  # steps per call that fit in CHUNK_SECONDS, measured as it runs
        self._blas = _blas_controllers() if self._uses_blas() else []
        self.pull()
        self._saved = self.theta.copy()

    # ---- layout -----------------------------------------------------------------------------

    def _layout(self) -> None:
        rows, params, self.tensors = [], [], []
        # Activation blocks start after the input block (the gathered batch).
        offset, h_offset = 0, self.chain.layers[0].linear.in_features
        for layer in self.chain.layers:
            linear = layer.linear
            n_out, n_in = linear.weight.shape
            w_off = offset
            self.tensors.append(_Tensor(linear.weight, len(self.tensors), offset, n_out * n_in, True))
            offset += n_out * n_in
            b_off = -1
            if linear.bias is not None:
                b_off = offset
                self.tensors.append(_Tensor(linear.bias, len(self.tensors), offset, n_out, False))
                offset += n_out
            rows.append((n_in, n_out, w_off, b_off, ACTIVATION_CODES[layer.activation], h_offset))
            params.append(layer.activation_param)
            h_offset += n_out
        self.layers = np.array(rows, dtype=np.int64)
        self.act_params = np.array(params, dtype=self.dtype)
        self.size, self.width = offset, h_offset
        self.n_out = int(self.layers[-1, 1])
        for name in ("theta", "wt", "grad", "m1", "m2"):
            setattr(self, name, np.zeros(offset, dtype=self.dtype))
        self._by_param = {id(t.param): t for t in self.tensors}
        self._starts = np.array([t.offset for t in self.tensors], dtype=np.int64)
        for t in self.tensors:
            t.grad = torch.from_numpy(self.grad[t.offset : t.offset + t.size]).view(t.param.shape)
        self.is_weight = np.zeros(offset, dtype=np.uint8)
        for t in self.tensors:
            self.is_weight[t.offset : t.offset + t.size] = t.is_weight

    def _targets(self, target: torch.Tensor) -> None:
        n = self.x.shape[0]
        if self.loss_code == LOSS_CODES["CrossEntropyLoss"]:
            self.ti = _as_array(target.reshape(n), np.int64)
            self.tf = np.zeros((0, self.n_out), dtype=self.dtype)
        else:
            self.ti = np.zeros(0, dtype=np.int64)
            self.tf = _as_array(target.reshape(n, self.n_out), self.dtype)

    def _buffers(self, batch_size: int) -> None:
        # Flat buffers: the input batch and each layer's activations are contiguous
        # (rows, width) blocks, which a BLAS call can take as they are.
        self.rows = max(1, min(batch_size, self.x.shape[0]))
        self.zbuf = np.zeros(self.rows * self.width, dtype=self.dtype)
        self.hbuf = np.zeros_like(self.zbuf)
        self.dbuf = np.zeros_like(self.zbuf)
        self.ints = np.zeros(2, dtype=np.int64)
        self.ints[self.k.BLAS_MIN] = BLAS_MIN_PRODUCT
        self.cast = np.zeros(1, dtype=self.dtype)
        self.losses = np.zeros(0, dtype=np.float64)

    def _constants(self) -> None:
        k, s = self.k, self.settings
        hp = np.zeros(k.HP_SIZE, dtype=np.float64)
        hp[k.ONE], hp[k.HALF], hp[k.MOMENTUM] = 1.0, 0.5, s.momentum
        hp[k.BETA1], hp[k.BETA2] = s.betas
        # torch computes 1 - beta in double and then casts it, like every scalar here.
        hp[k.ONE_MINUS_BETA1], hp[k.ONE_MINUS_BETA2] = 1.0 - s.betas[0], 1.0 - s.betas[1]
        hp[k.EPS], hp[k.L1_STRENGTH], hp[k.L2_STRENGTH], hp[k.CLIP] = s.eps, s.l1, s.l2, s.grad_clip
        self.hp = hp.astype(self.dtype)
        self.hpd = np.array(s.betas, dtype=np.float64)

    # ---- training -----------------------------------------------------------------------------

    def run(self, order: np.ndarray, first_step: int, lrs: np.ndarray) -> np.ndarray:
        """Train batches first_step, first_step+1, ... of the epoch ordered by `order`
        (one per learning rate in `lrs`); return each step's loss."""
        self.sync_in()
        n_steps = len(lrs)
        started = time.perf_counter()
        if self._blas:
            with _one_blas_thread(self._blas):
                self._train(order, first_step, lrs)
        else:
            self._train(order, first_step, lrs)
        per_step = (time.perf_counter() - started) / max(n_steps, 1)
        self.max_steps = max(1, min(1 << 16, int(CHUNK_SECONDS / max(per_step, 1e-7))))
        self.push()
        return self.losses[:n_steps]

    def _train(self, order: np.ndarray, first_step: int, lrs: np.ndarray) -> None:
        # The kernels check no bounds: every buffer must be big enough before the call.
        if self.losses.shape[0] < len(lrs):
            self.losses = np.zeros(len(lrs), dtype=np.float64)
        if order.shape != (self.x.shape[0],) or (first_step + len(lrs) - 1) * self.rows >= len(order):
            raise ValueError("the steps asked for run past the end of the epoch")
        self.k.train_steps(
            self.x,
            self.tf,
            self.ti,
            order,
            first_step,
            lrs,
            self.loss_code,
            self.opt_code,
            self.layers,
            self.act_params,
            self.theta,
            self.wt,
            self.grad,
            self.m1,
            self.m2,
            self.is_weight,
            self.ints,
            self.hp,
            self.hpd,
            self.cast,
            self.zbuf,
            self.hbuf,
            self.dbuf,
            self.losses,
        )

    def keep_snapshot(self) -> None:
        """Remember the weights as they are (the trainer's last good weights)."""
        self.sync_in()
        self._saved[:] = self.theta

    def restore_snapshot(self) -> None:
        """Put the remembered weights back, here and in the module."""
        self.theta[:] = self._saved
        with torch.no_grad():
            for t in self.tensors:
                t.param.copy_(torch.from_numpy(self._saved[t.offset : t.offset + t.size]).view(t.param.shape))
                t.seen = (t.param.data_ptr(), t.param._version)

    def grad_norms_and_health(self, node_params: list[tuple[str, torch.nn.Parameter]]) -> tuple[dict[str, float], bool]:
        """The L2 norm of each node's last gradients and whether every weight is finite
        (what the trainer reports after each epoch), read from the flat buffers."""
        per_tensor = np.zeros(len(self.tensors), dtype=np.float64)
        finite = self.k.square_sums(self.grad, self.theta, self._starts, per_tensor)
        per_tensor = per_tensor.tolist()
        squares: dict[str, float] = {}
        for node, param in node_params:
            t = self._by_param.get(id(param))
            if t is not None:
                squares[node] = squares.get(node, 0.0) + per_tensor[t.index]
        return {node: float(np.sqrt(s)) for node, s in squares.items()}, finite

    def _uses_blas(self) -> bool:
        products = self.layers[:, 0] * self.layers[:, 1] * self.rows
        return bool((products >= BLAS_MIN_PRODUCT).any())

    def predict(self, x: torch.Tensor) -> np.ndarray:
        """The network's outputs computed by the kernels (for checks against torch)."""
        self.sync_in()
        rows = _as_array(x.reshape(x.shape[0], -1), self.dtype)
        out = np.zeros((rows.shape[0], self.n_out), dtype=self.dtype)
        z = np.zeros(PREDICT_ROWS * self.width, dtype=self.dtype)
        k = self.k
        k.predict(rows, self.layers, self.act_params, self.theta, self.wt, self.hp, self.ints, z, np.zeros_like(z), out)
        return out

    # ---- keeping torch and the flat buffers in step ----------------------------------------------

    def sync_in(self) -> None:
        """Read weights and optimizer state that changed outside since our last write."""
        if any((t.param.data_ptr(), t.param._version) != t.seen for t in self.tensors):
            self.pull()
        elif not self._state_is_ours():
            self._pull_state()

    def pull(self) -> None:
        with torch.no_grad():
            for t in self.tensors:
                t.view = t.param.detach().numpy().reshape(-1)
                self.theta[t.offset : t.offset + t.size] = t.view
                t.seen = (t.param.data_ptr(), t.param._version)
        self._pull_state()

    def push(self) -> None:
        """Weights and the step count back into torch; the gradients are there already."""
        for t in self.tensors:
            t.view[:] = self.theta[t.offset : t.offset + t.size]
            if t.param.grad is not t.grad:  # set to None (zero_grad) or replaced
                t.param.grad = t.grad
        if self.opt_code == OPTIMIZER_CODES["Adam"]:
            self._adam_steps[:] = self.ints[self.k.ADAM_STEP]

    def _state_keys(self) -> tuple[str, ...]:
        if self.opt_code == OPTIMIZER_CODES["Adam"]:
            return ("exp_avg", "exp_avg_sq")
        if self.opt_code == OPTIMIZER_CODES["SGD"]:
            return ()
        return ("momentum_buffer",)

    def _state_is_ours(self) -> bool:
        keys = self._state_keys()
        if not keys:
            return True
        state = self.optimizer.state.get(self.tensors[0].param)
        return bool(self._state_tensors) and state is not None and state.get(keys[0]) is self._state_tensors[0][keys[0]]

    def _pull_state(self) -> None:
        """Take the optimizer's state (zeros when it has none, e.g. after a divergence
        cleared it), then hand it tensors that view our buffers, so a checkpoint saved
        at any time holds the live moments."""
        keys = self._state_keys()
        if not keys:
            return
        buffers = (self.m1, self.m2)
        self.ints[self.k.ADAM_STEP] = 0
        self._state_tensors = []
        for index, t in enumerate(self.tensors):
            state = self.optimizer.state.get(t.param) or {}
            views: dict[str, torch.Tensor] = {}
            for key, buffer in zip(keys, buffers):
                segment = buffer[t.offset : t.offset + t.size]
                saved = state.get(key)
                segment[:] = 0 if saved is None else saved.detach().cpu().reshape(-1).numpy()
                views[key] = torch.from_numpy(segment).view(t.param.shape)
            if "exp_avg" in keys:
                saved_step = state.get("step")
                if index == 0 and saved_step is not None:
                    self.ints[self.k.ADAM_STEP] = int(float(saved_step))
                views["step"] = torch.from_numpy(self._adam_steps[index : index + 1]).view(())
            self.optimizer.state[t.param] = views
            self._state_tensors.append(views)
        self._adam_steps[:] = self.ints[self.k.ADAM_STEP]


def _blas_controllers() -> list:
    """threadpoolctl's handles on the BLAS that Numba calls (SciPy's)."""
    try:
        import scipy.linalg.cython_blas  # noqa: F401  (loads the library to find it)
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return []
    controllers = ThreadpoolController().lib_controllers
    return [c for c in controllers if c.user_api == "blas" and "scipy" in c.filepath and "numpy" not in c.filepath]


@contextmanager
def _one_blas_thread(controllers: list) -> Iterator[None]:
    """Small products on one thread: on a busy 2-core machine a second BLAS thread made
    a 200x64x64 product 13x slower (CPU time). Restored afterwards; the library is
    process-wide, like torch's thread count."""
    before = [c.num_threads for c in controllers]
    if all(n == 1 for n in before):  # already (the app sets it once): setting costs ~40 us a call
        yield
        return
    for c in controllers:
        c.set_num_threads(1)
    try:
        yield
    finally:
        for c, n in zip(controllers, before):
            c.set_num_threads(n)


def _numpy_dtype(dtype: torch.dtype) -> type:
    return np.float64 if dtype == torch.float64 else np.float32


def _as_array(tensor: torch.Tensor, dtype: type) -> np.ndarray:
    """A C-contiguous, writeable numpy array (the kernels' signatures expect exactly that)."""
    return np.ascontiguousarray(tensor.detach().cpu().numpy(), dtype=dtype)


def compile_signatures(kernels: ModuleType, dtype: type) -> None:
    """Run every kernel once on a tiny network, which loads (or compiles) exactly the
    signatures real runs use: every array C-contiguous, ints as int64."""
    from collections import OrderedDict
    from types import SimpleNamespace

    from graph_core.training.fast.network import mlp_chain

    torch_dtype = torch.float64 if dtype == np.float64 else torch.float32
    model = torch.nn.Sequential(
        OrderedDict(fc=torch.nn.Linear(2, 3), act=torch.nn.Tanh(), out=torch.nn.Linear(3, 2))
    ).to(torch_dtype)
    chain = mlp_chain(model)
    x = torch.zeros(4, 2, dtype=torch_dtype)
    optimizer = SimpleNamespace(state={})  # plain SGD keeps no state; torch.optim is slow to import
    order = np.arange(4, dtype=np.int64)
    for loss, target in (("MSELoss", torch.zeros(4, 2, dtype=torch_dtype)), ("CrossEntropyLoss", torch.zeros(4))):
        runner = FastRunner(kernels, chain, x, target, loss, optimizer, OptimizerSettings("SGD"), 2)
        runner.run(order, 0, np.full(1, 0.0))
    runner.predict(x)
    runner.grad_norms_and_health([])
