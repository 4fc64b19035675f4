"""Reading the course format of API.md from disk, with every refusal located as path:line.

A course is a folder named by its slug holding `course.md` and lessons `NN-<slug>.md`, each
with YAML front matter. Nothing here touches the database: `read_catalogue()` returns plain
data or raises FormatError listing every problem found.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from academy.courses.models import LANGUAGES, LEVELS
from academy.courses.rendering import RENDER_VERSION, render
from academy.courses.tracks import TRACKS

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
COURSE_KEYS = {"title", "track", "level", "hours", "language", "summary", "min_attendance"}
LESSON_KEYS = {"title", "required", "quiz", "renamed_from"}
QUIZ_KEYS = {"pass_mark", "questions"}
QUESTION_KEYS = {"id", "prompt", "choices", "answer"}
SLUG_LIMIT = 100  # the slug columns' length
# A megabyte of Markdown is a book, not a lesson; past that, a file is most likely a mistake
# (an export pasted in, a binary renamed) and would hold up the sync rendering it.
MAX_FILE_BYTES = 1024 * 1024


@dataclass
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class FormatError(Exception):
    """One or more files break the course format; nothing was synced."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class LessonSource:
    slug: str
    position: int
    title: str
    required: bool
    body_html: str
    quiz: dict | None
    # Slugs this lesson had before (its file renamed): the sync renames that lesson in place,
    # so its progress stays with it.
    renamed_from: tuple[str, ...] = ()


@dataclass
class CourseSource:
    slug: str
    path: Path
    title: str
    track: str
    level: str
    hours: int
    language: str
    summary: str
    description_html: str
    min_attendance: int | None
    content_hash: str
    lessons: list[LessonSource] = field(default_factory=list)


def _read_bytes(path: Path, problems: list[Problem]) -> bytes | None:
    """The file's bytes; None, with the problem noted, if it is no file, unreadable or too big."""
    try:
        if not path.is_file():  # also a symbolic link to nowhere, or in a loop
            problems.append(Problem(path, 1, "not a readable file"))
            return None
        if path.stat().st_size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 1024
            problems.append(Problem(path, 1, f"larger than {limit} KB: split it into lessons"))
            return None
        return path.read_bytes()
    except OSError as error:
        problems.append(Problem(path, 1, f"cannot be read: {error.strerror or error}"))
        return None


class _File:
    """One Markdown file: its front matter, the line of each key, and the body."""

    def __init__(self, path: Path, data: bytes, problems: list[Problem]):
        self.path = path
        self.problems = problems
        self.meta: dict = {}
        self.node = None
        self.body = ""
        self.ok = self._read(data)

    def fail(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def _read(self, data: bytes) -> bool:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            self.fail(line, f"not UTF-8 text ({error.reason})")
            return False
        if "\x00" in text:
            self.fail(text.count("\n", 0, text.index("\x00")) + 1, "holds a NUL character")
            return False
        text = text.removeprefix("\ufeff").replace("\r\n", "\n")
        lines = text.split("\n")
        if not lines or lines[0].strip() != "---":
            self.fail(1, "front matter missing: the file must start with a '---' line")
            return False
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            self.fail(1, "front matter not closed: add a '---' line after it")
            return False
        front = "\n".join(lines[1:end])
        self.body = "\n".join(lines[end + 1 :])
        try:
            self.node = yaml.compose(front, Loader=yaml.SafeLoader)
            meta = yaml.safe_load(front)
        except RecursionError:
            self.fail(2, "invalid YAML front matter: nested too deeply")
            return False
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
            if mark is not None:
                line = mark.line + 2  # +1 for 1-based, +1 for '---'
            elif isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow
                line = front.count("\n", 0, error.position) + 2
            else:
                line = 1
            problem = getattr(error, "problem", None) or str(error)
            self.fail(line, f"invalid YAML front matter: {problem}")
            return False
        if not isinstance(meta, dict):
            self.fail(2, "front matter must be a mapping of keys to values")
            return False
        self.meta = meta
        return True

    def line(self, *keys: str | int) -> int:
        """The file line of the value at that key path, or of the nearest parent found."""
        node, line = self.node, 2
        for key in keys:
            if node is None:
                break
            line = node.start_mark.line + 2
            child = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == key:
                        line = key_node.start_mark.line + 2
                        child = value_node
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(key, int)
                and key < len(node.value)
            ):
                child = node.value[key]
                line = child.start_mark.line + 2
            node = child
        return line

    def unknown_keys(self, allowed: set[str]) -> None:
        for key in self.meta:
            if key not in allowed:
                self.fail(self.line(key), f"unknown key {key!r} (allowed: {sorted(allowed)})")


