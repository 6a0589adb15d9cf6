"""Light and dark appearance: one table of colours per theme drives the Qt palette, the
stylesheet for docks, toolbars and panels, the icons, and the canvas colours.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from app.icons import ICONS_DIR

FONT_POINT_SIZE = 10
_ICONS = ICONS_DIR.as_posix()
MONO_FAMILIES = ["JetBrains Mono", "Cascadia Mono", "DejaVu Sans Mono", "Menlo", "Consolas", "monospace"]


@dataclass(frozen=True)
class Theme:
    """The colours of one appearance. `canvas` is what the canvas's `set_theme` takes."""

    name: str
    window: str  # behind everything: the frame around docks
    panel: str  # dock contents, toolbars
    base: str  # text fields, spin boxes, check boxes
    list_bg: str  # lists, the code view and cards
    alt_base: str  # alternate rows, hovered items
    text: str
    text_dim: str
    border: str
    accent: str
    accent_text: str  # text on the accent colour
    error: str
    warning: str
    ok: str
    canvas_bg: str
    canvas_grid: str
    node_bg: str
    node_header: str
    edge: str
    # Syntax colours for the code view.
    code_keyword: str
    code_string: str
    code_number: str
    code_comment: str
    code_name: str

    @property
    def dark(self) -> bool:
        return QColor(self.window).lightness() < 128

    @property
    def canvas(self) -> dict[str, str]:
        return {
            "canvas_bg": self.canvas_bg,
            "canvas_grid": self.canvas_grid,
            "node_bg": self.node_bg,
            "node_border": self.border,
            "node_header": self.node_header,
            "text": self.text,
            "text_dim": self.text_dim,
            "accent": self.accent,
            "error": self.error,
            "warning": self.warning,
            "edge": self.edge,
            "selection": self.accent,
        }


LIGHT = Theme(
    name="light",
    window="#e9ebef",
    panel="#f6f7f9",
    base="#ffffff",
    list_bg="#ffffff",
    alt_base="#eef1f6",
    text="#1f2329",
    text_dim="#626b77",
    border="#cfd4dc",
    accent="#3d6fe0",
    accent_text="#ffffff",
    error="#d1383d",
    warning="#c27a06",
    ok="#1f8a4c",
    canvas_bg="#fbfbfc",
    canvas_grid="#e6e8ec",
    node_bg="#ffffff",
    node_header="#eef2fb",
    edge="#7d8693",
    code_keyword="#a626a4",
    code_string="#3f8a2e",
    code_number="#b35c00",
    code_comment="#8a919b",
    code_name="#2b63c9",
)

DARK = Theme(
    name="dark",
    window="#1b1d21",
    panel="#24272c",
    base="#30343b",
    list_bg="#1e2024",
    alt_base="#2c3036",
    text="#dde1e7",
    text_dim="#8e96a3",
    border="#3a3f47",
    accent="#6b93ff",
    accent_text="#0f1420",
    error="#f0646a",
    warning="#e0a23a",
    ok="#4cc384",
    canvas_bg="#1a1c20",
    canvas_grid="#262a30",
    node_bg="#2a2e35",
    node_header="#323947",
    edge="#8a93a3",
    code_keyword="#c792ea",
    code_string="#a5d68a",
    code_number="#f2a65e",
    code_comment="#6b7380",
    code_name="#7fb0ff",
)

THEMES: dict[str, Theme] = {LIGHT.name: LIGHT, DARK.name: DARK}


_current = LIGHT


def current_theme() -> Theme:
    """The theme last applied with `apply_theme`."""
    return _current


def get_theme(name: str) -> Theme:
    """The theme called `name`; unknown names (an old settings file) fall back to light."""
    return THEMES.get(name, LIGHT)


def monospace_font(point_size: float = FONT_POINT_SIZE) -> QFont:
    font = QFont()
    font.setFamilies(MONO_FAMILIES)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(point_size)
    return font


