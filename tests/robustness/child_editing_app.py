"""Run by `test_saving_under_kill`: a NeuroLoom window whose network is edited without
pause while autosave keeps recovery copies, until the process is killed. Each recovery
write and removal is announced before and after, with the graph it holds:

    writing <graph json> / written <graph json> / discarding / discarded

    python -m tests.robustness.child_editing_app RECOVERY_DIR SETTINGS_FILE SEED
"""

from __future__ import annotations

import json
import os
import random
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TYPES = ("Linear", "ReLU", "Tanh", "Dropout", "LayerNorm")


class RandomEditor:
    """Random edits through the document's commands, as a user makes them."""

    def __init__(self, document, rng: random.Random) -> None:
        from app.commands import AddNodeCommand

        self.document, self.rng = document, rng
        document.try_push(AddNodeCommand(document.graph, "Input", (0.0, 0.0), {"shape": [4]}))

    def edit(self) -> None:
        from app.commands import (
            AddNodeCommand,
            ConnectCommand,
            MoveNodesCommand,
            RemoveNodesCommand,
            SetParamCommand,
        )

        graph, rng, stack = self.document.graph, self.rng, self.document.undo_stack
        ids = graph.node_ids()
        action = rng.choice(["add", "add", "connect", "connect", "move", "param", "remove", "undo", "redo"])
        if action == "add":
            pos = (rng.uniform(-500, 500), rng.uniform(-500, 500))
            self.document.try_push(AddNodeCommand(graph, rng.choice(TYPES), pos))
        elif action == "connect" and len(ids) > 1:
            self.document.try_push(ConnectCommand(graph, *rng.sample(ids, 2)))
        elif action == "move":
            node = graph.node(rng.choice(ids))
            self.document.try_push(MoveNodesCommand(graph, {node.id: (node.pos, (node.pos[0] + 8, node.pos[1]))}))
        elif action == "param":
            linear = [n for n in ids if graph.node(n).type == "Linear"]
            if linear:
                self.document.try_push(SetParamCommand(graph, rng.choice(linear), "out_features", rng.randint(1, 64)))
        elif action == "remove" and len(ids) > 2:
            self.document.try_push(RemoveNodesCommand(graph, [rng.choice(ids[1:])]))
        elif action == "undo" and stack.index() > 2:  # never back to the clean start
            stack.undo()
        elif action == "redo":
            stack.redo()


def announce(autosaver, document) -> None:
    save_copy, discard = autosaver.save_copy, autosaver.discard

    def announced_save_copy() -> None:
        state = json.dumps(document.graph.to_dict())
        print("writing " + state, flush=True)
        save_copy()
        print("written " + state, flush=True)

    def announced_discard() -> None:
        print("discarding", flush=True)
        discard()
        print("discarded", flush=True)

    autosaver.save_copy, autosaver.discard = announced_save_copy, announced_discard


def main(recovery_dir: str, settings_file: str, seed: int) -> int:
    app = QApplication([])
    from app.main_window import MainWindow
    from app.settings import AppSettings

    window = MainWindow(
        settings=AppSettings.at(settings_file), recovery_dir=recovery_dir, autosave_ms=100, autosave_edits=3
    )
    window.confirm_discard = lambda name: "discard"
    window.report_error = lambda title, text: print(f"error {title}: {text}", flush=True)
    announce(window.recovery, window.document)
    editor = RandomEditor(window.document, random.Random(seed))
    timer = QTimer(interval=2)
    timer.timeout.connect(editor.edit)
    timer.start()
    window.show()
    print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
