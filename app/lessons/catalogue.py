"""The lessons as data: one JSON file per lesson in `assets/lessons/` (key, title,
summary, topic, the project it opens and 3-6 steps, each in English and Simplified
Chinese and naming the control it is about). No Qt here: the catalogue is plain data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

LESSONS_DIR = Path(__file__).resolve().parents[2] / "assets" / "lessons"
LANGUAGES = ("en", "zh_CN")
DEFAULT_LANGUAGE = "en"
MIN_STEPS, MAX_STEPS = 3, 6


@dataclass(frozen=True)
class Topic:
    """A group of lessons on the start page (its texts are English, translated by the
    interface like every other)."""

    key: str
    title: str
    blurb: str


TOPICS = (
    Topic("basics", "Basics", "One neuron, then layers: what a network computes and what it is scored on."),
    Topic("training", "Training", "How a network learns, and what goes wrong when it does not."),
    Topic("architectures", "Architectures", "Layers made for images, sequences and text."),
    Topic("generative", "Generative models", "Networks that make new data: points, digits, text."),
)
OTHER_TOPIC = Topic("other", "More lessons", "")  # for a lesson whose file names no topic


class LessonError(ValueError):
    """A lesson file that cannot be used; the message names the file and the place."""


@dataclass(frozen=True)
class Text:
    """One text in every language; `get` falls back to English."""

    translations: tuple[tuple[str, str], ...]

    def get(self, language: str) -> str:
        table = dict(self.translations)
        return table.get(language) or table[DEFAULT_LANGUAGE]

    def has(self, language: str) -> bool:
        return bool(dict(self.translations).get(language, "").strip())


@dataclass(frozen=True)
class Step:
    """One step: its text and the control it points at (`target`, e.g. `action:training_train`).

    `open` names a project to open when the step begins; `capture` ("boundary") keeps
    a picture of a view when the step is left, to compare with what comes next."""

    target: str
    text: Text
    open: str | None = None
    capture: str | None = None


@dataclass(frozen=True)
class Lesson:
    key: str
    order: int
    title: Text
    summary: Text
    project: str  # a file name in assets/examples
    steps: tuple[Step, ...]
    lenses: tuple[str, ...] = ()  # lens docks opened with the lesson
    topic: str = OTHER_TOPIC.key  # a key of TOPICS

    def projects(self) -> list[str]:
        """Every project the lesson opens, in order."""
        return [self.project] + [step.open for step in self.steps if step.open]


def _text(raw: object, place: str) -> Text:
    if not isinstance(raw, dict) or not isinstance(raw.get(DEFAULT_LANGUAGE), str):
        raise LessonError(f"{place}: needs an object with at least an {DEFAULT_LANGUAGE!r} text")
    unknown = set(raw) - set(LANGUAGES)
    if unknown:
        raise LessonError(f"{place}: unknown language(s) {', '.join(sorted(unknown))}")
    return Text(tuple((lang, str(raw[lang])) for lang in LANGUAGES if lang in raw))


def _step(raw: object, place: str) -> Step:
    if not isinstance(raw, dict) or not isinstance(raw.get("target"), str) or ":" not in raw["target"]:
        raise LessonError(f"{place}.target: must be a 'kind:name' string")
    return Step(raw["target"], _text(raw.get("text"), f"{place}.text"), raw.get("open"), raw.get("capture"))


def parse_lesson(raw: dict, source: str = "lesson") -> Lesson:
    """A `Lesson` from the decoded JSON of a lesson file; raises LessonError."""
    for key in ("key", "project"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise LessonError(f"{source}: '{key}' must be a non-empty string")
    steps = raw.get("steps")
    if not isinstance(steps, list) or not MIN_STEPS <= len(steps) <= MAX_STEPS:
        raise LessonError(f"{source}: 'steps' must hold {MIN_STEPS} to {MAX_STEPS} steps")
    topic = raw.get("topic", OTHER_TOPIC.key)
    if topic not in {t.key for t in TOPICS} | {OTHER_TOPIC.key}:
        raise LessonError(f"{source}.topic: must be one of {', '.join(t.key for t in TOPICS)}")
    return Lesson(
        key=raw["key"],
        order=int(raw.get("order", 0)),
        title=_text(raw.get("title"), f"{source}.title"),
        summary=_text(raw.get("summary"), f"{source}.summary"),
        project=raw["project"],
        steps=tuple(_step(step, f"{source}.steps[{i}]") for i, step in enumerate(steps)),
        lenses=tuple(raw.get("lenses", ())),
        topic=topic,
    )


def load_lessons(folder: Path = LESSONS_DIR) -> list[Lesson]:
    """Every lesson in `folder`, in their `order`."""
    lessons = []
    for path in sorted(folder.glob("*.json")):
        try:
            raw = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise LessonError(f"{path.name}: {error}") from None
        lessons.append(parse_lesson(raw, path.name))
    return sorted(lessons, key=lambda lesson: (lesson.order, lesson.key))


def lessons_by_key(folder: Path = LESSONS_DIR) -> dict[str, Lesson]:
    return {lesson.key: lesson for lesson in load_lessons(folder)}


def by_topic(lessons: list[Lesson]) -> list[tuple[Topic, list[Lesson]]]:
    """The lessons grouped by topic, in the order of TOPICS (then any without one);
    topics with no lesson are left out."""
    groups = [(topic, [lesson for lesson in lessons if lesson.topic == topic.key]) for topic in (*TOPICS, OTHER_TOPIC)]
    return [(topic, members) for topic, members in groups if members]
