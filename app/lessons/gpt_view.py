"""The tiny GPT's view: a prompt box that writes text with the current weights
(temperature, top-k, length), and each attention head's weights for the prompt as a
heatmap with the characters on both axes. Loss and next-token accuracy are on the
usual training curves.

Text is generated on a thread of its own (80 characters are 80 forward passes: a
tenth of a second to a second on a busy CPU), from a copy of the network the trainer
never touches (`LanguageFrame`); the attention maps are one forward pass, drawn here.
"""

from __future__ import annotations

import copy
import logging
import math
import threading
import time
from html import escape

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QObject, QRectF, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.i18n import tr
from app.lenses.common import Lens, label
from app.lessons.observers import LanguageFrame
from app.theme import monospace_font, set_style_property
from app.training.views.style import mix, sequential_rgba, style_plot
from graph_core.data.text import visible
from graph_core.training.language import MASK_CHAR

log = logging.getLogger(__name__)

TITLES = {False: "Tiny GPT", True: "Tiny BERT"}  # by masked
EXPLANATIONS = {
    False: "The model writes one character at a time: it scores every character it knows for the next position, "
    "draws one, appends it and reads again. Below, each attention head's weights for the prompt: row = the "
    "character reading, column = the character it reads from.",
    True: "Some characters are hidden and the model, reading both sides at once, says what they were, as BERT "
    "does. Below, each attention head's weights for the text: row = the character reading, column = the "
    "character it reads from.",
}
HEADS_PER_ROW = 4
HEATMAP_MIN = 150  # pixels: a heatmap with its character labels stays readable
# Room one character label needs across and down; when cells are smaller, every other one.
LABEL_PIXELS = {"bottom": 7, "left": 11}
AUTO_SEED = 0  # live samples draw with fixed randomness, so changes come from the weights
# While training, a new sample at most this often: 80 characters cost ~0.15 s of a core
# that the trainer shares on a small machine.
LIVE_INTERVAL_S = 1.5
JOIN_TIMEOUT_S = 5.0


class _Results(QObject):
    """Carries a finished generation from its thread to the view's slot (queued: the
    view lives in the GUI thread)."""

    ready = Signal(int, int, object, str)  # request number, epoch of its weights, Generation or None, error


class AttentionHeatmap(pg.PlotItem):
    """One head's weights: row i is the character reading, column j the character read
    from; masked cells (a later character, under a causal mask) are left blank."""

    def __init__(self, owner: QWidget) -> None:
        super().__init__()
        # pyqtgraph gives each plot two context menus without a parent: they would stay
        # as stray top-level widgets after the heatmap is gone. The view box's goes now
        # (switching it off only detaches it); the view owns the other one.
        box_menu = self.getViewBox().menu
        self.setMenuEnabled(False)
        if box_menu is not None:
            box_menu.deleteLater()
        self.ctrlMenu.setParent(owner, self.ctrlMenu.windowFlags())
        self.hideButtons()
        self.getViewBox().setMouseEnabled(x=False, y=False)
        self.getViewBox().invertY(True)  # the first character on top, as in a table
        self.image = pg.ImageItem(axisOrder="row-major")
        self.addItem(self.image)
        font = monospace_font(8)
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setStyle(tickFont=font, tickLength=0, tickTextOffset=3)
        self.getAxis("bottom").setHeight(22)
        self.getAxis("left").setWidth(22)

    def release_menus(self) -> None:
        if shiboken6.isValid(self.ctrlMenu):
            self.ctrlMenu.deleteLater()

    def show_weights(self, weights: np.ndarray, labels: list[str], masked: np.ndarray, blank: QColor) -> None:
        rgba = sequential_rgba(np.clip(weights, 0.0, 1.0))
        rgba[masked] = np.array(blank.getRgb(), dtype=np.uint8)
        size = len(labels)
        self.image.setImage(rgba, autoLevels=False)
        self.image.setRect(QRectF(0, 0, size, size))
        box = self.getViewBox()
        for name, room in (("bottom", box.width()), ("left", box.height())):
            step = max(1, math.ceil(size * LABEL_PIXELS[name] / room)) if room > 0 else 1
            self.getAxis(name).setTicks([[(i + 0.5, labels[i]) for i in range(0, size, step)]])
        self.getViewBox().setRange(xRange=(0, size), yRange=(0, size), padding=0.0)


