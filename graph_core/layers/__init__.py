"""The layer catalogue, one module per family. `ALL_SPECS` is read by the registry."""

from graph_core.layers import activations, attention, conv, core, io, merge, norm, recurrent, sinusoidal

ALL_SPECS = [
    *io.SPECS,
    *core.SPECS,
    *activations.SPECS,
    *norm.SPECS,
    *conv.SPECS,
    *recurrent.SPECS,
    *attention.SPECS,
    *sinusoidal.SPECS,
    *merge.SPECS,
]