def _text(file: _File, data: dict, key: str, where: tuple, *, required=True, limit=200) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        file.fail(file.line(*where, key), f"{key!r} must be text of 1 to {limit} characters")
        return ""
    return value.strip()


def _int(file: _File, data: dict, key: str, where: tuple, low: int, high: int) -> int | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        file.fail(file.line(*where, key), f"{key!r} must be a whole number from {low} to {high}")
        return None
    return value


def _quiz(file: _File, quiz) -> dict | None:
    if not isinstance(quiz, dict):
        file.fail(file.line("quiz"), "'quiz' must be a mapping with pass_mark and questions")
        return None
    for key in quiz:
        if key not in QUIZ_KEYS:
            file.fail(file.line("quiz", key), f"unknown quiz key {key!r}")
    pass_mark = _int(file, quiz, "pass_mark", ("quiz",), 0, 100)
    questions = quiz.get("questions")
    if not isinstance(questions, list) or not questions:
        file.fail(file.line("quiz", "questions"), "'questions' must be a non-empty list")
        return None
    clean, seen = [], set()
    for i, question in enumerate(questions):
        where = ("quiz", "questions", i)
        if not isinstance(question, dict):
            file.fail(file.line(*where), f"question {i + 1} must be a mapping")
            continue
        for key in question:
            if key not in QUESTION_KEYS:
                file.fail(file.line(*where, key), f"unknown question key {key!r}")
        qid = question.get("id")
        if isinstance(qid, bool) or not isinstance(qid, str | int) or str(qid).strip() == "":
            file.fail(file.line(*where, "id"), f"question {i + 1} needs an 'id'")
            continue
        qid = str(qid).strip()
        if qid in seen:
            file.fail(file.line(*where, "id"), f"duplicate question id {qid!r}")
        seen.add(qid)
        prompt = _text(file, question, "prompt", where, limit=2000)
        choices = question.get("choices")
        if (
            not isinstance(choices, list)
            or len(choices) < 2
            or not all(
                isinstance(c, str | int | float) and not isinstance(c, bool) for c in choices
            )
        ):
            file.fail(file.line(*where, "choices"), "'choices' must list at least two answers")
            continue
        answer = _int(file, question, "answer", where, 0, len(choices) - 1)
        if prompt and answer is not None:
            clean.append(
                {
                    "id": qid,
                    "prompt": prompt,
                    "choices": [str(c) for c in choices],
                    "answer": answer,
                }
            )
    if pass_mark is None or len(clean) != len(questions):
        return None
    return {"pass_mark": pass_mark, "questions": clean}


def _lesson(
    path: Path, data: bytes, position: int, slug: str, problems: list[Problem]
) -> LessonSource | None:
    file = _File(path, data, problems)
    if not file.ok:
        return None
    before = len(problems)
    file.unknown_keys(LESSON_KEYS)
    title = _text(file, file.meta, "title", ())
    required = file.meta.get("required", True)
    if not isinstance(required, bool):
        file.fail(file.line("required"), "'required' must be true or false")
    quiz = _quiz(file, file.meta["quiz"]) if file.meta.get("quiz") is not None else None
    renamed_from = _renamed_from(file, slug)
    if len(problems) > before:
        return None
    return LessonSource(slug, position, title, required, render(file.body), quiz, renamed_from)


def _renamed_from(file: _File, slug: str) -> tuple[str, ...]:
    """The lesson's earlier slugs: one slug, or a list of them."""
    value = file.meta.get("renamed_from")
    if value is None:
        return ()
    olds = [value] if isinstance(value, str) else value
    if not isinstance(olds, list) or not olds:
        file.fail(
            file.line("renamed_from"), "'renamed_from' must be a lesson slug or a list of them"
        )
        return ()
    for index, old in enumerate(olds):
        where = ("renamed_from",) if isinstance(value, str) else ("renamed_from", index)
        if not isinstance(old, str) or not SLUG.match(old) or len(old) > SLUG_LIMIT:
            file.fail(
                file.line(*where), f"'renamed_from': {old!r} is not a lesson slug (a-z, 0-9, '-')"
            )
        elif old == slug:
            file.fail(file.line(*where), f"'renamed_from': {old!r} is this lesson's own slug")
    return tuple(dict.fromkeys(old for old in olds if isinstance(old, str)))


