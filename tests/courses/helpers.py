"""Writing course folders in the API.md format for sync tests."""

from __future__ import annotations

from pathlib import Path

COURSE = """---
title: {title}
track: {track}
level: beginner
hours: 6
language: en
summary: A short course.
---
The description of {title}.
"""

LESSON = """---
title: {title}
---
Teaching text of {title}.
"""

QUIZ_LESSON = """---
title: {title}
quiz:
  pass_mark: {pass_mark}
  questions:
    - id: q1
      prompt: One plus one?
      choices: ["1", "2", "3"]
      answer: 1
    - id: q2
      prompt: Capital of Guangdong?
      choices: [Guangzhou, Shenzhen]
      answer: 0
---
A lesson with a quiz.
"""


def write_course(
    root: Path,
    slug: str = "demo-course",
    *,
    title: str = "Demo course",
    track: str = "ai-foundations",
    lessons: tuple[str, ...] = ("intro", "practice"),
    quiz_pass_mark: int | None = 50,
) -> Path:
    """A course folder with plain lessons and, unless quiz_pass_mark is None, a quiz last."""
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.md").write_text(COURSE.format(title=title, track=track), encoding="utf-8")
    for n, lesson in enumerate(lessons, start=1):
        (folder / f"{n:02d}-{lesson}.md").write_text(LESSON.format(title=lesson.title()))
    if quiz_pass_mark is not None:
        n = len(lessons) + 1
        (folder / f"{n:02d}-quiz.md").write_text(
            QUIZ_LESSON.format(title="Check", pass_mark=quiz_pass_mark)
        )
    return folder
