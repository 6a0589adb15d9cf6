"""Embeddings, positional encodings and attention for token and feature sequences."""

from __future__ import annotations

from graph_core.layers._helpers import call, join_args, kwargs, need_rank, same_shape
from graph_core.specs import LayerSpec, ParamSpec, ShapeError


def _embedding_infer(shapes, p):
    need_rank(shapes[0], (1,), "token ids of shape [T] (an Input with dtype int64)", "Embedding")
    return (shapes[0][0], p["embedding_dim"])


def _embedding_check(shapes, p):
    if p["padding_idx"] is not None and not -p["num_embeddings"] <= p["padding_idx"] < p["num_embeddings"]:
        return f"padding_idx must be below num_embeddings ({p['num_embeddings']})"
    return None


EMBEDDING = LayerSpec(
    type="Embedding",
    category="Attention & Sequence",
    summary="Looks up a learned vector for each token id.",
    explanation=(
        "An Embedding is a table with one learned row of embedding_dim numbers per token "
        "id. It turns integer ids [T] into vectors [T, embedding_dim]; tokens used in "
        "similar ways end up with similar vectors. num_embeddings is the vocabulary size: "
        "every id must be below it."
    ),
    params=(
        ParamSpec(
            "num_embeddings", "int", 32, "vocabulary size (ids 0 .. num_embeddings-1)", min=1, max=10_000_000, key=True
        ),
        ParamSpec("embedding_dim", "int", 32, "length of each token's vector", min=1, max=65536, key=True),
        ParamSpec(
            "padding_idx", "int", None, "an id whose vector stays zero (optional)", nullable=True, min=-10_000_000
        ),
    ),
    infer=_embedding_infer,
    emit=call,
    module_source=lambda s, p: (
        f"nn.Embedding({join_args(str(p['num_embeddings']), str(p['embedding_dim']), kwargs(p, ['padding_idx'], {'padding_idx': None}))})"
    ),
    count_params=lambda s, p: p["num_embeddings"] * p["embedding_dim"],
    torch_class="nn.Embedding",
    in_dtype="int",
    out_dtype="float",
    check=_embedding_check,
)


def _pe_infer(shapes, p):
    need_rank(shapes[0], (2,), "a sequence [time, features]", "PositionalEncoding")
    if shapes[0][0] > p["max_len"]:
        raise ShapeError(f"PositionalEncoding: sequence length {shapes[0][0]} exceeds max_len {p['max_len']}")
    return same_shape(shapes, p)


POSITIONAL = LayerSpec(
    type="PositionalEncoding",
    category="Attention & Sequence",
    summary="Adds each position's signature so attention knows the order.",
    explanation=(
        "Attention by itself ignores order: shuffle the tokens and it gives the same "
        "answer. PositionalEncoding adds a different vector to each position, either fixed "
        "sine and cosine waves or learned ones. d_model is taken from the input. "
        "NeuroLoom's own node type (torch.nn has no such class); its code is included in "
        "exported Python."
    ),
    params=(
        ParamSpec("max_len", "int", 512, "longest sequence supported", min=1, max=1_000_000),
        ParamSpec("learned", "bool", False, "learn the position vectors instead of sine waves"),
        ParamSpec("dropout", "float", 0.0, "dropout after adding positions", min=0.0, max=0.99),
    ),
    infer=_pe_infer,
    emit=call,
    module_source=lambda s, p: (
        f"PositionalEncoding({join_args(str(s[0][-1]), kwargs(p, ['max_len', 'learned', 'dropout'], {'max_len': 512, 'learned': False, 'dropout': 0.0}))})"
    ),
    count_params=lambda s, p: p["max_len"] * s[0][-1] if p["learned"] else 0,
)


def _mha_infer(shapes, p):
    need_rank(shapes[0], (2,), "a sequence [time, embed_dim]", "MultiheadAttention")
    embed = shapes[0][-1]
    if embed % p["num_heads"]:
        raise ShapeError(f"MultiheadAttention: embed_dim {embed} is not divisible by num_heads {p['num_heads']}")
    return same_shape(shapes, p)


def _mha_emit(out, ins, attr, p):
    x = ins[0]
    if p["causal"]:
        return [
            f"{out} = self.{attr}({x}, {x}, {x}, need_weights=False, attn_mask=causal_mask({x}.shape[1], {x}.device))[0]"
        ]
    return [f"{out} = self.{attr}({x}, {x}, {x}, need_weights=False)[0]"]


