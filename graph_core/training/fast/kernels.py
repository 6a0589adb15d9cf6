"""Numba kernels of the fast path: many SGD/Adam steps of a Linear+activation chain in
one call, and its forward pass. They follow torch's float arithmetic formula by formula
(float32 stays float32, scalars are cast as torch casts them), so losses agree with
eager training to rounding.

Everything lives in flat buffers described by a layer table; see `runner.py`.
Importing this module imports Numba; `compiler.py` decides when and where.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from graph_core.training.fast.compiler import configure_numba_cache

configure_numba_cache()

# Columns of the layer table (int64, one row per Linear layer).
N_IN, N_OUT, W_OFF, B_OFF, ACT, H_OFF = range(6)
# Activation codes.
IDENTITY, TANH, RELU, SIGMOID, LEAKY_RELU, STEP, ELU = range(7)
# Loss codes.
MSE, L1, SMOOTH_L1, BCE_LOGITS, CROSS_ENTROPY = range(5)
# Optimizer codes.
SGD, SGD_MOMENTUM, SGD_NESTEROV, ADAM = range(4)
# Slots of `hp` (model dtype): constants and hyperparameters cast as torch casts them.
ZERO, ONE, HALF, MOMENTUM, BETA1, BETA2, ONE_MINUS_BETA1, ONE_MINUS_BETA2, EPS, L1_STRENGTH, L2_STRENGTH, CLIP = range(
    12
)
HP_SIZE = 12
# Slots of `hpd` (float64): what torch computes in double.
D_BETA1, D_BETA2 = range(2)
# Slots of `ints` (int64): the step counter Adam's bias correction reads, and the
# smallest matrix product (rows x inputs x outputs) worth a BLAS call.
ADAM_STEP, BLAS_MIN = range(2)

_jit = njit(cache=True, nogil=True, error_model="numpy")


@_jit
def _cast(cast, value):
    """`value` in the model's dtype (cast is a one-element array of it): Numba would
    otherwise promote float32 arithmetic with ints and Python floats to float64."""
    cast[0] = value
    return cast[0]


@_jit
def _activate(z, code, param, zero, one):
    if code == TANH:
        return np.tanh(z)
    if code == RELU:
        return zero if z <= zero else z  # NaN passes through, as torch.relu lets it
    if code == SIGMOID:
        return one / (one + np.exp(-z))
    if code == LEAKY_RELU:
        return z if z > zero else z * param
    if code == STEP:
        return one if z > zero else zero
    if code == ELU:
        return z if z > zero else (np.exp(z) - one) * param
    return z


@_jit
def _activation_grad(d, z, h, code, param, zero, one):
    """dL/dz from dL/dh, written as torch's backward formulas are."""
    if code == TANH:
        return d * (one - h * h)
    if code == RELU:
        return zero if h <= zero else d
    if code == SIGMOID:
        return d * (one - h) * h
    if code == LEAKY_RELU:
        return d if z > zero else d * param
    if code == ELU:
        return d if z > zero else d * param * np.exp(z)
    return d  # identity, and the step's straight-through gradient


# ---- layers ------------------------------------------------------------------------------
# hbuf, zbuf and dbuf hold one block per layer, `rows` x width at H_OFF * rows, flat;
# the gathered input batch is the block at 0. Tiny layers run as loops over flat
# indices (an array view costs more than their arithmetic); larger ones as BLAS calls
# on 2-D views of the same blocks. Loop indices are unsigned: a signed index gets a
# negative-index check on every access, which also stops the loops vectorizing (3-10x
# slower). Mixing them with signed ints would turn the sums into floats, hence `_u`.


@_jit
def _u(value):
    return np.uint64(value)


@_jit
def _view(buffer, start, rows, cols):
    return buffer[start : start + rows * cols].reshape((rows, cols))


@_jit
def _uses_blas(n_in, n_out, b, ints):
    return b * n_in * n_out >= ints[BLAS_MIN]


@_jit
def _linear(theta, wt, hbuf, zbuf, w, n_in, n_out, in_base, out_base, b, use_blas, zero):
    """z = h_in @ W.T for rows 0..b-1 (W is (outputs, inputs) at theta[w:])."""
    if use_blas:
        weights = _view(theta, w, n_out, n_in)
        np.dot(_view(hbuf, in_base, b, n_in), weights.T, _view(zbuf, out_base, b, n_out))
        return
    w, n_in, n_out, in_base, out_base = _u(w), _u(n_in), _u(n_out), _u(in_base), _u(out_base)
    for j in range(n_out):  # the transposed weights, so the inner loop below is contiguous
        for i in range(n_in):
            wt[w + i * n_out + j] = theta[w + j * n_in + i]
    for r in range(_u(b)):
        out = out_base + r * n_out
        for j in range(n_out):
            zbuf[out + j] = zero
        for i in range(n_in):
            x = hbuf[in_base + r * n_in + i]
            row = w + i * n_out
            # Independent outputs, each summed over the inputs in order: vectorizable
            # without reordering any sum.
            for j in range(n_out):
                zbuf[out + j] += x * wt[row + j]


