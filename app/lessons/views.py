"""Views for the generative lessons, which the live training views do not picture: the
GAN's generated points moving onto the real data over the discriminator's opinion, and
the autoencoder's inputs beside their reconstructions with its 2-D code space.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from app.i18n import tr
from app.lenses.common import Lens, label, legend_html, make_plot, style
from app.lessons.observers import AutoencoderFrame, GANFrame
from app.training.views.style import (
    class_color,
    class_legend_html,
    diverging_rgba,
    resample,
    sequential_rgba,
    with_alpha,
)

POINT_SIZE = 6
THUMB = 56  # pixels of one digit thumbnail


class GANView(Lens):
    """Real points (grey), generated points (accent) and D(x) as the background."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            tr("Generative adversarial network"),
            tr(
                "The generator turns noise into points; the discriminator scores how real a point looks. The shading "
                "is the discriminator's belief: blue where it says real, orange where it says generated."
            ),
            parent,
        )
        self.frame: GANFrame | None = None
        self.legend = label("", rich=True, wrap=False)
        self.widget = make_plot(self.colors)
        self.widget.setMinimumSize(260, 200)
        self.plot = self.widget.getPlotItem()
        self.plot.setAspectLocked(True)
        self.image = pg.ImageItem()
        self.real = pg.ScatterPlotItem(size=POINT_SIZE, antialias=True)
        self.generated = pg.ScatterPlotItem(size=POINT_SIZE, antialias=True)
        for item in (self.image, self.real, self.generated):
            self.plot.addItem(item)
        self.caption = label(tr("Press Train: the generated points start as a blob of noise."), "dim")
        self.body.addWidget(self.legend)
        self.body.addWidget(self.widget, 1)
        self.body.addWidget(self.caption)
        self.restyle()

    def set_frame(self, frame: GANFrame) -> None:
        self.frame = frame
        self.real.setData(frame.real[:, 0], frame.real[:, 1])
        generated = frame.generated.reshape(len(frame.generated), -1)
        if generated.shape[1] >= 2:
            self.generated.setData(generated[:, 0], generated[:, 1])
        x0, x1, y0, y1 = frame.domain
        if frame.critic is not None:
            # P(real) in [0, 1] as a diverging map around 0.5 (no opinion).
            values = resample(frame.critic * 2 - 1, 160, 160)
            # Row i of the grid is y from the bottom; the image is indexed [x, y].
            self.image.setImage(diverging_rgba(values, self.colors.neutral, 0.45).transpose(1, 0, 2))
            self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.plot.setXRange(x0, x1, padding=0.0)
        self.plot.setYRange(y0, y1, padding=0.0)
        self.caption.setText(self._caption(frame))

    @staticmethod
    def _caption(frame: GANFrame) -> str:
        text = tr("Epoch {epoch}").format(epoch=frame.epoch)
        if frame.distance is not None:
            distance = tr("distance between the clouds {value}").format(value=f"{frame.distance:.3g}")
            text += " · " + distance
        return text

    def restyle(self) -> None:
        c = self.colors
        style(self.widget, c, grid=False)
        self.real.setPen(pg.mkPen(None))
        self.real.setBrush(pg.mkBrush(with_alpha(c.dim, 150)))
        self.generated.setPen(pg.mkPen(c.point_edge, width=0.8))
        self.generated.setBrush(pg.mkBrush(self.series(1)))
        entries = [(with_alpha(c.dim, 200), tr("real data"), False), (self.series(1), tr("generated"), False)]
        self.legend.setText(legend_html(entries, c))
        if self.frame is not None:
            self.set_frame(self.frame)


class AutoencoderView(Lens):
    """Originals over reconstructions, and the code space coloured by class."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            tr("Autoencoder"),
            tr(
                "Top row: test digits. Below each, what the decoder rebuilt from the code. Right: every digit's "
                "code as a point, coloured by its class, which training never saw."
            ),
            parent,
        )
        self.frame: AutoencoderFrame | None = None
        self.images = pg.GraphicsLayoutWidget()
        self.images.setMinimumHeight(2 * THUMB + 40)
        self.image_items: list[pg.ImageItem] = []
        self.code_widget = make_plot(self.colors, tr("code 1"), tr("code 2"))
        self.code_widget.setMinimumSize(220, 180)
        self.codes = pg.ScatterPlotItem(size=POINT_SIZE, antialias=True)
        self.code_widget.getPlotItem().addItem(self.codes)
        self.legend = label("", rich=True)
        self.caption = label(tr("Press Train to see the reconstructions."), "dim")
        left = QGridLayout()
        left.addWidget(label(tr("originals (top) and reconstructions (bottom)"), "section"), 0, 0)
        left.addWidget(self.images, 1, 0)
        left.addWidget(self.caption, 2, 0)
        left.setRowStretch(1, 1)
        right = QGridLayout()
        right.addWidget(label(tr("code space"), "section"), 0, 0)
        right.addWidget(self.code_widget, 1, 0)
        right.addWidget(self.legend, 2, 0)
        row = QHBoxLayout()
        row.addLayout(left, 3)
        row.addLayout(right, 2)
        self.body.addLayout(row, 1)
        self.restyle()

    def set_frame(self, frame: AutoencoderFrame) -> None:
        self.frame = frame
        self._show_images(frame.inputs, frame.outputs)
        labels = frame.labels if frame.labels is not None else np.zeros(len(frame.codes), dtype=int)
        brushes = [pg.mkBrush(with_alpha(class_color(int(k)), 210)) for k in labels]
        self.codes.setData(frame.codes[:, 0], frame.codes[:, 1], brush=brushes, pen=pg.mkPen(None))
        classes = sorted({int(k) for k in labels})
        self.legend.setText(
            class_legend_html([str(k) for k in classes], self.colors) if frame.labels is not None else ""
        )
        text = tr("Epoch {epoch} · reconstruction error {error}").format(epoch=frame.epoch, error=f"{frame.error:.4f}")
        self.caption.setText(text)

    def _show_images(self, inputs: np.ndarray, outputs: np.ndarray) -> None:
        if len(self.image_items) != 2 * len(inputs):
            self.images.clear()
            self.image_items = []
            for row, _ in enumerate((inputs, outputs)):
                for col in range(len(inputs)):
                    view = self.images.addViewBox(row=row, col=col, lockAspect=True, enableMouse=False)
                    view.setMenuEnabled(False)
                    item = pg.ImageItem()
                    view.addItem(item)
                    self.image_items.append(item)
        low = float(min(inputs.min(), 0.0))
        high = float(max(inputs.max(), 1e-6))
        pictures = list(inputs) + list(outputs)
        for item, picture in zip(self.image_items, pictures):
            unit = (np.clip(picture, low, high) - low) / (high - low)
            item.setImage(np.flipud(sequential_rgba(unit)).transpose(1, 0, 2))

    def restyle(self) -> None:
        c = self.colors
        style(self.code_widget, c)
        self.images.setBackground(c.background)
        if self.frame is not None:
            self.set_frame(self.frame)