def _check_renames(lessons: list[LessonSource], paths: dict[str, Path], problems: list[Problem]):
    """An earlier slug must name one lesson that is no longer there: not a lesson's slug now,
    not claimed by two lessons (the sync could not tell which one it became)."""
    claimed: dict[str, str] = {}
    for lesson in lessons:
        for old in lesson.renamed_from:
            path = paths[lesson.slug]
            if old in paths:
                problems.append(Problem(path, 1, f"'renamed_from': {old!r} is still a lesson "
                                                 f"here ({paths[old].name})"))  # fmt: skip
            elif old in claimed:
                problems.append(Problem(path, 1, f"'renamed_from': {old!r} is claimed by "
                                                 f"{paths[claimed[old]].name} too"))  # fmt: skip
            claimed.setdefault(old, lesson.slug)


def _course_meta(file: _File) -> dict | None:
    meta, before = file.meta, len(file.problems)
    file.unknown_keys(COURSE_KEYS)
    values = {"title": _text(file, meta, "title", ())}
    values["summary"] = _text(file, meta, "summary", (), required=False, limit=2000)
    for key, allowed in (("track", tuple(TRACKS)), ("level", LEVELS), ("language", LANGUAGES)):
        if meta.get(key) not in allowed:
            file.fail(file.line(key), f"unknown {key} {meta.get(key)!r}: use one of {allowed}")
        values[key] = meta.get(key)
    values["hours"] = _int(file, meta, "hours", (), 0, 10_000)
    values["min_attendance"] = None
    if meta.get("min_attendance") is not None:
        values["min_attendance"] = _int(file, meta, "min_attendance", (), 0, 100)
    return values if len(file.problems) == before else None


def read_course(folder: Path, problems: list[Problem]) -> CourseSource | None:
    """Parse one course folder, appending any problems; None when it has some."""
    before = len(problems)
    if not SLUG.match(folder.name) or len(folder.name) > SLUG_LIMIT:
        problems.append(Problem(folder, 1, "a course folder is named by its slug: a-z, 0-9, '-'"))
    course_file = folder / "course.md"
    if not course_file.exists():
        problems.append(Problem(course_file, 1, "course.md is missing"))
        return None
    course_data = _read_bytes(course_file, problems)
    if course_data is None:
        return None
    digest = hashlib.sha256(RENDER_VERSION.encode())
    file = _File(course_file, course_data, problems)
    meta = _course_meta(file) if file.ok else None
    lessons, numbers, slugs = [], {}, {}
    for path in sorted(folder.iterdir()):
        if path.name == "course.md" or path.name.startswith("."):
            continue
        if path.suffix.lower() != ".md":
            continue  # images and other assets may sit beside the lessons
        match = LESSON_FILE.match(path.name)
        if not match:
            problems.append(Problem(path, 1, "bad lesson file name: use NN-<lesson-slug>.md"))
            continue
        number, slug = int(match.group(1)), match.group(2)
        if number in numbers:
            problems.append(Problem(path, 1, f"duplicate lesson number {match.group(1)} "
                                             f"(also {numbers[number].name})"))  # fmt: skip
        if slug in slugs:
            problems.append(Problem(path, 1, f"duplicate lesson slug {slug!r}"))
        if len(slug) > SLUG_LIMIT:
            problems.append(Problem(path, 1, f"lesson slug longer than {SLUG_LIMIT} characters"))
        numbers[number], slugs[slug] = path, path
        data = _read_bytes(path, problems)
        if data is None:
            continue
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        lesson = _lesson(path, data, number, slug, problems)
        if lesson is not None:
            lessons.append(lesson)
    if not numbers and meta is not None:
        problems.append(Problem(course_file, 1, "a course needs at least one lesson file"))
    _check_renames(lessons, slugs, problems)
    if len(problems) > before or meta is None:
        return None
    digest.update(course_data)
    return CourseSource(
        slug=folder.name,
        path=folder,
        description_html=render(file.body),
        content_hash=digest.hexdigest(),
        lessons=lessons,
        **meta,
    )


def read_catalogue(root: Path) -> list[CourseSource]:
    """Every course under root (or root itself if it is one course); raises FormatError."""
    root = Path(root)
    if not root.is_dir():
        raise FormatError([Problem(root, 1, "no such folder")])
    problems: list[Problem] = []
    if (root / "course.md").is_file():
        folders = [root]
    else:
        entries = [p for p in sorted(root.iterdir()) if not p.name.startswith((".", "_"))]
        folders = [p for p in entries if p.is_dir()]
        # A course folder behind a broken link would otherwise be left out without a word.
        problems += [
            Problem(p, 1, "a symbolic link to nothing (or in a loop)")
            for p in entries
            if p.is_symlink() and not p.exists()
        ]
    courses = [c for folder in folders if (c := read_course(folder, problems)) is not None]
    if problems:
        raise FormatError(problems)
    return courses