def set_style_property(widget: QWidget, name: str, value: object) -> None:
    """Set a property the stylesheet selects on (`role`, `invalid`, ...) and restyle
    `widget`: Qt does not re-apply a stylesheet when a dynamic property changes."""
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Make `theme` the look of the whole application. What is already so is left alone:
    each change restyles every widget of every window (most of a second for a window
    with live views)."""
    global _current
    _current = theme
    if not app.property("neuroloomFusion"):  # (under a style sheet, style() no longer says its name)
        app.setStyle("Fusion")  # the same metrics on every platform, and it honours palettes
        app.setProperty("neuroloomFusion", True)
    font = app.font()
    if font.pointSizeF() != FONT_POINT_SIZE:
        font.setPointSizeF(FONT_POINT_SIZE)
        app.setFont(font)
    palette = build_palette(theme)
    if app.palette() != palette:
        app.setPalette(palette)
    sheet = build_stylesheet(theme)
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)


def build_palette(theme: Theme) -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.panel,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.base,
        QPalette.ColorRole.AlternateBase: theme.alt_base,
        QPalette.ColorRole.ToolTipBase: theme.list_bg,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.text_dim,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.panel,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.BrightText: theme.error,
        QPalette.ColorRole.Highlight: theme.accent,
        QPalette.ColorRole.HighlightedText: theme.accent_text,
        QPalette.ColorRole.Link: theme.accent,
        QPalette.ColorRole.Mid: theme.border,
        QPalette.ColorRole.Midlight: theme.alt_base,
        QPalette.ColorRole.Dark: theme.border,
        QPalette.ColorRole.Light: theme.base,
        QPalette.ColorRole.Shadow: theme.window,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    disabled = QColor(theme.text_dim)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def build_stylesheet(t: Theme) -> str:
    """Only what the palette cannot say: flat docks and toolbars, tabs, focus rings."""
    return f"""