@_jit
def _weight_grad(dbuf, hbuf, grad, w, n_in, n_out, in_base, out_base, b, use_blas, zero):
    """grad[W] = d.T @ h_in: a weight matrix's gradient over the batch."""
    if use_blas:
        d = _view(dbuf, out_base, b, n_out)
        np.dot(d.T, _view(hbuf, in_base, b, n_in), _view(grad, w, n_out, n_in))
        return
    w, n_in, n_out, in_base, out_base = _u(w), _u(n_in), _u(n_out), _u(in_base), _u(out_base)
    for k in range(w, w + n_out * n_in):
        grad[k] = zero
    for r in range(_u(b)):
        for j in range(n_out):
            g = dbuf[out_base + r * n_out + j]
            row, src = w + j * n_in, in_base + r * n_in
            for i in range(n_in):
                grad[row + i] += g * hbuf[src + i]


@_jit
def _input_grad(dbuf, theta, w, n_in, n_out, in_base, out_base, b, use_blas, zero):
    """dL/d(input) = d @ W into the block below, from dL/d(output)."""
    if use_blas:
        weights = _view(theta, w, n_out, n_in)
        np.dot(_view(dbuf, out_base, b, n_out), weights, _view(dbuf, in_base, b, n_in))
        return
    w, n_in, n_out, in_base, out_base = _u(w), _u(n_in), _u(n_out), _u(in_base), _u(out_base)
    for r in range(_u(b)):
        below = in_base + r * n_in
        for i in range(n_in):
            dbuf[below + i] = zero
        for j in range(n_out):
            g = dbuf[out_base + r * n_out + j]
            row = w + j * n_in
            for i in range(n_in):
                dbuf[below + i] += g * theta[row + i]


# ---- one step ---------------------------------------------------------------------------


@_jit
def _forward(b, rows, layers, act_params, theta, wt, zbuf, hbuf, ints, zero, one):
    """The input block's rows 0..b-1 through every layer: pre-activations to zbuf,
    outputs to hbuf."""
    for layer in range(layers.shape[0]):
        n_in, n_out, w = layers[layer, N_IN], layers[layer, N_OUT], layers[layer, W_OFF]
        bias, code, param = layers[layer, B_OFF], layers[layer, ACT], act_params[layer]
        in_base = layers[layer - 1, H_OFF] * rows if layer > 0 else 0
        out_base = layers[layer, H_OFF] * rows
        use_blas = _uses_blas(n_in, n_out, b, ints)
        _linear(theta, wt, hbuf, zbuf, w, n_in, n_out, in_base, out_base, b, use_blas, zero)
        _bias_and_activation(theta, zbuf, hbuf, bias, code, param, n_out, out_base, b, zero, one)


@_jit
def _bias_and_activation(theta, zbuf, hbuf, bias, code, param, n_out, out_base, b, zero, one):
    """The bias comes after the products, as in torch's addmm; then the activation."""
    n_out, out_base = _u(n_out), _u(out_base)
    for r in range(_u(b)):
        out = out_base + r * n_out
        if bias >= 0:
            for j in range(n_out):
                zbuf[out + j] += theta[_u(bias) + j]
        for j in range(n_out):
            hbuf[out + j] = _activate(zbuf[out + j], code, param, zero, one)


