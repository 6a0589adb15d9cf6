"""Languages: English (the source text) and Simplified Chinese, through Qt's translation
machinery. The catalogue is a Qt Linguist `.ts` file in `assets/i18n/`, installed as a
`QTranslator`, so `QCoreApplication.translate` (and the lenses' `_tr`) answer in Chinese.

Most widgets were written with plain English strings, so a `Retranslator` also walks the
window and swaps each visible text for its translation (and back), as `retranslateUi`
would: exact texts, `{placeholder}` templates, and texts built from translatable parts.
Layer, loss and optimizer explanations are keyed by type name (contexts `LayerSummary`,
`LayerExplanation`, `LossExplanation`, ...), so rewording the English keeps them tied.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import (
    QAbstractProxyModel,
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    Qt,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QAction, QFont, QFontDatabase, QStandardItemModel, QTransform
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QGraphicsScene,
    QGraphicsView,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QTabBar,
    QToolTip,
    QTreeWidget,
    QUndoView,
    QWidget,
)

I18N_DIR = Path(__file__).resolve().parents[1] / "assets" / "i18n"
# The Chinese characters of the catalogue and the lessons, for machines without a CJK
# font (made by tools/make_cjk_font.py; see assets/fonts/README.md).
CJK_FONT = Path(__file__).resolve().parents[1] / "assets" / "fonts" / "NeuroLoomCJK.ttf"
CJK_FAMILY = "NeuroLoom CJK"
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
SOURCE_LANGUAGE = "en"
UI_CONTEXT = "NeuroLoom"
# Entries of lists (combo boxes, tabs, rows) whose word alone reads otherwise elsewhere
# ("step": a schedule, not a step on an axis) are looked up here first.
ITEM_CONTEXT = "Item"
# Explanations that live in graph_core (English) are looked up by their key here.
KEYED_CONTEXTS = (
    "LayerSummary",
    "LayerExplanation",
    "LossExplanation",
    "OptimizerExplanation",
    "ScheduleExplanation",
    "DatasetTitle",
    "DatasetDescription",
)
MAX_DEPTH = 4  # texts inside texts inside texts: enough for every one the app builds
SWEEP_MS = 1000  # plots and the canvas hold texts no event announces: look again this often
_PLACEHOLDER = re.compile(r"\{(\w+)(?::[^{}]*)?\}")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_SHORTCUT_SUFFIX = re.compile(
    r"^(?P<core>.+?) \((?P<keys>(?:Ctrl|Shift|Alt|Meta|F\d|Del|Backspace|Esc|[A-Z/])[^()]*)\)$"
)
_TAG = re.compile(r"(<[^>]*>)")
_LABELLED = re.compile(r"^(?P<label>[^:：\n]{1,60}?)(?:: |：)(?P<rest>.+)$", re.DOTALL)
_SEPARATORS = (" · ", "  ·  ", "\xa0·\xa0", " — ", "\n\n", "\n")


def tr(text: str, context: str = UI_CONTEXT) -> str:
    """`text` in the current language (Qt's `QCoreApplication.translate`)."""
    return QCoreApplication.translate(context, text)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


# ---- the catalogue ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """A source text with `{name}` placeholders, matched against finished texts."""

    regex: re.Pattern
    template: str  # the other language's text, with the same placeholders
    literal: int  # characters outside the placeholders: longer patterns are tried first


@dataclass
class Catalogue:
    """One language's messages: (context, source) -> translation, and the lookups the
    retranslator needs (any context, the reverse direction, templates)."""

    language: str
    messages: dict[tuple[str, str], str] = field(default_factory=dict)
    comments: dict[tuple[str, str], str] = field(default_factory=dict)
    by_source: dict[str, str] = field(default_factory=dict)
    by_translation: dict[str, str] = field(default_factory=dict)
    patterns: list[Pattern] = field(default_factory=list)
    reverse_patterns: list[Pattern] = field(default_factory=list)

    def add(self, context: str, source: str, translation: str, comment: str = "") -> None:
        self.messages[(context, source)] = translation
        if comment:
            self.comments[(context, source)] = comment
        if context in KEYED_CONTEXTS:
            return  # keyed by a type name: found through `aliases`, never by text
        # The app's own context wins where a lens uses the same word differently.
        if context == UI_CONTEXT or source not in self.by_source:
            self.by_source[source] = translation
        if context == UI_CONTEXT or translation not in self.by_translation:
            self.by_translation[translation] = source
        if _PLACEHOLDER.search(source):
            self.patterns.append(_pattern(source, translation))
            self.reverse_patterns.append(_pattern(translation, source))

    def finish(self) -> None:
        self.patterns.sort(key=lambda p: -p.literal)
        self.reverse_patterns.sort(key=lambda p: -p.literal)

    def lookup(self, context: str, source: str) -> str | None:
        return self.messages.get((context, source)) or (
            None if context in KEYED_CONTEXTS else self.by_source.get(source)
        )


def _pattern(source: str, template: str) -> Pattern:
    parts, names, literal, last = [], set(), 0, 0
    for match in _PLACEHOLDER.finditer(source):
        chunk = source[last : match.start()]
        parts.append(re.escape(chunk))
        literal += len(chunk)
        name = match.group(1)
        parts.append(f"(?P={name})" if name in names else f"(?P<{name}>[^·\\n]+?)")
        names.add(name)
        last = match.end()
    parts.append(re.escape(source[last:]))
    literal += len(source) - last
    return Pattern(re.compile("^" + "".join(parts) + "$"), _PLACEHOLDER.sub(r"{\1}", template), literal)


def catalogue_path(language: str) -> Path:
    return I18N_DIR / f"neuroloom_{language}.ts"


@lru_cache(maxsize=4)
def load_catalogue(language: str) -> Catalogue:
    """The messages of `language` from its `.ts` file (empty for English)."""
    catalogue = Catalogue(language)
    path = catalogue_path(language)
    if language == SOURCE_LANGUAGE or not path.exists():
        return catalogue
    for context in ElementTree.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            source = message.findtext("source", "")
            element = message.find("translation")
            if element is None or element.get("type") in ("unfinished", "obsolete", "vanished") or not element.text:
                continue
            catalogue.add(name, source, element.text, message.findtext("comment", ""))
    catalogue.finish()
    return catalogue


class CatalogueTranslator(QTranslator):
    """A QTranslator that answers from a parsed `.ts` catalogue (no `.qm` to rebuild or
    let go stale): exact messages per context, then by source text in any context."""

    def __init__(self, catalogue: Catalogue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:  # noqa: ARG002
        return self.catalogue.lookup(context, source)

    def isEmpty(self) -> bool:  # noqa: N802
        return not self.catalogue.messages

    def language(self) -> str:
        return self.catalogue.language


# ---- the current language ----------------------------------------------------------------

_state: dict[str, object] = {"language": SOURCE_LANGUAGE, "translators": []}


def current_language() -> str:
    return str(_state["language"])


def install_language(language: str) -> None:
    """Make `language` the application's: our catalogue and Qt's own (standard buttons,
    text-field menus) are installed; Qt sends every widget a LanguageChange event."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    app = QCoreApplication.instance()
    for translator in _state["translators"]:
        app.removeTranslator(translator)
    _state["translators"] = []
    _state["language"] = language
    QLocale.setDefault(QLocale(language))
    from app.canvas.items import set_text_translator

    if language == SOURCE_LANGUAGE:
        set_text_translator(None)
        return
    ensure_cjk_font()
    set_text_translator(lambda text: translate_text(text, language))
    ours = CatalogueTranslator(load_catalogue(language), app)
    qt = QTranslator(app)
    if qt.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _state["translators"].append(qt)
    app.installTranslator(ours)
    _state["translators"].append(ours)


def system_cjk_families() -> list[str]:
    """Installed font families that cover Simplified Chinese (ours not counted)."""
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    return [family for family in families if family != CJK_FAMILY]


def ensure_cjk_font(force: bool = False) -> str | None:
    """Register the shipped Chinese font when no installed font covers Chinese (or when
    `force`d); returns its family, or None when the system's fonts are used. Qt falls
    back to it for every character the interface font lacks."""
    if _state.get("cjk_family"):
        return str(_state["cjk_family"])
    if not force and system_cjk_families():
        return None
    font_id = QFontDatabase.addApplicationFont(str(CJK_FONT))
    if font_id < 0:
        return None
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    _state["cjk_family"] = family
    # Fallback for the families the app draws with (its UI font and the monospace one).
    app = QCoreApplication.instance()
    base = app.font().family() if hasattr(app, "font") else ""
    for name in {base, *QFont.substitutes(base)} - {""}:
        QFont.insertSubstitution(name, family)
    return family


def stored_language(settings) -> str:
    """The language saved in the app's settings (English when none is, or an unknown one)."""
    value = settings.language
    return value if value in LANGUAGES else SOURCE_LANGUAGE


def store_language(settings, language: str) -> None:
    settings.language = language


# ---- translating finished texts -----------------------------------------------------------


@lru_cache(maxsize=1)
def aliases() -> dict[str, tuple[str, str]]:
    """English texts that live in graph_core -> (context, key) of their translation."""
    from graph_core.data import DATASETS
    from graph_core.registry import all_specs
    from graph_core.training.losses import LOSS_EXPLANATIONS, ZERO_ONE_EXPLANATION
    from graph_core.training.optimizers import OPTIMIZER_EXPLANATIONS

    table: dict[str, tuple[str, str]] = {}
    for spec in all_specs():
        table[spec.summary] = ("LayerSummary", spec.type)
        table[spec.explanation] = ("LayerExplanation", spec.type)
    for name, text in LOSS_EXPLANATIONS.items():
        table[text] = ("LossExplanation", name)
    table[ZERO_ONE_EXPLANATION] = ("LossExplanation", "0-1")
    for name, text in OPTIMIZER_EXPLANATIONS.items():
        table[text] = ("OptimizerExplanation", name)
    for name, text in schedule_explanations().items():
        table[text] = ("ScheduleExplanation", name)
    for info in DATASETS.values():
        table[info.title] = ("DatasetTitle", info.name)
        table[info.description] = ("DatasetDescription", info.name)
    return table


def lesson_texts(language: str) -> list[tuple[str, str]]:
    """(English, `language`) of every lesson title, summary and step."""
    from app.lessons.catalogue import load_lessons

    pairs = []
    for lesson in load_lessons():
        for text in (lesson.title, lesson.summary, *(step.text for step in lesson.steps)):
            if text.has(language):
                pairs.append((text.get("en"), text.get(language)))
    return pairs


def schedule_explanations() -> dict[str, str]:
    try:
        from graph_core.training import SCHEDULE_EXPLANATIONS
    except ImportError:  # torch missing: no schedules to explain
        return {}
    return dict(SCHEDULE_EXPLANATIONS)


def explanation(context: str, key: str, english: str, language: str | None = None) -> str:
    """The explanation of a layer, loss or optimizer (`key`) in `language`, else English."""
    found = load_catalogue(language or current_language()).messages.get((context, key))
    return found or english


class TextTranslator:
    """Finished texts from one language to another: exact, by template, or part by part
    (" · " lists, a "(Ctrl+S)" shortcut, rich text between its tags). Results are cached;
    None means no translation is known."""

    def __init__(self, catalogue: Catalogue, forward: bool = True) -> None:
        self.catalogue = catalogue
        self.forward = forward
        self.exact = catalogue.by_source if forward else catalogue.by_translation
        self.patterns = catalogue.patterns if forward else catalogue.reverse_patterns
        self.keyed = self._keyed()
        self._cache: dict[str, str | None] = {}

    def _keyed(self) -> dict[str, str]:
        """Explanations keyed by type name, and the lessons' own texts."""
        pairs = [(text, self.catalogue.messages.get(key)) for text, key in aliases().items()]
        pairs += lesson_texts(self.catalogue.language)
        return {(en if self.forward else other): (other if self.forward else en) for en, other in pairs if other}

    def __call__(self, text: str) -> str | None:
        if not text or not text.strip():
            return None
        if text not in self._cache:
            if len(self._cache) > 20_000:  # progress texts change every update: forget old ones
                self._cache.clear()
            self._cache[text] = self._translate(text, depth=0)
        return self._cache[text]

    def _translate(self, text: str, depth: int) -> str | None:
        found = self._exact(text)
        if found or depth > MAX_DEPTH:
            return found
        attempts = (
            self._by_pattern,
            self._by_shortcut,
            self._by_parts,
            self._by_label,
            self._by_rich_text,
            self._by_edges,
            self._by_number,
            self._by_glossary,
        )
        for attempt in attempts:
            found = attempt(text, depth)
            if found is not None:
                return found
        return None

    def _exact(self, text: str) -> str | None:
        """The text itself, or as the app also writes it: capitalised, with a mnemonic."""
        # Only sentences are looked up uncapitalised: a single word may be a layer's name.
        variants = (text, text.replace("&", ""), text[:1].lower() + text[1:] if " " in text else text)
        for variant in variants:
            found = self.exact.get(variant) or self.keyed.get(variant)
            if found:
                return found
        return None

    def _by_glossary(self, text: str, depth: int) -> str | None:
        """A text already in Chinese that a widget filled with English names ('平均
        cross-entropy 0.67'): swap the single words the catalogue knows."""
        if depth or not self.forward or not has_cjk(text):
            return None

        def swap(match: re.Match) -> str:
            word = match.group(0)
            found = self.exact.get(word)
            return found if found and len(found) <= 8 and not is_neutral(word) else word

        result = re.sub(r"(?<![\w\-])[A-Za-z][A-Za-z\-]*[A-Za-z](?![\w\-])", swap, text)
        return result if result != text else None

    def _by_number(self, text: str, depth: int) -> str | None:
        """'cross-entropy 0.673', 'mean 3.2': a name with a number after it."""
        match = re.match(r"^(.*?[A-Za-z].*?)(\s+[-+]?[\d.,]+(?:e[-+]?\d+)?%?)$", text)
        if match is None:
            return None
        head = self._translate(match.group(1), depth + 1)
        return head + match.group(2) if head else None

    def _part(self, text: str, depth: int) -> str | None:
        """A piece of a larger text: translated, or kept when it needs no translation."""
        core = text.strip()
        found = self._translate(core, depth + 1)
        if found is None and (is_neutral(core) or not self.forward):
            found = core
        return None if found is None else text.replace(core, found, 1)

    def _by_pattern(self, text: str, depth: int) -> str | None:
        for pattern in self.patterns:
            match = pattern.regex.match(text)
            if match is None:
                continue
            values = {name: self._translate(value, depth + 1) or value for name, value in match.groupdict().items()}
            # A value is a name (kept) or words (translated): 'Delete the selection' is
            # not 'Delete {node}' with a node called "the selection".
            if any(
                found == raw and " " in raw.strip() and self.forward and not is_neutral(raw)
                for found, raw in zip(values.values(), match.groupdict().values())
            ):
                continue
            try:
                return pattern.template.format(**values)
            except (KeyError, IndexError, ValueError):
                return None
        return None

    def _by_shortcut(self, text: str, depth: int) -> str | None:
        match = _SHORTCUT_SUFFIX.match(text)
        if match is None:
            return None
        core = self._translate(match.group("core"), depth + 1)
        return f"{core} ({match.group('keys')})" if core else None

    def _by_parts(self, text: str, depth: int) -> str | None:
        for separator in _SEPARATORS:
            if separator not in text:
                continue
            parts = [self._part(part, depth) if part.strip() else part for part in text.split(separator)]
            if all(part is not None for part in parts) and any(p != q for p, q in zip(parts, text.split(separator))):
                return separator.join(parts)
        return None

    def _by_label(self, text: str, depth: int) -> str | None:
        """'fc1: has no input connected', 'graph.nodes[2].params.bias: must be set': a
        name (kept, or translated if it is a word) before a message that translates."""
        match = _LABELLED.match(text)
        if match is None or "<" in text:
            return None
        rest = self._translate(match.group("rest"), depth + 1)
        if rest is None:
            return None
        label = match.group("label")
        found = self._translate(label, depth + 1) or (label if " " not in label.strip() or is_neutral(label) else None)
        if found is None:
            return None
        colon = "：" if self.forward else ": "
        return f"{found}{colon}{rest}"

    def _by_rich_text(self, text: str, depth: int) -> str | None:
        if "<" not in text or ">" not in text:
            return None
        pieces = _TAG.split(text)
        changed = False
        for index, piece in enumerate(pieces):
            if index % 2 or not piece.strip():
                continue
            plain = html.unescape(piece)
            found = self._edges_of(plain, depth)
            if found is not None and found != plain:
                pieces[index] = html.escape(found, quote=False)
                changed = True
        return "".join(pieces) if changed else None

    def _by_edges(self, text: str, depth: int) -> str | None:
        found = self._edges_of(text, depth, allow_exact=False)
        return found if found != text else None

    def _edges_of(self, text: str, depth: int, allow_exact: bool = True) -> str | None:
        """Translate `text` without its surrounding blanks and dashes ('— a summary')."""
        match = re.match(r"^([\s—–·:•✖✗⚠✓●]*)(.*?)([\s—–·:•…]*)$", text, re.DOTALL)
        head, core, tail = match.groups()
        if not core or (not allow_exact and not head and not tail):
            return None
        found = self._translate(core, depth + 1)
        return f"{head}{found}{tail}" if found else None


@lru_cache(maxsize=4)
def text_translator(language: str, forward: bool = True) -> TextTranslator:
    return TextTranslator(load_catalogue(language), forward)


def translate_text(text: str, language: str | None = None) -> str | None:
    """`text` (English, as the app wrote it) in `language`, or None when unknown."""
    language = language or current_language()
    if language == SOURCE_LANGUAGE:
        return None
    return text_translator(language)(text)


# ---- what needs no translation ---------------------------------------------------------------

_NEUTRAL_WORDS = {
    # Names the Chinese UI keeps as they are: products, acronyms, units, code words.
    "NeuroLoom", "PyTorch", "torch", "nn", "TensorFlow", "Playground", "ONNX", "CUDA", "CPU", "GPU", "MPS",
    "MSE", "MAE", "RMSE", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "XOR", "CNN", "RNN", "LSTM", "GRU",
    "MLP", "GAN", "ReLU", "GELU", "ELU", "SiLU", "Softmax", "softmax", "Sigmoid", "sigmoid", "Tanh", "tanh",
    "Step", "LeakyReLU", "Softplus", "BatchNorm", "Dropout", "Transformer", "L1", "L2", "Huber", "ETA", "OK",
    "nhead", "lr", "x", "y", "z", "f", "w", "b", "e", "k", "KB", "MB", "GB", "ms", "px", "id", "ids", "dim",
    "x1", "x2", "sin", "cos", "exp", "log", "max", "min", "Ctrl", "Shift", "Alt", "Del", "Backspace", "Esc",
    "Tab", "Enter", "Return", "Space", "Up", "Down", "Left", "Right", "PgUp", "PgDown", "Home", "End", "Meta",
    "F", "CSV", "PNG", "JSON", "safetensors", "pt", "pt2", "py", "nlproj", "dtype", "float32", "int64",
    "auto", "cpu", "cuda", "MaxPool", "AvgPool", "Conv", "fx", "R1", "NaN", "RGB", "Smooth", "English", "Nesterov", "Gamma", "dx", "dy",
}  # fmt: skip
# Terms a Chinese text keeps in English on purpose (names of functions, libraries, files).
_TERMS = {
    "logit", "logits", "logistic", "gamma", "beta", "alpha", "pi", "one", "hot", "scikit", "learn", "state", "dict",
    "model", "swish", "batch", "first", "sequence", "last", "causal", "output", "same", "valid", "nearest",
    "forward", "pre", "int", "float",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_']*")
_CODE_TOKEN = re.compile(r"\b\w+(?:\.\w+)+(?:\([^)]*\))?")
_QUOTED = re.compile(r"“[^”]*”|「[^」]*」")
_SHAPE_NOTATION = re.compile(r"\[[A-Za-z_][\w\s,*.\-]*\]")
_CODE = re.compile(r"^[\w.\-/\\:\[\](),×x*+=<>'\"%#&|^~ ]*$")


@lru_cache(maxsize=1)
def neutral_words() -> frozenset[str]:
    """Words that are names, not prose: layer types, losses, optimizers, data sets,
    parameter names (as in code) and the acronyms above."""
    from graph_core.data import DATASETS
    from graph_core.registry import all_specs
    from graph_core.settings import FEATURE_NAMES, LOSSES, OPTIMIZERS

    words = set(_NEUTRAL_WORDS) | set(LOSSES) | set(OPTIMIZERS) | set(DATASETS) | set(FEATURE_NAMES)
    for spec in all_specs():
        words.add(spec.type)
        words.update(spec.aliases)
        words.update(p.name for p in (*spec.params, *spec.inputs, *spec.outputs))  # code names
        # A layer's choices are torch argument values ('nearest', 'relu'): code.
        words.update(str(c) for p in spec.params for c in (*p.choices, *p.words))
        if spec.torch_class:
            words.add(spec.torch_class)
    return frozenset(words | {w.upper() for w in words})


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The prose words of `text` a reader of the other language would not understand:
    none for numbers, shapes, code, names of layers, losses and optimizers, or `allowed`
    (node ids, file names)."""
    plain = html.unescape(_TAG.sub(" ", text)).replace("&", "")
    plain = _CODE_TOKEN.sub(" ", plain)  # torch.cat, x.reshape(batch, *shape): code
    plain = _SHAPE_NOTATION.sub(" ", plain)  # [channels, height, width]: a shape, as the code names it
    plain = _QUOTED.sub(" ", plain)  # “the small cat sees a dog.”: an example quoted as it is
    known = neutral_words() | set(allowed)
    translated = has_cjk(plain)
    words = []
    for word in _WORD.findall(plain):
        bare = word.strip("'_")
        if bare in known or bare.lower() in known or "_" in bare or any(c.isdigit() for c in bare):
            continue
        if translated and (bare[:1].isupper() or bare.lower() in _TERMS):
            continue  # a name or term the translation keeps
        if len(bare) == 1:
            continue  # a variable (x, w) or a shortcut key
        words.append(bare)
    return words


def is_neutral(text: str) -> bool:
    """True for texts that read the same in every language (numbers, shapes, names)."""
    return not english_words(text)


# ---- the retranslator ---------------------------------------------------------------------


def _texts(obj: QObject) -> Iterator[tuple[str, Callable[[], str], Callable[[str], None]]]:
    """(name, getter, setter) of every user-visible text of one widget or action."""
    if isinstance(obj, QAction):
        yield "text", obj.text, obj.setText
        yield "toolTip", obj.toolTip, obj.setToolTip
        yield "statusTip", obj.statusTip, obj.setStatusTip
        return
    if not isinstance(obj, QWidget):
        return
    if obj.isWindow() or isinstance(obj, QDockWidget):
        yield "windowTitle", obj.windowTitle, obj.setWindowTitle
    yield "toolTip", obj.toolTip, obj.setToolTip
    yield "statusTip", obj.statusTip, obj.setStatusTip
    if isinstance(obj, (QLabel, QAbstractButton)):
        yield "text", obj.text, obj.setText
    elif isinstance(obj, QGroupBox):
        yield "title", obj.title, obj.setTitle
    elif isinstance(obj, QLineEdit):
        yield "placeholderText", obj.placeholderText, obj.setPlaceholderText
    elif isinstance(obj, QAbstractSpinBox) and hasattr(obj, "suffix"):
        yield "suffix", obj.suffix, obj.setSuffix
        yield "specialValueText", obj.specialValueText, obj.setSpecialValueText
    elif isinstance(obj, QMenu):
        yield "title", obj.title, obj.setTitle
    elif isinstance(obj, QUndoView):
        yield "emptyLabel", obj.emptyLabel, obj.setEmptyLabel


def _items(obj: QWidget) -> Iterator[tuple[Callable[[], str], Callable[[str], None]]]:
    """Texts that belong to items of a widget: tabs, combo entries, list and tree rows."""
    if isinstance(obj, QTabBar):
        for i in range(obj.count()):
            yield (lambda i=i: obj.tabText(i)), (lambda t, i=i: obj.setTabText(i, t))
            yield (lambda i=i: obj.tabToolTip(i)), (lambda t, i=i: obj.setTabToolTip(i, t))
    elif isinstance(obj, QComboBox):
        for i in range(obj.count()):
            if obj.itemData(i) is None:
                continue  # the text is the value (a CSV column): never change it
            yield (lambda i=i: obj.itemText(i)), (lambda t, i=i: obj.setItemText(i, t))
            role = Qt.ItemDataRole.ToolTipRole
            yield (lambda i=i, r=role: obj.itemData(i, r) or ""), (lambda t, i=i, r=role: obj.setItemData(i, t, r))
    elif isinstance(obj, QUndoView) and obj.stack() is not None:
        stack = obj.stack()
        for i in range(stack.count()):
            command = stack.command(i)
            yield command.text, command.setText
    elif isinstance(obj, (QTreeWidget, QListWidget)):
        yield from _widget_items(obj)
    elif isinstance(obj, QAbstractItemView):
        model = obj.model()
        while isinstance(model, QAbstractProxyModel):  # a filtered view: its texts are in the source
            model = model.sourceModel()
        if isinstance(model, QStandardItemModel):
            yield from _model_items(model)


def _widget_items(view: QTreeWidget | QListWidget) -> Iterator[tuple[Callable, Callable]]:
    if isinstance(view, QListWidget):
        items = [view.item(i) for i in range(view.count())]
        columns = 1
    else:
        items, columns = [], view.columnCount()
        stack = [view.topLevelItem(i) for i in range(view.topLevelItemCount())]
        while stack:
            item = stack.pop()
            items.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        header = view.headerItem()
        for c in range(columns):
            yield (lambda c=c: header.text(c)), (lambda t, c=c: header.setText(c, t))
    for item in items:
        for c in range(columns):
            if columns == 1 and isinstance(view, QListWidget):
                yield item.text, item.setText
                yield item.toolTip, item.setToolTip
            else:
                yield (lambda item=item, c=c: item.text(c)), (lambda t, item=item, c=c: item.setText(c, t))
                yield (lambda item=item, c=c: item.toolTip(c)), (lambda t, item=item, c=c: item.setToolTip(c, t))


def _model_items(model: QStandardItemModel) -> Iterator[tuple[Callable, Callable]]:
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, *extra_item_roles]
    stack = [model.item(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        for role in roles:
            value = item.data(role)
            if isinstance(value, str):
                yield (
                    (lambda item=item, role=role: item.data(role)),
                    (lambda t, item=item, role=role: item.setData(t, role)),
                )
        stack.extend(item.child(r, c) for r in range(item.rowCount()) for c in range(item.columnCount()))


# Roles of a QStandardItemModel that hold visible text besides display and tooltip (the
# palette keeps each layer's summary in one); added by whoever knows of them.
extra_item_roles: list[int] = []


def painted_texts(view: QGraphicsView) -> Iterator[tuple[str, str]]:
    """(where, text) of what the items of a canvas paint and show as tooltips, as the
    user sees them: painted texts go through the canvas's translator (installed with the
    language), tooltips through the retranslator when they show (`_scene_tooltip`)."""
    scene = view.scene()
    if scene is None:
        return
    for item in scene.items():
        painted = getattr(item, "painted_texts", None)
        if callable(painted):
            for text in painted():
                yield f"{type(item).__name__} painted", text
        tip = item.toolTip()
        if tip:
            yield f"{type(item).__name__} tooltip", shown_tooltip(tip)


def shown_tooltip(text: str) -> str:
    """A tooltip as it shows: in the current language where a translation is known."""
    if current_language() == SOURCE_LANGUAGE:
        return text
    return translate_text(text) or text


def _graphics_texts(view: QGraphicsView) -> Iterator[tuple[Callable, Callable]]:
    """Axis titles, legends and labels of pyqtgraph plots (their items paint text)."""
    scene = view.scene()
    if scene is None:
        return
    for item in scene.items():
        label_text = getattr(item, "labelText", None)
        if isinstance(label_text, str) and hasattr(item, "setLabel"):
            yield (lambda item=item: item.labelText), (lambda t, item=item: item.setLabel(t))
        elif type(item).__name__ in ("LabelItem", "TextItem") and hasattr(item, "setText"):
            getter = (lambda item=item: item.text) if isinstance(getattr(item, "text", None), str) else None
            if getter is None and hasattr(item, "textItem"):
                getter = lambda item=item: item.textItem.toPlainText()  # noqa: E731
            if getter is not None:
                yield getter, (lambda t, item=item: item.setText(t))


_ORIGINAL = "_nl_i18n_{}"  # a dynamic property keeps the English of a translated text
_ITEMS = "_nl_i18n_items"  # and one keeps its items': {index: [English, translation]}


class Retranslator(QObject):
    """Keeps the texts of `root` (a window) and everything it opens in the current
    language. `apply()` walks it now; while a translation is on, an application event
    filter catches new and changed texts (shown widgets, repainted labels, menus about
    to open, tooltips about to show) and a slow sweep catches the text in plots."""

    def __init__(self, root: QWidget) -> None:
        super().__init__(root)
        self.root = root
        self.language = SOURCE_LANGUAGE
        self._filtering = False
        self._busy = False
        self._sweep = QTimer(self, interval=SWEEP_MS)
        self._sweep.timeout.connect(self._sweep_graphics)
        status = getattr(root, "statusBar", None)
        if callable(status):
            # Messages are painted by the status bar itself: no widget text to swap.
            status().messageChanged.connect(self._translate_message)

    # ---- switching ------------------------------------------------------------------------
    def set_language(self, language: str) -> None:
        self.language = language
        self._repaint_canvases()
        self._follow_undo_stacks()
        translating = language != SOURCE_LANGUAGE
        app = QApplication.instance()
        if translating and not self._filtering:
            app.installEventFilter(self)
            self._sweep.start()
        elif not translating and self._filtering:
            app.removeEventFilter(self)
            self._sweep.stop()
        self._filtering = translating
        self.apply()
        for view in self.root.findChildren(QUndoView):
            self._refresh_history(view)

    def apply(self, widget: QWidget | None = None) -> None:
        """Put every text under `widget` (default: the window and its other top-level
        widgets) into the current language."""
        roots = [widget] if widget is not None else self._roots()
        for root in roots:
            for obj in self._walk(root):
                self.apply_object(obj)

    def _roots(self) -> list[QWidget]:
        roots = [self.root]
        for widget in QApplication.topLevelWidgets():
            if widget is not self.root and self._belongs(widget):
                roots.append(widget)
        return roots

    def _belongs(self, widget: QWidget) -> bool:
        parent = widget
        while parent is not None:
            if parent is self.root:
                return True
            parent = parent.parentWidget()
        return False

    def _walk(self, root: QWidget) -> Iterator[QObject]:
        # QWidget.actions explicitly: the main window keeps a dict of its own in `actions`.
        yield root
        yield from QWidget.actions(root)
        for child in root.findChildren(QWidget):
            yield child
            yield from QWidget.actions(child)

    # ---- one object ---------------------------------------------------------------------------
    def apply_object(self, obj: QObject) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            for name, getter, setter in _texts(obj):
                self._swap_property(obj, name, getter, setter)
            if isinstance(obj, QWidget):
                for index, (getter, setter) in enumerate(_items(obj)):
                    self._swap_item(obj, index, getter, setter)
                if isinstance(obj, QGraphicsView):
                    for getter, setter in _graphics_texts(obj):
                        self._swap(getter, setter)
        except RuntimeError:  # the C++ object went away while we looked
            pass
        finally:
            self._busy = False

    def _swap_property(self, obj: QObject, name: str, getter, setter) -> None:
        current = getter()
        if not current:
            return
        key = _ORIGINAL.format(name)
        remembered = obj.property(key)
        if self.language == SOURCE_LANGUAGE:
            if isinstance(remembered, list) and current == remembered[1]:
                setter(remembered[0])
                return
            english = text_translator("zh_CN", forward=False)(current) if has_cjk(current) else None
            if english:
                setter(english)
            return
        if isinstance(remembered, list) and current == remembered[1]:
            return  # ours already
        translated = translate_text(current, self.language)
        if translated and translated != current:
            obj.setProperty(key, [current, translated])
            setter(translated)

    def _swap_item(self, owner: QWidget, index: int, getter, setter) -> None:
        """An item's text (a tab, a combo entry, a row), put back as it was written when
        English returns: 训练 reads back as "Training", not as another text it translates."""
        current = getter()
        if not current:
            return
        remembered = owner.property(_ITEMS) or {}
        key = str(index)
        ours = key in remembered and current == remembered[key][1]
        if self.language == SOURCE_LANGUAGE:
            if ours:
                setter(remembered[key][0])
            else:
                self._swap(getter, setter)
            return
        if ours:
            return
        own = load_catalogue(self.language).messages.get((ITEM_CONTEXT, current))
        if own:
            setter(own)
        else:
            self._swap(getter, setter)
        translated = getter()
        if translated != current:
            owner.setProperty(_ITEMS, {**remembered, key: [current, translated]})

    def _swap(self, getter, setter) -> None:
        current = getter()
        if not current:
            return
        if self.language == SOURCE_LANGUAGE:
            english = text_translator("zh_CN", forward=False)(current) if has_cjk(current) else None
            if english:
                setter(english)
            return
        if has_cjk(current) and not re.search(r"[A-Za-z]{3,}", current):
            return
        translated = translate_text(current, self.language)
        if translated and translated != current:
            setter(translated)

    # ---- keeping up -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.Paint:
            if isinstance(watched, (QLabel, QAbstractButton, QTabBar, QGroupBox, QComboBox)):
                self.apply_object(watched)
        elif kind == QEvent.Type.Show:
            if isinstance(watched, QWidget) and self._belongs(watched):
                self.apply(watched)
        elif kind == QEvent.Type.WindowTitleChange:
            if isinstance(watched, QWidget):
                self.apply_object(watched)
        elif kind == QEvent.Type.ActionChanged:
            self.apply_object(event.action())
        elif kind == QEvent.Type.ToolTip:
            self._tooltip(watched, event)
        elif kind == QEvent.Type.GraphicsSceneHelp and isinstance(watched, QGraphicsScene):
            return self._scene_tooltip(watched, event)
        return False

    def _scene_tooltip(self, scene: QGraphicsScene, event) -> bool:
        """Canvas items keep English tooltips (node problems, port shapes): show the
        topmost one in the current language instead, as Qt would have shown it."""
        view = event.widget().parentWidget() if event.widget() is not None else None
        transform = view.transform() if isinstance(view, QGraphicsView) else QTransform()
        for item in scene.items(
            event.scenePos(), Qt.ItemSelectionMode.IntersectsItemShape, Qt.SortOrder.DescendingOrder, transform
        ):
            tip = item.toolTip()
            if not tip:
                continue
            translated = shown_tooltip(tip)
            if translated == tip:
                return False
            QToolTip.showText(event.screenPos(), translated, event.widget())
            event.setAccepted(True)
            return True
        return False

    def _tooltip(self, watched: QObject, event: QEvent) -> None:
        if isinstance(watched, QWidget) and watched.toolTip():
            self.apply_object(watched)
            return
        view = watched.parent() if isinstance(watched, QWidget) else None
        if not isinstance(view, QAbstractItemView) or view.model() is None:
            return
        index = view.indexAt(event.pos())
        tip = index.data(Qt.ItemDataRole.ToolTipRole) if index.isValid() else None
        translated = translate_text(tip, self.language) if isinstance(tip, str) else None
        if translated:
            # Shown now, before the view shows the English one from its model.
            QTimer.singleShot(0, lambda: QToolTip.showText(event.globalPos(), translated, view))

    def _translate_message(self, text: str) -> None:
        if self.language == SOURCE_LANGUAGE or not text:
            return
        translated = translate_text(text, self.language)
        if translated and translated != text:
            bar = self.root.statusBar()
            QTimer.singleShot(0, lambda: bar.currentMessage() == text and bar.showMessage(translated, 6000))

    def _follow_undo_stacks(self) -> None:
        """Each edit pushes a command with an English text: the history shows it in the
        current language as soon as it is pushed."""
        followed = getattr(self, "_followed_stacks", set())
        self._followed_stacks = followed
        for view in self.root.findChildren(QUndoView):
            stack = view.stack()
            if stack is None or id(stack) in followed:
                continue
            followed.add(id(stack))
            stack.indexChanged.connect(lambda _index, view=view: self._retranslate_history(view))

    def _retranslate_history(self, view: QUndoView) -> None:
        if self.language != SOURCE_LANGUAGE:
            self._refresh_history(view)

    def _refresh_history(self, view: QUndoView) -> None:
        """The commands' texts in the current language, and the Undo and Redo actions
        told again (they quote the command's text)."""
        stack = view.stack()
        if stack is None:
            return
        self.apply_object(view)
        stack.undoTextChanged.emit(stack.undoText())
        stack.redoTextChanged.emit(stack.redoText())

    def _repaint_canvases(self) -> None:
        """Canvas items cache their pictures: paint them again in the new language."""
        for view in self.root.findChildren(QGraphicsView):
            scene = view.scene()
            if scene is not None and any(callable(getattr(i, "painted_texts", None)) for i in scene.items()):
                for item in scene.items():
                    item.update()

    def _sweep_graphics(self) -> None:
        for root in self._roots():
            if not root.isVisible():
                continue
            for view in root.findChildren(QGraphicsView):
                if view.isVisible():
                    self.apply_object(view)


# ---- the window's language -----------------------------------------------------------------


def language_name(language: str) -> str:
    return LANGUAGES.get(language, language)


def switch_language(retranslator: Retranslator, language: str, settings=None) -> None:
    """Install `language`, retranslate the window, and remember the choice."""
    install_language(language)
    retranslator.set_language(language)
    if settings is not None:
        store_language(settings, language)


def catalogue_problems(language: str) -> list[str]:
    """What a translator should look at: keyed explanations whose English changed since
    they were translated (the English is kept as each message's comment)."""
    catalogue = load_catalogue(language)
    problems = []
    for text, (context, key) in aliases().items():
        comment = catalogue.comments.get((context, key))
        if comment and comment != text:
            problems.append(f"{context} {key}: the English changed since it was translated")
    return problems


if __name__ == "__main__":  # python -m app.i18n: list stale translations
    for line in catalogue_problems("zh_CN") or ["the zh_CN catalogue is up to date"]:
        print(line)
