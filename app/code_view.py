"""The code view: the standalone PyTorch source of the current graph, highlighted,
regenerated shortly after each edit, with a Copy button. The code generator is
torch-free, so this never loads torch.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from app.icons import icon
from app.theme import Theme, current_theme, monospace_font

_KEYWORDS = (
    "and as assert class def elif else for from if import in is lambda None not or pass raise return self super True"
    " False while with yield"
).split()


class PythonHighlighter(QSyntaxHighlighter):
    """Just enough Python highlighting for generated model code."""

    def __init__(self, document, theme: Theme) -> None:
        super().__init__(document)
        self._rules: list[tuple[QRegularExpression, QTextCharFormat]] = []
        self._string = QTextCharFormat()
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        keyword = _format(theme.code_keyword, bold=True)
        name = _format(theme.code_name)
        number = _format(theme.code_number)
        comment = _format(theme.code_comment, italic=True)
        self._string = _format(theme.code_string)
        self._rules = [
            (QRegularExpression(r"\b(" + "|".join(_KEYWORDS) + r")\b"), keyword),
            (QRegularExpression(r"\b(?:def|class)\s+(\w+)"), name),
            (QRegularExpression(r"\b(?:nn|torch|F)\.\w+"), name),
            (QRegularExpression(r"\b\d+(?:\.\d*)?(?:e[-+]?\d+)?\b"), number),
            (QRegularExpression(r"'[^'\n]*'|\"[^\"\n]*\""), self._string),
            (QRegularExpression(r"#[^\n]*"), comment),
        ]
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        for pattern, fmt in self._rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                group = 1 if pattern.captureCount() and match.capturedStart(1) >= 0 else 0
                self.setFormat(match.capturedStart(group), match.capturedLength(group), fmt)
        self._highlight_docstrings(text)

    def _highlight_docstrings(self, text: str) -> None:
        """Triple-quoted strings may span lines: block state 1 means 'inside one'."""
        start = 0 if self.previousBlockState() == 1 else text.find('"""')
        self.setCurrentBlockState(0)
        while start >= 0:
            opened_here = not (start == 0 and self.previousBlockState() == 1)
            end = text.find('"""', start + (3 if opened_here else 0))
            if end < 0:
                self.setCurrentBlockState(1)
                self.setFormat(start, len(text) - start, self._string)
                return
            self.setFormat(start, end + 3 - start, self._string)
            start = text.find('"""', end + 3)


def _format(colour: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


def describe_errors(error) -> str:
    """A friendly note (as Python comments) in place of code for a graph with errors."""
    lines = ["# This network cannot become code yet. Fix these problems first:", "#"]
    for diagnostic in getattr(error, "diagnostics", [])[:20]:
        where = diagnostic.node or (diagnostic.edge.id if diagnostic.edge else "network")
        lines.append(f"#   • {where}: {diagnostic.message}")
    if len(lines) == 2:
        lines.append(f"#   {error}")
    lines += ["#", "# The Problems tab lists them too; click one to select its node."]
    return "\n".join(lines) + "\n"


class CodeView(QWidget):
    """Read-only, highlighted PyTorch code for the document's graph."""

    copied = Signal()

    def __init__(self, document, parent: QWidget | None = None, delay_ms: int = 250) -> None:
        super().__init__(parent)
        self.document = document
        self._stale = True
        self.editor = QPlainTextEdit(self)
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setFont(monospace_font())
        self.editor.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        self.editor.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.highlighter = PythonHighlighter(self.editor.document(), current_theme())
        self.caption = QLabel("Generated PyTorch · model.py")
        self.caption.setProperty("role", "dim")
        self.copy_button = QToolButton(self)
        self.copy_button.setIcon(icon("copy"))
        self.copy_button.setText("Copy")
        self.copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.copy_button.setToolTip("Copy the code to the clipboard")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self.refresh)
        document.graphChanged.connect(self._on_graph_changed)
        self._build_layout()

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(10, 4, 6, 4)
        bar.addWidget(self.caption)
        bar.addStretch(1)
        bar.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.editor)

    # ----- public ---------------------------------------------------------------------
    def text(self) -> str:
        return self.editor.toPlainText()

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.copied.emit()

    def set_theme(self, theme: Theme) -> None:
        self.highlighter.set_theme(theme)

    def refresh(self) -> None:
        """Regenerate the code now."""
        self._stale = False
        self._set_text(self._generate())

    # ----- internals --------------------------------------------------------------------
    def _generate(self) -> str:
        from graph_core.codegen import generate_code
        from graph_core.plan import CompileError

        if not len(self.document.graph):
            return "# The canvas is empty: drag layers from the palette to build a network.\n"
        try:
            return generate_code(self.document.graph)
        except CompileError as error:
            return describe_errors(error)
        except Exception as error:  # noqa: BLE001 - a generator bug must not break the window
            return f"# The code generator failed on this network: {type(error).__name__}: {error}\n"

    def _set_text(self, text: str) -> None:
        if text == self.editor.toPlainText():
            return
        bar = self.editor.verticalScrollBar()
        position = bar.value()  # keep the reader's place across regenerations
        self.editor.setPlainText(text)
        bar.setValue(position)

    def _on_graph_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self._timer.start()