@_jit
def _output_loss(loss_kind, hbuf, dbuf, base, n_out, b, tf, ti, batch_rows, cast, zero, one, half):
    """The batch loss (float64) and dL/d(output) into dbuf, for the output block at base."""
    total = 0.0
    if loss_kind == CROSS_ENTROPY:
        inv_b = one / _cast(cast, b)
        for r in range(b):
            row = base + r * n_out
            target = ti[batch_rows[r]]
            top = hbuf[row]
            for j in range(1, n_out):
                top = max(top, hbuf[row + j])
            sum_exp = zero
            for j in range(n_out):
                sum_exp += np.exp(hbuf[row + j] - top)
            log_sum = np.log(sum_exp)
            for j in range(n_out):
                log_p = hbuf[row + j] - top - log_sum
                # log_softmax's backward of nll_loss's -1/b at the target.
                dbuf[row + j] = np.exp(log_p) * inv_b
                if j == target:
                    total -= log_p
                    dbuf[row + j] = -inv_b + dbuf[row + j]
        return total / b
    count = _cast(cast, b * n_out)
    norm = (one + one) / count
    for r in range(b):
        for j in range(n_out):
            k = base + r * n_out + j
            o = hbuf[k]
            t = tf[batch_rows[r], j]
            diff = o - t
            if loss_kind == MSE:
                total += diff * diff
                dbuf[k] = diff * norm
            elif loss_kind == L1:
                total += abs(diff)
                dbuf[k] = (one if diff > zero else (-one if diff < zero else diff)) / count
            elif loss_kind == SMOOTH_L1:
                if abs(diff) < one:
                    total += half * diff * diff
                    dbuf[k] = diff / count
                else:
                    total += abs(diff) - half
                    dbuf[k] = (one if diff > zero else -one) / count
            else:  # BCE with logits: (1 - t) x - log sigmoid(x), stable for any x
                log_sig = min(o, zero) - np.log1p(np.exp(-abs(o)))
                total += (one - t) * o - log_sig
                dbuf[k] = (one / (one + np.exp(-o)) - t) / count
    return total / (b * n_out)


@_jit
def _bias_grad(dbuf, grad, bias, n_out, out_base, b, zero):
    bias, n_out, out_base = _u(bias), _u(n_out), _u(out_base)
    for j in range(n_out):
        grad[bias + j] = zero
    for r in range(_u(b)):
        for j in range(n_out):
            grad[bias + j] += dbuf[out_base + r * n_out + j]


@_jit
def _backward(b, rows, layers, act_params, theta, zbuf, hbuf, dbuf, grad, ints, zero, one):
    """dbuf holds dL/dh of the output block on entry; fills `grad` (overwritten)."""
    for layer in range(layers.shape[0] - 1, -1, -1):
        n_in, n_out, w = layers[layer, N_IN], layers[layer, N_OUT], layers[layer, W_OFF]
        bias, code, param = layers[layer, B_OFF], layers[layer, ACT], act_params[layer]
        in_base = layers[layer - 1, H_OFF] * rows if layer > 0 else 0
        out_base = layers[layer, H_OFF] * rows
        for k in range(_u(out_base), _u(out_base + b * n_out)):
            dbuf[k] = _activation_grad(dbuf[k], zbuf[k], hbuf[k], code, param, zero, one)
        use_blas = _uses_blas(n_in, n_out, b, ints)
        _weight_grad(dbuf, hbuf, grad, w, n_in, n_out, in_base, out_base, b, use_blas, zero)
        if bias >= 0:
            _bias_grad(dbuf, grad, bias, n_out, out_base, b, zero)
        if layer > 0:
            _input_grad(dbuf, theta, w, n_in, n_out, in_base, out_base, b, use_blas, zero)


@_jit
def _penalties(theta, grad, is_weight, hp, cast):
    """L1 (part of the loss, so before clipping), clipping of the total norm, then L2
    as the trainer adds it: to the weights' gradients, after clipping."""
    zero, one = hp[ZERO], hp[ONE]
    l1 = hp[L1_STRENGTH]
    if l1 != zero:
        for k in range(theta.shape[0]):
            if is_weight[k]:
                w = theta[k]
                grad[k] += l1 * (one if w > zero else (-one if w < zero else zero))
    clip = hp[CLIP]
    if clip != zero:
        squares = 0.0
        for k in range(grad.shape[0]):
            squares += float(grad[k]) * float(grad[k])
        coef = clip / (_cast(cast, np.sqrt(squares)) + _cast(cast, 1e-6))
        if coef > one:
            coef = one
        for k in range(grad.shape[0]):
            grad[k] *= coef
    l2 = hp[L2_STRENGTH]
    if l2 != zero:
        for k in range(theta.shape[0]):
            if is_weight[k]:
                grad[k] += l2 * theta[k]