MHA = LayerSpec(
    type="MultiheadAttention",
    category="Attention & Sequence",
    summary="Self-attention: every position looks at every other and mixes what it finds.",
    explanation=(
        "Each position asks a query, every position offers a key and a value; a position's "
        "output is the average of the values weighted by how well its query matches each "
        "key. Several heads attend to different things at once. Here it is self-attention "
        "(query, key and value all come from the one input). 'causal' (a NeuroLoom "
        "setting, not a torch argument) hides later positions, as GPT does. embed_dim is "
        "taken from the input."
    ),
    params=(
        ParamSpec("num_heads", "int", 4, "parallel attention heads (must divide embed_dim)", min=1, max=1024, key=True),
        ParamSpec("dropout", "float", 0.0, "dropout on the attention weights", min=0.0, max=0.99),
        ParamSpec("bias", "bool", True, "learnable biases in the projections"),
        ParamSpec("causal", "bool", False, "each position sees only itself and earlier ones"),
    ),
    infer=_mha_infer,
    emit=_mha_emit,
    module_source=lambda s, p: (
        f"nn.MultiheadAttention({join_args(str(s[0][-1]), str(p['num_heads']), kwargs(p, ['dropout', 'bias'], {'dropout': 0.0, 'bias': True}), 'batch_first=True')})"
    ),
    count_params=lambda s, p: 4 * s[0][-1] * s[0][-1] + (4 * s[0][-1] if p["bias"] else 0),
    torch_class="nn.MultiheadAttention",
    extra_params=("causal",),
)


def _tel_infer(shapes, p):
    need_rank(shapes[0], (2,), "a sequence [time, d_model]", "TransformerEncoderLayer")
    if shapes[0][-1] % p["nhead"]:
        raise ShapeError(f"TransformerEncoderLayer: d_model {shapes[0][-1]} is not divisible by nhead {p['nhead']}")
    return same_shape(shapes, p)


def _tel_count(shapes, p):
    d, ff = shapes[0][-1], p["dim_feedforward"]
    return (3 * d * d + 3 * d) + (d * d + d) + (d * ff + ff) + (ff * d + d) + 4 * d


def _tel_source(shapes, p):
    names = ["dim_feedforward", "dropout", "activation", "norm_first"]
    head = f"{shapes[0][-1]}, {p['nhead']}"
    defaults = {"dim_feedforward": 2048, "dropout": 0.1, "activation": "relu", "norm_first": False}
    return f"nn.TransformerEncoderLayer({join_args(head, kwargs(p, names, defaults), 'batch_first=True')})"


def _tel_emit(out, ins, attr, p):
    x = ins[0]
    if p["causal"]:
        return [f"{out} = self.{attr}({x}, src_mask=causal_mask({x}.shape[1], {x}.device), is_causal=True)"]
    return [f"{out} = self.{attr}({x})"]


TRANSFORMER_ENCODER_LAYER = LayerSpec(
    type="TransformerEncoderLayer",
    category="Attention & Sequence",
    summary="One Transformer block: self-attention then a feed-forward network.",
    explanation=(
        "A Transformer encoder layer applies multi-head self-attention and a two-layer "
        "feed-forward network, each wrapped in a residual connection and layer "
        "normalization. Stack several for BERT-style encoders; set 'causal' (a NeuroLoom "
        "setting) for GPT-style decoders that may not look ahead. d_model is taken from "
        "the input [time, d_model]."
    ),
    params=(
        ParamSpec("nhead", "int", 4, "attention heads (must divide d_model)", min=1, max=1024, key=True),
        ParamSpec("dim_feedforward", "int", 128, "width of the feed-forward network", min=1, max=1_000_000),
        ParamSpec("dropout", "float", 0.1, "dropout inside the block", min=0.0, max=0.99),
        ParamSpec("activation", "choice", "relu", "feed-forward activation", choices=("relu", "gelu")),
        ParamSpec("norm_first", "bool", False, "normalize before attention (pre-LN, more stable when deep)"),
        ParamSpec("causal", "bool", False, "each position sees only itself and earlier ones"),
    ),
    infer=_tel_infer,
    emit=_tel_emit,
    module_source=_tel_source,
    count_params=_tel_count,
    torch_class="nn.TransformerEncoderLayer",
    extra_params=("causal",),
)

SPECS = [EMBEDDING, POSITIONAL, MHA, TRANSFORMER_ENCODER_LAYER]
