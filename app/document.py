"""The open project as the app sees it: the model graph, the rest of the project, the
undo stack, the file path and the unsaved-changes flag, with coalesced Qt signals so
views redraw once per edit and shapes are re-analysed once per event-loop turn.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from shiboken6 import isValid

from app.commands import GraphCommand
from graph_core.graph import GraphError, GraphEvent, ModelGraph
from graph_core.project import Project
from graph_core.shapes import Analysis, analyze

# Events that cannot change shapes or diagnostics: no re-analysis for a drag.
_LAYOUT_EVENTS = frozenset({"node_moved"})


def subscribe_weakly(graph: ModelGraph, method: Callable[[GraphEvent], None]) -> Callable[[GraphEvent], None]:
    """Subscribe a QObject's bound method without keeping the object alive; the
    subscription ends by itself once the object (Python or C++ side) is gone."""
    owner_ref = weakref.ref(method.__self__)
    func = method.__func__

    def forward(event: GraphEvent) -> None:
        owner = owner_ref()
        if owner is None or not isValid(owner):
            graph.unsubscribe(forward)
            return
        func(owner, event)

    graph.subscribe(forward)
    return forward


class Document(QObject):
    """One open project. Edit its graph only by pushing commands (`try_push`)."""

    graphChanged = Signal()
    analysisChanged = Signal(object)  # graph_core.shapes.Analysis
    pathChanged = Signal(object)  # Path | None
    dirtyChanged = Signal(bool)
    replaced = Signal()  # another project was loaded by `replace`

    def __init__(self, project: Project | None = None, path: str | Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._project = project if project is not None else Project()
        self._path = Path(path) if path is not None else None
        self._analysis: Analysis | None = None
        self._analysis_pending = False  # invalidated since analysisChanged was emitted
        self._edited = False  # graph events since graphChanged was last emitted
        self._modified_aside = False  # changes outside the undo stack (data, training)
        self._was_dirty = False
        self.undo_stack = QUndoStack(self)
        self.undo_stack.indexChanged.connect(self._emit_graph_changed)
        self.undo_stack.cleanChanged.connect(self._update_dirty)
        self._turn = QTimer(self, singleShot=True, interval=0)
        self._turn.timeout.connect(self._end_of_turn)
        subscribe_weakly(self.graph, self._on_graph_event)

    # ----- construction ------------------------------------------------------------------
    @classmethod
    def new(cls, parent: QObject | None = None) -> Document:
        return cls(Project(), None, parent)

    @classmethod
    def from_project(cls, project: Project, path: str | Path | None = None, parent: QObject | None = None) -> Document:
        """A document that edits `project.graph` itself (no copy)."""
        return cls(project, path, parent)

    def to_project(self) -> Project:
        """The project to save: the live graph with this document's other sections."""
        return dataclasses.replace(self._project, view=dict(self._project.view))

    def replace(self, project: Project, path: str | Path | None = None) -> None:
        """Load another project into this document (same graph object, so views that
        hold it stay attached) and start a fresh undo history."""
        self.undo_stack.clear()
        if project.graph is not self.graph:
            _copy_graph(project.graph, self.graph)
        self._project = dataclasses.replace(project, graph=self.graph)
        self.path = path
        self._emit_graph_changed()
        self.mark_saved()
        self.replaced.emit()

    # ----- state -------------------------------------------------------------------------
    @property
    def graph(self) -> ModelGraph:
        return self._project.graph

    @property
    def project(self) -> Project:
        return self._project

    @property
    def path(self) -> Path | None:
        return self._path

    @path.setter
    def path(self, path: str | Path | None) -> None:
        path = Path(path) if path is not None else None
        if path != self._path:
            self._path = path
            self.pathChanged.emit(path)

    @property
    def display_name(self) -> str:
        return self._path.name if self._path else "Untitled"

    @property
    def dirty(self) -> bool:
        return self._modified_aside or not self.undo_stack.isClean()

    def mark_saved(self, path: str | Path | None = None) -> None:
        """Call after a successful save: the current state becomes the clean one."""
        if path is not None:
            self.path = path
        self._modified_aside = False
        self.undo_stack.setClean()
        self._update_dirty()

    def mark_modified(self) -> None:
        """Record an unsaved change made outside the undo stack (data or training)."""
        self._modified_aside = True
        self._update_dirty()

    @property
    def analysis(self) -> Analysis:
        """Shapes and diagnostics of the graph as it is now (computed when stale)."""
        if self._analysis is None:
            self._analysis = analyze(self.graph)
        return self._analysis

    # ----- edits -------------------------------------------------------------------------
    def try_push(self, command: GraphCommand) -> str | None:
        """Apply `command` and push it; if the model refuses it, return the reason
        and leave the graph and the stack unchanged."""
        try:
            command.apply()
        except GraphError as error:
            return str(error)
        command.skip_next_redo()
        self.undo_stack.push(command)
        return None

    @contextmanager
    def macro(self, text: str) -> Iterator[None]:
        """Group the commands pushed inside into one undo step."""
        self.undo_stack.beginMacro(text)
        try:
            yield
        finally:
            self.undo_stack.endMacro()

    # ----- event plumbing ----------------------------------------------------------------
    def _on_graph_event(self, event: GraphEvent) -> None:
        self._edited = True
        if event.kind not in _LAYOUT_EVENTS:
            self._analysis = None
            self._analysis_pending = True
        self._turn.start()

    def _end_of_turn(self) -> None:
        self._emit_graph_changed()  # for edits made outside the stack
        if self._analysis_pending:
            self._analysis_pending = False
            self.analysisChanged.emit(self.analysis)

    def _emit_graph_changed(self) -> None:
        if self._edited:
            self._edited = False
            self.graphChanged.emit()

    def _update_dirty(self) -> None:
        if self.dirty != self._was_dirty:
            self._was_dirty = self.dirty
            self.dirtyChanged.emit(self._was_dirty)


def _copy_graph(source: ModelGraph, target: ModelGraph) -> None:
    target.clear()
    for node in source.nodes():
        target.add_node(node.type, node.params, node.pos, node.id, node.role, check=False)
    for edge in source.edges():
        target.connect(edge.src, edge.dst, edge.src_port, edge.dst_port)
    target.set_outputs([node_id for node_id in source.outputs if node_id in target])
