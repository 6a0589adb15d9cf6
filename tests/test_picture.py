"""Pictures of the network for slides and papers: a PNG at twice the canvas size and an
SVG with one group per node, each read back and checked, through the export formats."""

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage

from app.picture import (
    SVG_NS,
    NetworkPicture,
    PictureError,
    PictureOptions,
    check_png,
    check_svg,
    picture_format,
    register_picture_formats,
    write_png,
    write_svg,
)
from graph_core.export import ExportSource, formats, get_format
from graph_core.graph import ModelGraph
from graph_core.project import EXAMPLES_DIR, load_project

G = f"{{{SVG_NS}}}g"


def example_graph(name: str = "cnn_digits") -> ModelGraph:
    return load_project(EXAMPLES_DIR / f"{name}.nlproj").graph


def node_groups(path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    return {g.get("data-node"): g for g in root.iter(G) if g.get("class") == "node"}


def test_png_is_twice_the_network_with_a_margin_and_reads_back(qapp, tmp_path):
    graph = example_graph()
    picture = NetworkPicture(graph)
    size = write_png(graph, tmp_path / "net.png")

    image = QImage(str(tmp_path / "net.png"))
    assert (image.width(), image.height()) == (size.width(), size.height())
    assert size == QSize(round(picture.rect.width() * 2), round(picture.rect.height() * 2))
    # Every node fits inside, with the margin around the outermost ones.
    xs = [graph.node(n).pos[0] for n in picture.node_ids]
    assert picture.rect.left() < min(xs) and picture.rect.width() > max(xs) - min(xs) + 176
    assert image.pixelColor(2, 2) == QColor("#ffffff")  # a light, solid background for paper
    assert check_png(tmp_path / "net.png", size) == f"{size.width()}×{size.height()} px PNG"


def test_png_can_leave_the_background_transparent(qapp, tmp_path):
    write_png(example_graph("mlp_xor"), tmp_path / "clear.png", PictureOptions(transparent=True))
    image = QImage(str(tmp_path / "clear.png"))
    assert image.hasAlphaChannel() and image.pixelColor(1, 1).alpha() == 0


def test_svg_has_one_titled_group_per_node_with_its_type_and_text_kept_as_text(qapp, tmp_path):
    graph = example_graph()
    write_svg(graph, tmp_path / "net.svg", title="CNN on digits")

    root = ET.parse(tmp_path / "net.svg").getroot()
    assert root.tag == f"{{{SVG_NS}}}svg" and root.findtext(f"{{{SVG_NS}}}title") == "CNN on digits"
    groups = node_groups(tmp_path / "net.svg")
    assert set(groups) == {node.id for node in graph.nodes()}
    for node in graph.nodes():
        group = groups[node.id]
        assert group.get("data-type") == node.type
        assert node.type in group.findtext(f"{{{SVG_NS}}}title")
        texts = "".join(t.text or "" for t in group.iter(f"{{{SVG_NS}}}text"))
        assert node.id in texts  # drawn as text, not as a bitmap
    assert not list(root.iter(f"{{{SVG_NS}}}image"))
    assert check_svg(tmp_path / "net.svg", graph) == f"SVG with {len(graph)} node groups"


def test_the_dark_theme_draws_dark_cards_on_a_dark_background(qapp, tmp_path):
    write_png(example_graph("mlp_xor"), tmp_path / "dark.png", PictureOptions(theme="dark"))
    assert QImage(str(tmp_path / "dark.png")).pixelColor(2, 2).lightness() < 60


def test_checks_catch_a_wrong_size_and_a_missing_node(qapp, tmp_path):
    graph = example_graph("mlp_xor")
    size = write_png(graph, tmp_path / "net.png")
    with pytest.raises(PictureError, match="expected"):
        check_png(tmp_path / "net.png", QSize(size.width() + 2, size.height()))
    write_svg(graph, tmp_path / "net.svg")
    bigger = graph.copy()
    bigger.add_node("ReLU", {}, (0, 400), "extra")
    with pytest.raises(PictureError, match="missing: \\['extra'\\]"):
        check_svg(tmp_path / "net.svg", bigger)


def test_an_empty_network_is_refused_with_a_message(qapp):
    with pytest.raises(PictureError, match="empty"):
        NetworkPicture(ModelGraph())


def test_pictures_are_export_formats_that_verify_by_reading_back(qapp, tmp_path):
    register_picture_formats()
    assert {"svg", "png"} <= {fmt.name for fmt in formats()}
    graph = example_graph("residual_mlp")
    source = ExportSource(None, graph, "residual")
    png = get_format("png").export(source, tmp_path)
    svg = picture_format("svg", PictureOptions(theme="dark")).export(source, tmp_path)

    assert png.status == "passed" and png.path == tmp_path / "residual.png" and png.files == [png.path]
    assert png.max_abs_diff is None and "px PNG" in png.message
    assert svg.status == "passed" and f"SVG with {len(graph)} node groups" in svg.message
    broken = get_format("png").export(ExportSource(None, ModelGraph(), "empty"), tmp_path)
    assert broken.status == "error" and "empty" in broken.message