QMainWindow {{ background: {t.window}; }}
QMainWindow::separator {{ background: {t.window}; width: 5px; height: 5px; }}
QMainWindow::separator:hover {{ background: {t.accent}; }}
QDockWidget {{ color: {t.text_dim}; font-weight: 600; }}
QDockWidget::title {{
    background: {t.panel}; padding: 6px 10px; border-bottom: 1px solid {t.border};
    text-align: left;
}}
QToolBar {{
    background: {t.panel}; border: none; border-bottom: 1px solid {t.border};
    spacing: 2px; padding: 3px 6px;
}}
QToolBar::separator {{ background: {t.border}; width: 1px; margin: 5px 6px; }}
QToolButton {{ border: 1px solid transparent; border-radius: 5px; padding: 4px; }}
QToolButton:hover {{ background: {t.alt_base}; border-color: {t.border}; }}
QToolButton:pressed, QToolButton:checked {{ background: {t.alt_base}; border-color: {t.accent}; }}
QStatusBar {{ background: {t.panel}; color: {t.text_dim}; border-top: 1px solid {t.border}; }}
QStatusBar::item {{ border: none; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QMenuBar {{ background: {t.panel}; border-bottom: 1px solid {t.border}; }}
QMenuBar::item {{ padding: 4px 10px; background: transparent; border-radius: 4px; }}
QMenuBar::item:selected {{ background: {t.alt_base}; }}
QMenu {{ background: {t.list_bg}; border: 1px solid {t.border}; padding: 4px; }}
QMenu::item {{ padding: 5px 24px 5px 10px; border-radius: 4px; }}
QMenu::item:selected {{ background: {t.accent}; color: {t.accent_text}; }}
QMenu::separator {{ height: 1px; background: {t.border}; margin: 4px 6px; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{
    background: transparent; color: {t.text_dim}; padding: 6px 14px;
    border: none; border-bottom: 2px solid transparent;
}}
QTabBar::tab:selected {{ color: {t.text}; border-bottom-color: {t.accent}; }}
QTabBar::tab:hover {{ color: {t.text}; }}
QLineEdit#palette_search {{
    background: {t.base}; border: 1px solid {t.border}; border-radius: 6px; padding: 4px 4px;
}}
QLineEdit#palette_search:focus {{ border-color: {t.accent}; }}
QLineEdit[invalid="true"] {{ border: 1px solid {t.error}; border-radius: 3px; padding: 2px 3px; }}
QPlainTextEdit {{
    background: {t.list_bg}; border: none; selection-background-color: {t.accent};
    selection-color: {t.accent_text};
}}
QTreeView, QListView, QTableView, QTreeWidget {{
    background: {t.list_bg}; border: none; outline: none;
}}
QTreeView::item {{ padding: 3px 2px; }}
QListView::item {{ padding: 4px 10px; }}
QListView::item:selected {{ background: {t.accent}; color: {t.accent_text}; }}
QTreeView::item:hover {{ background: {t.alt_base}; }}
QTreeView::item:selected {{ background: {t.accent}; color: {t.accent_text}; }}
QHeaderView::section {{
    background: {t.panel}; color: {t.text_dim}; border: none;
    border-bottom: 1px solid {t.border}; padding: 4px 6px;
}}
QScrollArea {{ border: none; background: {t.panel}; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 0; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 0; }}
QScrollBar::handle {{ background: {t.border}; border-radius: 4px; min-height: 24px; min-width: 24px; }}
QScrollBar::handle:hover {{ background: {t.text_dim}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QPushButton {{
    background: {t.base}; border: 1px solid {t.border}; border-radius: 4px; padding: 4px 12px;
}}
QPushButton:hover {{ border-color: {t.accent}; }}
QToolTip {{ background: {t.list_bg}; color: {t.text}; border: 1px solid {t.border}; padding: 6px; }}
QCheckBox::indicator {{
    width: 14px; height: 14px; border: 1px solid {t.text_dim}; border-radius: 3px; background: {t.base};
}}
QCheckBox::indicator:hover {{ border-color: {t.accent}; }}
QCheckBox::indicator:checked {{ background: {t.accent}; border-color: {t.accent}; image: url({_ICONS}/check.svg); }}
QCheckBox::indicator:disabled {{ border-color: {t.border}; }}
QLabel[role="title"] {{ font-size: {FONT_POINT_SIZE + 3}pt; font-weight: 700; color: {t.text}; }}
QLabel[role="subtitle"] {{ color: {t.text_dim}; }}
QLabel[role="section"] {{
    color: {t.text_dim}; font-weight: 700; font-size: {FONT_POINT_SIZE - 1}pt;
    letter-spacing: 0.5px;
}}
QLabel[role="error"] {{ color: {t.error}; }}
QLabel[role="warning"] {{ color: {t.warning}; }}
QLabel[role="ok"] {{ color: {t.ok}; }}
QLabel[role="dim"] {{ color: {t.text_dim}; }}
QLabel[role="explanation"] {{ color: {t.text_dim}; }}
QFrame[role="card"] {{ background: {t.list_bg}; border: 1px solid {t.border}; border-radius: 6px; }}
QFrame[role="card"] QLabel {{ background: transparent; }}
QFrame[role="card"][clickable="true"]:hover, QFrame[role="card"][clickable="true"]:focus {{ border-color: {t.accent}; }}
QLabel[role="welcome"] {{ font-size: {FONT_POINT_SIZE + 9}pt; font-weight: 700; color: {t.text}; }}
QLabel[role="topic"] {{ font-size: {FONT_POINT_SIZE + 2}pt; font-weight: 700; color: {t.text}; }}
QLabel[role="card_title"] {{ font-weight: 700; color: {t.text}; }}
QLabel[role="badge"] {{
    color: {t.accent}; font-weight: 700; font-size: {FONT_POINT_SIZE - 1}pt;
    border: 1px solid {t.accent}; border-radius: 4px; padding: 1px 4px;
}}
"""