@_jit
def _optimizer_step(opt, lr64, theta, grad, m1, m2, ints, hp, hpd, cast):
    lr = _cast(cast, lr64)
    if opt == SGD:
        for k in range(theta.shape[0]):
            theta[k] += -lr * grad[k]
        return
    if opt == SGD_MOMENTUM or opt == SGD_NESTEROV:
        momentum = hp[MOMENTUM]
        for k in range(theta.shape[0]):
            # A zero buffer makes the first step `buf = grad`, as torch's clone does.
            m1[k] = m1[k] * momentum + grad[k]
            step = grad[k] + momentum * m1[k] if opt == SGD_NESTEROV else m1[k]
            theta[k] += -lr * step
        return
    # Adam, as torch's fused CPU kernel computes it (bias corrections in double).
    ints[ADAM_STEP] += 1
    step_count = float(ints[ADAM_STEP])
    step_size = _cast(cast, lr64 / (1.0 - hpd[D_BETA1] ** step_count))
    correction2_sqrt = _cast(cast, np.sqrt(1.0 - hpd[D_BETA2] ** step_count))
    beta1, beta2, eps = hp[BETA1], hp[BETA2], hp[EPS]
    c1, c2 = hp[ONE_MINUS_BETA1], hp[ONE_MINUS_BETA2]
    for k in range(theta.shape[0]):
        g = grad[k]
        m1[k] = m1[k] * beta1 + g * c1
        m2[k] = m2[k] * beta2 + g * g * c2
        theta[k] = theta[k] - step_size * m1[k] / (np.sqrt(m2[k]) / correction2_sqrt + eps)


# ---- entry points --------------------------------------------------------------------------


@_jit
def train_steps(
    x,
    tf,
    ti,
    order,
    first_step,
    lrs,
    loss_kind,
    opt,
    layers,
    act_params,
    theta,
    wt,
    grad,
    m1,
    m2,
    is_weight,
    ints,
    hp,
    hpd,
    cast,
    zbuf,
    hbuf,
    dbuf,
    losses,
):
    """Train one batch per entry of `lrs`, starting at batch `first_step` of the epoch
    whose sample order is `order`; each step's loss goes to `losses`. The parameters,
    the gradients (of the last step) and the optimizer state change in place."""
    zero, one, half = hp[ZERO], hp[ONE], hp[HALF]
    n = order.shape[0]
    last = layers.shape[0] - 1
    rows = hbuf.shape[0] // (layers[last, H_OFF] + layers[last, N_OUT])  # the buffers' batch size
    out_base, n_out = layers[last, H_OFF] * rows, layers[last, N_OUT]
    for s in range(lrs.shape[0]):
        start = (first_step + s) * rows
        b = min(rows, n - start)
        batch_rows = order[start : start + b]
        _gather(x, batch_rows, hbuf, b)
        _forward(b, rows, layers, act_params, theta, wt, zbuf, hbuf, ints, zero, one)
        losses[s] = _output_loss(loss_kind, hbuf, dbuf, out_base, n_out, b, tf, ti, batch_rows, cast, zero, one, half)
        _backward(b, rows, layers, act_params, theta, zbuf, hbuf, dbuf, grad, ints, zero, one)
        _penalties(theta, grad, is_weight, hp, cast)
        _optimizer_step(opt, lrs[s], theta, grad, m1, m2, ints, hp, hpd, cast)


@_jit
def _gather(x, batch_rows, hbuf, b):
    """The batch's samples, in order, into the input block."""
    features = _u(x.shape[1])
    for r in range(_u(b)):
        row = _u(batch_rows[r])
        for i in range(features):
            hbuf[r * features + i] = x[row, i]


@_jit
def predict(x, layers, act_params, theta, wt, hp, ints, zbuf, hbuf, out):
    """The network's outputs for every row of x, in chunks of the buffers' rows."""
    zero, one = hp[ZERO], hp[ONE]
    last = layers.shape[0] - 1
    rows = hbuf.shape[0] // (layers[last, H_OFF] + layers[last, N_OUT])
    features, n_out, out_base = x.shape[1], layers[last, N_OUT], layers[last, H_OFF] * rows
    for start in range(0, x.shape[0], rows):
        b = min(rows, x.shape[0] - start)
        for r in range(b):
            for i in range(features):
                hbuf[r * features + i] = x[start + r, i]
        _forward(b, rows, layers, act_params, theta, wt, zbuf, hbuf, ints, zero, one)
        for r in range(b):
            for j in range(n_out):
                out[start + r, j] = hbuf[out_base + r * n_out + j]


@_jit
def square_sums(grad, theta, starts, out):
    """Each tensor's sum of squared gradients (tensor i starts at starts[i]) into out;
    returns whether every weight is finite."""
    for i in range(starts.shape[0]):
        end = starts[i + 1] if i + 1 < starts.shape[0] else grad.shape[0]
        total = 0.0
        for k in range(starts[i], end):
            total += float(grad[k]) * float(grad[k])
        out[i] = total
    for k in range(theta.shape[0]):
        if not np.isfinite(theta[k]):
            return False
    return True
