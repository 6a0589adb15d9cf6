"""Shared test setup: Qt runs without a display, and GUI tests get settings and data
folders of their own so they never read or write the user's."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture
def app_settings(tmp_path):
    """An AppSettings kept in an ini file under the test's tmp_path."""
    from app.settings import AppSettings

    return AppSettings.at(tmp_path / "settings.ini")


@pytest.fixture
def recovery_dir(tmp_path):
    """A private folder for crash-recovery copies."""
    path = tmp_path / "recovery"
    path.mkdir()
    return path


@pytest.fixture
def one_torch_thread():
    """Small networks train fastest and steadiest on one torch thread on a busy 2-core
    machine (STACK-NOTES); the count is process-wide, so it is restored afterwards.
    Modules take it with `pytestmark = pytest.mark.usefixtures("one_torch_thread")`."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def torch_threads_restored():
    """Puts torch's process-wide thread count back after a test whose app code sets it
    (the training controller chooses one thread for small models)."""
    import torch

    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def _fail_on_leaked_widgets(request):
    """Fail a Qt test that leaves top-level widgets alive after its own clean-up (like
    napari's viewer fixture): a leaked window keeps running code in later tests."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("qapp")
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication
    from shiboken6 import getCppPointer

    before = {getCppPointer(w)[0] for w in QApplication.topLevelWidgets()}
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if getCppPointer(w)[0] not in before]
    names = [f"{type(w).__name__}({w.objectName() or w.windowTitle()!r})" for w in leaked]
    for widget in leaked:
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if names:
        pytest.fail(f"the test leaked top-level widgets: {', '.join(names)} (close them or use qtbot.addWidget)")


@pytest.fixture
def make_main_window(qtbot, tmp_path):
    """Builds MainWindows with private settings and recovery folders. Their questions
    are answered without dialogs: unsaved changes are discarded, recovery copies are
    declined, file choosers return nothing, and error reports are collected in
    `window.errors`; a test installs other answers where it needs them."""
    from app.main_window import MainWindow
    from app.settings import AppSettings
    from app.theme import LIGHT, apply_theme

    def make(settings=None, recovery_dir=None, show=True, **kwargs):
        window = MainWindow(
            settings=settings if settings is not None else AppSettings.at(tmp_path / "settings.ini"),
            recovery_dir=recovery_dir if recovery_dir is not None else tmp_path / "recovery",
            **kwargs,
        )
        window.errors = []
        window.report_error = lambda title, text: window.errors.append(text)
        window.confirm_discard = lambda name: "discard"
        window.confirm_restore = lambda info: False
        window.ask_open_path = lambda: None
        window.ask_save_path = lambda suggested: None
        qtbot.addWidget(window)
        if show:
            window.show()
            qtbot.waitExposed(window)
        return window

    yield make
    from PySide6.QtWidgets import QApplication

    apply_theme(QApplication.instance(), LIGHT)  # a test that went dark must not darken the next


@pytest.fixture(scope="module")
def lesson_window(qapp, tmp_path_factory):
    """One window for a module of lesson tests, 1440x900, with private settings, questions
    answered as `make_main_window` does, training ready, and every lens and generative view
    made up front: their plots' menus are windows of their own, and made here they are not
    leaks of the test that first points at them. Closed and deleted after the module."""
    from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEvent, QEventLoop, QTimer

    from app.lenses import LENSES
    from app.lessons.lens_docks import GENERATIVE
    from app.main_window import MainWindow
    from app.settings import AppSettings

    folder = tmp_path_factory.mktemp("lesson_window")
    window = MainWindow(settings=AppSettings.at(folder / "settings.ini"), recovery_dir=folder / "recovery")
    window.errors = []
    window.report_error = lambda title, text: window.errors.append(text)
    window.confirm_discard = lambda name: "discard"
    window.confirm_restore = lambda info: False
    window.resize(1440, 900)
    window.show()
    window.training.warm_up()
    deadline = QDeadlineTimer(180_000)
    while not (window.training.is_ready and window.training_views is not None):  # qtbot belongs to one test
        assert not deadline.hasExpired(), "training did not get ready"
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    for key in LENSES:
        window.lessons.lenses.open_lens(key)
    for key in GENERATIVE:
        window.lessons.lenses.open_generative(key)
    yield window
    try:
        window.lessons.set_language("en", remember=False)
        window.lessons.lenses.stop()
        assert window.training.shutdown(30_000)
    finally:
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


EXAMPLE_READY_TIMEOUT_MS = 180_000  # torch, the first optimizer and the fast path's kernels load once


@pytest.fixture
def open_example(make_main_window, qtbot):
    """Factory: a shown main window with a built-in example open, its training settings
    overridden (on the CPU), torch loaded and its data ready. Every window's training
    threads are joined at the end."""
    from graph_core.project import list_examples

    examples = {example.name: example for example in list_examples()}
    windows = []

    def make(name: str = "mlp_xor", **training):
        window = make_main_window()
        windows.append(window)
        window.open_example(examples[name])
        window.document.project.training.update({"device": "cpu", **training})
        window.training.warm_up()
        qtbot.waitUntil(lambda: window.training.is_ready, timeout=EXAMPLE_READY_TIMEOUT_MS)
        qtbot.waitUntil(lambda: window.training.bundle is not None, timeout=EXAMPLE_READY_TIMEOUT_MS)
        return window

    yield make
    for window in windows:
        assert window.training.shutdown(30_000)
