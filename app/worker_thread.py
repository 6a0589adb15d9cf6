"""A QObject worker on a QThread of its own, started and let go the one safe way.

The training controller, the export dialog and the learning-rate finder each run a
worker like this. Two rules, each learnt from a leak or a crash (issue 8):
- the worker is deleted in its own thread as that thread ends: a `deleteLater()` called
  once the thread has finished is never carried out, so every worker (and the model or
  project it holds) would stay;
- the thread is waited for before the last Python reference to the worker goes: dropped
  earlier, Python deletes the worker a second time from the GUI thread, a crash
  ("shared QObject was deleted directly").
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, SignalInstance


def start_worker_thread(
    owner: QObject, worker: QObject, run, *, name: str, done: SignalInstance | None = None
) -> QThread:
    """A thread owned by `owner` that runs `run` (a slot of `worker`) once started,
    quits when `done` fires (or when `release_worker_thread` asks) and deletes `worker`
    as it ends. The caller connects the worker's other signals, then starts it."""
    thread = QThread(owner)
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(run)
    if done is not None:
        done.connect(thread.quit)
    thread.finished.connect(worker.deleteLater)
    return thread


def release_worker_thread(thread: QThread) -> None:
    """Let a worker's thread go once its work is over: ask it to quit, wait until it has
    ended (its worker is deleted by then) and delete it later. Only then may the caller
    drop its references to the worker."""
    thread.quit()
    thread.wait()
    thread.deleteLater()