class GPTView(Lens):
    """Prompt, generated text and attention heatmaps for the language model being
    trained; `set_frame` gives it the weights of the moment (see `LanguageFrame`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr(TITLES[False]), tr(EXPLANATIONS[False]), parent)
        self.frame: LanguageFrame | None = None
        self._writer_model = None
        self.pattern = None
        self.generation = None
        self.filling = None  # what a masked model last filled in
        self._generation_epoch = 0  # the epoch of the weights that wrote `generation`
        self._requests = 0
        self._shown_request = 0
        self._running: threading.Thread | None = None
        self._pending: dict | None = None
        self._results = _Results(self)
        self._results.ready.connect(self._on_generated)
        self._next_live = 0.0
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.timeout.connect(self._write_live)
        self.heatmaps: list[AttentionHeatmap] = []
        self._build()
        self.restyle()
        self._set_enabled(False)

    # ---- construction ----------------------------------------------------------------------
    def _build(self) -> None:
        # Everything below the title scrolls: a low dock never squeezes the heatmaps
        # into the text around them.
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        scroll.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)
        self.body.addWidget(scroll, 1)
        prompt_row = QHBoxLayout()
        self.prompt = QLineEdit()
        self.prompt.setFont(monospace_font(11))
        self.prompt.setPlaceholderText(tr("Type the start of a text"))
        self.prompt.setClearButtonEnabled(True)
        self.prompt.returnPressed.connect(self.generate)
        self.prompt.textChanged.connect(self._on_prompt_changed)
        self.generate_button = QPushButton(tr("Generate"))
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)
        prompt_row.addWidget(label(tr("Prompt")))
        prompt_row.addWidget(self.prompt, 1)
        prompt_row.addWidget(self.generate_button)
        column.addLayout(prompt_row)
        column.addLayout(self._build_settings())
        self.output = QTextBrowser()
        self.output.setFont(monospace_font(11))
        self.output.setMinimumHeight(56)
        self.output.setMaximumHeight(96)
        self.output.setOpenLinks(False)
        column.addWidget(self.output)
        self.status = label(tr("Press Train: text appears here as the network learns."), "dim")
        column.addWidget(self.status)
        column.addLayout(self._build_attention_header())
        self.maps = pg.GraphicsLayoutWidget()
        self.maps.setMinimumHeight(HEATMAP_MIN + 30)
        # Its size hint (640 x 480) would make the page scroll: it takes what is left.
        self.maps.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.maps.ci.setSpacing(4)
        column.addWidget(self.maps, 1)
        self.attention_note = label("", "dim")
        column.addWidget(self.attention_note)

    def _build_settings(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.0, 3.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setDecimals(1)
        self.temperature.setValue(0.8)
        self.temperature.setSpecialValueText(tr("0 (greedy)"))
        self.temperature.setToolTip(
            tr("0 always takes the most likely character; higher values take more chances (and make more mistakes)")
        )
        self.top_k = QSpinBox()
        self.top_k.setRange(0, 1000)
        self.top_k.setSpecialValueText(tr("all"))
        self.top_k.setToolTip(tr("Draw only from the k most likely characters (all: from every character)"))
        self.length = QSpinBox()
        self.length.setRange(1, 500)
        self.length.setValue(80)
        self.length.setToolTip(tr("How many characters to write"))
        self.live = QCheckBox(tr("Write again as it trains"))
        self.live.setChecked(True)
        self.live.setToolTip(tr("Each new state of the weights writes a new sample (with the same random draws)"))
        self._writing_controls: list[QWidget] = [self.live]
        for text, widget in (
            (tr("Temperature"), self.temperature),
            (tr("Top-k"), self.top_k),
            (tr("Length"), self.length),
        ):
            caption = label(text)
            row.addWidget(caption)
            row.addWidget(widget)
            row.addSpacing(10)
            self._writing_controls += [caption, widget]
        row.addWidget(self.live)
        row.addStretch(1)
        return row

    def _build_attention_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(label(tr("ATTENTION FOR THE PROMPT"), "section", wrap=False))
        self.layer = QComboBox()
        self.layer.setToolTip(tr("Which attention layer to show"))
        self.layer.currentIndexChanged.connect(lambda _index: self._draw_attention())
        row.addWidget(self.layer)
        self.look_ahead = QCheckBox(tr("Let it look ahead (as a BERT-like encoder does)"))
        self.look_ahead.setToolTip(
            tr(
                "Drop the causal mask for this picture only: the same heads, allowed to read later characters. "
                "A bidirectional encoder (BERT, the encoder classifier) works like this; a GPT cannot, because "
                "the later characters are not written yet."
            )
        )
        self.look_ahead.toggled.connect(lambda _on: self._update_attention())
        row.addWidget(self.look_ahead)
        row.addStretch(1)
        return row

    # ---- the weights of the moment -----------------------------------------------------------
    def set_frame(self, frame: LanguageFrame) -> None:
        """New weights (a copy for this view): redraw the attention, and, when "Write
        again as it trains" is on, write a new sample (at most every LIVE_INTERVAL_S,
        always from the newest weights)."""
        first = self.frame is None or (self.frame.tokenizer, self.frame.mode) != (frame.tokenizer, frame.mode)
        self.frame = frame
        self._set_enabled(True)
        if first:
            self._show_mode(frame)
        self._update_attention()
        if self.masked:  # one forward pass: filled in here, at once
            self.fill_in()
            return
        # The writer thread gets a copy of its own: the attention picture hooks into the
        # frame's modules here, and hooks would fire in a forward pass on the other thread.
        self._writer_model = copy.deepcopy(frame.model)
        if first:
            self._write_live()
        elif self.live.isChecked() and not self._live_timer.isActive():
            wait = max(0.0, self._next_live - time.perf_counter())
            self._live_timer.start(int(wait * 1000))

    @property
    def masked(self) -> bool:
        """Whether the network fills in hidden characters (BERT-like) instead of writing on."""
        return self.frame is not None and self.frame.mode == "masked_language_model"

    def _show_mode(self, frame: LanguageFrame) -> None:
        """Controls for writing on (GPT) or for filling in hidden characters (BERT)."""
        from graph_core.data.text import corpus_prompt

        masked = self.masked
        self.title.setText(tr(TITLES[masked]))
        self.explanation.setText(tr(EXPLANATIONS[masked]))
        for widget in self._writing_controls:
            widget.setVisible(not masked)
        if masked:
            self.look_ahead.setChecked(False)
        self.look_ahead.setVisible(not masked)  # its blocks read both sides already
        self.generate_button.setText(tr("Fill in") if masked else tr("Generate"))
        self.prompt.setPlaceholderText(
            tr("Type a text; {mark} hides a character").format(mark=MASK_CHAR)
            if masked
            else tr("Type the start of a text")
        )
        self.top_k.setMaximum(frame.tokenizer.vocab_size)
        self.prompt.setText(corpus_prompt(frame.dataset, masked) or self.prompt.text())

    def _write_live(self) -> None:
        """A sample from the newest weights, with the fixed seed (timer or first frame)."""
        self._next_live = time.perf_counter() + LIVE_INTERVAL_S
        self.generate(seed=AUTO_SEED)

    def _set_enabled(self, on: bool) -> None:
        for widget in (self.generate_button, self.prompt):
            widget.setEnabled(on)

    # ---- generation --------------------------------------------------------------------------
    def generate(self, seed: int | None = None) -> bool:
        """Write `length` characters after the prompt, on a thread of its own. A
        request made while one runs replaces any other waiting one. (A masked model
        fills in the prompt's hidden characters instead: `fill_in`.)"""
        frame = self.frame
        if frame is None:
            return False
        if self.masked:
            return self.fill_in()
        self._requests += 1
        request = {
            "number": self._requests,
            "frame": frame,
            "model": self._writer_model,
            "prompt": self.prompt.text(),
            "temperature": self.temperature.value(),
            "top_k": self.top_k.value(),
            "length": self.length.value(),
            "seed": seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        }
        if self._running is not None and self._running.is_alive():
            self._pending = request
            return True
        self._start(request)
        return True

    def _start(self, request: dict) -> None:
        thread = threading.Thread(target=self._write, args=(request,), name="gpt-generate", daemon=True)
        self._running = thread
        thread.start()

    def _write(self, request: dict) -> None:
        """On the generation thread: never touches a widget, only emits the result."""
        from graph_core.training.language import generate

        frame = request["frame"]
        try:
            result, error = (
                generate(
                    request["model"],
                    frame.tokenizer,
                    request["prompt"],
                    max_new_tokens=request["length"],
                    temperature=request["temperature"],
                    top_k=request["top_k"],
                    context=frame.context,
                    seed=request["seed"],
                ),
                "",
            )
        except ValueError as problem:
            result, error = None, str(problem)
        except Exception as problem:  # a view must survive any model; say what happened
            log.exception("generation failed")
            result, error = None, f"{type(problem).__name__}: {problem}"
        try:
            self._results.ready.emit(request["number"], frame.epoch, result, error)
        except RuntimeError:  # the view was closed meanwhile
            pass

    @Slot(int, int, object, str)
    def _on_generated(self, number: int, epoch: int, result, error: str) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._start(pending)
        if number < self._shown_request:
            return
        self._shown_request = number
        if result is None:
            self._show_problem(error)
            return
        self.generation = result
        self._generation_epoch = epoch
        self._show_text(result)

    def _show_text(self, result) -> None:
        c = self.colors
        prompt = escape(result.prompt).replace("\n", "↵<br>")
        text = escape(result.text).replace("\n", "↵<br>")
        self.output.setHtml(
            f"<div style='white-space: pre-wrap'><span style='color:{c.dim.name()}'>{prompt}</span>"
            f"<span style='color:{c.text.name()}; font-weight:600'>{text}</span></div>"
        )
        settings = self._settings_text()
        speed = tr("{count} characters in {seconds} s").format(count=result.tokens, seconds=f"{result.seconds:.2f}")
        epoch = tr("Epoch {epoch}").format(epoch=self._generation_epoch)
        self.status.setText(" · ".join(part for part in (epoch, speed, settings) if part))
        set_style_property(self.status, "role", "dim")

    def _show_problem(self, text: str) -> None:
        self.status.setText(text)
        set_style_property(self.status, "role", "error")

    # ---- filling in (masked models) ----------------------------------------------------------
    def fill_in(self) -> bool:
        """Let a masked model say what the prompt's hidden characters are (one forward
        pass, here): the best guess in place, and the three best for each blank."""
        frame = self.frame
        if frame is None:
            return False
        from graph_core.training.language import fill_blanks

        try:
            filling = fill_blanks(frame.model, frame.tokenizer, self.prompt.text(), context=frame.context)
        except ValueError as problem:
            self._show_problem(str(problem))
            return True
        except Exception as problem:  # an odd network: say so instead of filling in
            log.exception("cannot fill in the blanks")
            self._show_problem(f"{type(problem).__name__}: {problem}")
            return True
        self.filling = filling
        self._generation_epoch = frame.epoch
        self._show_filling(filling)
        return True

    def _show_filling(self, filling) -> None:
        c = self.colors
        blanks = {position for position, _ in filling.guesses}
        shown = []
        for position, char in enumerate(filling.text):
            text = escape(visible(char) if position in blanks else char).replace("\n", "↵")
            if position in blanks:
                shown.append(
                    f"<span style='color:{c.accent.name()}; font-weight:700; text-decoration:underline'>{text}</span>"
                )
            else:
                shown.append(f"<span style='color:{c.dim.name()}'>{text}</span>")
        lines = []
        for position, options in filling.guesses:
            choices = " · ".join(f"{escape(visible(char))} {probability:.0%}" for char, probability in options)
            where = tr("character {number}").format(number=position + 1)
            lines.append(f"<span style='color:{c.dim.name()}'>{where}: </span>{choices}")
        self.output.setHtml(
            f"<div style='white-space: pre-wrap'>{''.join(shown)}</div>"
            f"<div style='font-size:small'>{'<br>'.join(lines)}</div>"
        )
        epoch = tr("Epoch {epoch}").format(epoch=self._generation_epoch)
        template = (
            "{count} hidden character filled in, reading both sides"
            if len(filling.guesses) == 1
            else "{count} hidden characters filled in, reading both sides"
        )
        count = tr(template).format(count=len(filling.guesses))
        self.status.setText(f"{epoch} · {count}")
        set_style_property(self.status, "role", "dim")

    def _settings_text(self) -> str:
        temperature = self.temperature.value()
        if temperature == 0:
            return tr("greedy")
        text = tr("temperature {value}").format(value=f"{temperature:.1f}")
        if self.top_k.value():
            text += " · " + tr("top-k {k}").format(k=self.top_k.value())
        return text

    def shutdown(self, timeout: float = JOIN_TIMEOUT_S) -> bool:
        """Wait for a generation in progress (the window closes); True when none runs."""
        self._live_timer.stop()
        self._pending = None
        thread = self._running
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def wait_idle(self, timeout: float = JOIN_TIMEOUT_S) -> bool:
        """Block until no generation runs or waits (tests and benchmarks)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            thread = self._running
            if (thread is None or not thread.is_alive()) and self._pending is None:
                return True
            if thread is not None:
                thread.join(max(0.0, deadline - time.perf_counter()))
        return False

    # ---- attention ---------------------------------------------------------------------------
    def _on_prompt_changed(self, _text: str) -> None:
        self._update_attention()
        if self.masked:  # one forward pass: fill in as the user types
            self.fill_in()

    def _update_attention(self) -> None:
        frame = self.frame
        if frame is None:
            return
        from graph_core.training.language import text_attention

        try:
            self.pattern = text_attention(
                frame.model,
                frame.tokenizer,
                self.prompt.text(),
                frame.context,
                look_ahead=self.look_ahead.isChecked(),
                mask_char=MASK_CHAR if self.masked else None,
            )
        except ValueError as problem:
            self.pattern = None
            self._clear_maps()
            self.attention_note.setText(str(problem))
            return
        except Exception as problem:  # an odd network: say so instead of drawing
            log.exception("no attention for this prompt")
            self.pattern = None
            self._clear_maps()
            self.attention_note.setText(f"{type(problem).__name__}: {problem}")
            return
        self._fill_layers()
        self._draw_attention()

    def _fill_layers(self) -> None:
        names = [f"{layer.node_id}" for layer in self.pattern.layers]
        current = self.layer.currentText()
        if [self.layer.itemText(i) for i in range(self.layer.count())] != names:
            self.layer.blockSignals(True)
            self.layer.clear()
            self.layer.addItems(names)
            self.layer.setCurrentIndex(max(0, names.index(current)) if current in names else 0)
            self.layer.blockSignals(False)
        self.layer.setVisible(len(names) > 1)

    def _clear_maps(self) -> None:
        for heatmap in self.heatmaps:
            heatmap.release_menus()
        self.maps.clear()
        self.heatmaps = []

    def _draw_attention(self) -> None:
        pattern = self.pattern
        if pattern is None:
            return
        if not pattern.layers:
            self._clear_maps()
            self.attention_note.setText(tr("This network has no attention layer."))
            return
        layer = pattern.layers[min(max(self.layer.currentIndex(), 0), len(pattern.layers) - 1)]
        self._ensure_heatmaps(layer.heads)
        size = len(pattern.labels)
        masked = np.zeros((size, size), dtype=bool)
        if layer.causal and not self.look_ahead.isChecked():
            masked = np.triu(np.ones((size, size), dtype=bool), k=1)
        blank = mix(self.colors.background, self.colors.dim, 0.12)
        for head, heatmap in enumerate(self.heatmaps):
            heatmap.show_weights(layer.weights[head], pattern.labels, masked, blank)
            heatmap.setTitle(tr("head {number}").format(number=head + 1), color=self.colors.dim.name(), size="9pt")
        self.attention_note.setText(self._attention_text(layer))

    def _attention_text(self, layer) -> str:
        if self.look_ahead.isChecked():
            return tr(
                "Look-ahead: the squares fill in, as in a bidirectional (BERT-like) encoder; not what the model "
                "computes while it writes."
            )
        if layer.causal:
            return tr(
                "{node}: causal. Above the diagonal stays empty: each character reads only itself and earlier "
                "ones. Bright = much attention."
            ).format(node=layer.node_id)
        return tr(
            "{node}: bidirectional. Every character reads every other, later ones included (as in BERT). "
            "Bright = much attention."
        ).format(node=layer.node_id)

    def _ensure_heatmaps(self, heads: int) -> None:
        if len(self.heatmaps) == heads:
            return
        self._clear_maps()
        for head in range(heads):
            heatmap = AttentionHeatmap(self.maps)
            self.maps.addItem(heatmap, row=head // HEADS_PER_ROW, col=head % HEADS_PER_ROW)
            self.heatmaps.append(heatmap)
        rows = -(-heads // HEADS_PER_ROW)
        self.maps.setMinimumHeight(rows * HEATMAP_MIN + 30)
        self._style_heatmaps()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._draw_attention()  # how many character labels fit depends on the size

    # ---- theme -------------------------------------------------------------------------------
    def restyle(self) -> None:
        self.maps.setBackground(self.colors.background)
        self._style_heatmaps()
        if self.masked and self.filling is not None:
            self._show_filling(self.filling)
        elif self.generation is not None:
            self._show_text(self.generation)
        self._draw_attention()

    def _style_heatmaps(self) -> None:
        for heatmap in self.heatmaps:
            style_plot(heatmap, self.colors, grid=False)
            for name in ("left", "bottom"):  # the characters label the cells; no axis lines
                heatmap.getAxis(name).setPen(pg.mkPen(None))
