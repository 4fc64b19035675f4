"""The course format: the real catalogue, refusals with path and line, and re-syncs."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from academy.courses import source
from academy.courses.models import Course, Lesson, Track
from academy.courses.sync import FormatError, sync_courses
from academy.courses.tracks import TRACKS
from academy.audit.models import AuditEvent
from academy.extensions import db, utcnow
from academy.progress.models import LessonProgress
from tests import factories
from tests.courses.helpers import write_course

CATALOGUE = Path(__file__).resolve().parents[2] / "courses"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_real_catalogue_syncs():
    report = sync_courses(CATALOGUE)
    db.session.commit()
    assert len(report.created) == 10
    courses = db.session.scalars(select(Course)).all()
    assert {c.language for c in courses} == {"en", "zh-Hans", "zh-Hant"}
    assert count(Track) == len(TRACKS)
    for course in courses:
        lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).all()
        assert len(lessons) >= 3
        assert any(lesson.quiz for lesson in lessons), course.slug
        assert all("<script" not in lesson.body_html for lesson in lessons)


def test_sync_is_idempotent(tmp_path):
    write_course(tmp_path)
    sync_courses(tmp_path)
    db.session.commit()
    ids = db.session.scalars(select(Lesson.id).order_by(Lesson.id)).all()
    report = sync_courses(tmp_path)
    db.session.commit()
    assert report.unchanged == ["demo-course"] and not report.created and not report.updated
    assert db.session.scalars(select(Lesson.id).order_by(Lesson.id)).all() == ids


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _bad_yaml(folder):
    _replace(folder / "01-intro.md", "title: Intro", "title: [unclosed")


def _unknown_track(folder):
    _replace(folder / "course.md", "track: ai-foundations", "track: astrology")


def _unknown_level(folder):
    _replace(folder / "course.md", "level: beginner", "level: wizard")


def _unknown_language(folder):
    _replace(folder / "course.md", "language: en", "language: fr")


def _duplicate_number(folder):
    (folder / "02-practice.md").rename(folder / "01-practice.md")


def _bad_file_name(folder):
    (folder / "02-practice.md").rename(folder / "Practice Lesson.md")


def _answer_out_of_range(folder):
    _replace(folder / "03-quiz.md", "answer: 1", "answer: 3")


def _pass_mark_out_of_range(folder):
    _replace(folder / "03-quiz.md", "pass_mark: 50", "pass_mark: 120")


def _duplicate_question(folder):
    _replace(folder / "03-quiz.md", "- id: q2", "- id: q1")


def _missing_front_matter(folder):
    (folder / "02-practice.md").write_text("# No front matter\n")


def _symlink_loop(folder):
    (folder / "04-loop.md").symlink_to(folder / "04-loop.md")


def _upper_case_suffix(folder):
    (folder / "02-practice.md").rename(folder / "02-practice.MD")


def _directory_named_like_a_lesson(folder):
    (folder / "04-folder.md").mkdir()


def _too_large(folder):
    with (folder / "02-practice.md").open("a") as lesson:
        lesson.write("word " * (source.MAX_FILE_BYTES // 5 + 1))


def _nested_too_deeply(folder):
    _replace(folder / "02-practice.md", "title: Practice", "title: Practice\nx: " + "[" * 5000)


def _long_lesson_slug(folder):
    (folder / "02-practice.md").rename(folder / f"02-{'a' * 101}.md")


def _not_utf8_on_line_four(folder):
    (folder / "02-practice.md").write_bytes(b"---\ntitle: Practice\n---\nCaf\xe9\n")


def _nul_on_line_four(folder):
    (folder / "02-practice.md").write_bytes(b"---\ntitle: Practice\n---\nA\x00B\n")


def _renamed_from_not_a_slug(folder):
    _replace(folder / "02-practice.md", "title: Practice", "title: Practice\nrenamed_from: Old One")


def _renamed_from_a_lesson_still_there(folder):
    _replace(folder / "02-practice.md", "title: Practice", "title: Practice\nrenamed_from: intro")


def _renamed_from_claimed_twice(folder):
    _replace(folder / "02-practice.md", "title: Practice", "title: Practice\nrenamed_from: old")
    _replace(folder / "03-quiz.md", "title: Check", "title: Check\nrenamed_from: [first, old]")


def _control_character_in_front_matter(folder):
    _replace(folder / "02-practice.md", "title: Practice", "title: Practice\nnote: \x07")


@pytest.mark.parametrize(
    ("breakage", "file", "line", "words"),
    [
        (_symlink_loop, "04-loop.md", 1, "not a readable file"),
        (_directory_named_like_a_lesson, "04-folder.md", 1, "not a readable file"),
        (_upper_case_suffix, "02-practice.MD", 1, "bad lesson file name"),
        (_too_large, "02-practice.md", 1, "larger than 1024 KB"),
        (_nested_too_deeply, "02-practice.md", 2, "nested too deeply"),
        (_long_lesson_slug, f"02-{'a' * 101}.md", 1, "lesson slug longer than 100"),
        (_not_utf8_on_line_four, "02-practice.md", 4, "not UTF-8"),
        (_nul_on_line_four, "02-practice.md", 4, "NUL character"),
        (_control_character_in_front_matter, "02-practice.md", 3, "invalid YAML"),
        (_renamed_from_not_a_slug, "02-practice.md", 3, "'Old One' is not a lesson slug"),
        (_renamed_from_a_lesson_still_there, "02-practice.md", 1, "'intro' is still a lesson"),
        (_renamed_from_claimed_twice, "03-quiz.md", 1, "'old' is claimed by 02-practice.md"),
        (_bad_yaml, "01-intro.md", 2, "invalid YAML"),
        (_unknown_track, "course.md", 3, "unknown track 'astrology'"),
        (_unknown_level, "course.md", 4, "unknown level 'wizard'"),
        (_unknown_language, "course.md", 6, "unknown language 'fr'"),
        (_duplicate_number, "01-practice.md", 1, "duplicate lesson number 01"),
        (_bad_file_name, "Practice Lesson.md", 1, "bad lesson file name"),
        (_answer_out_of_range, "03-quiz.md", 9, "'answer' must be a whole number from 0 to 2"),
        (_pass_mark_out_of_range, "03-quiz.md", 4, "'pass_mark' must be a whole number"),
        (_duplicate_question, "03-quiz.md", 10, "duplicate question id 'q1'"),
        (_missing_front_matter, "02-practice.md", 1, "front matter missing"),
    ],
)
def test_a_malformed_course_is_refused_with_path_and_line(tmp_path, breakage, file, line, words):
    folder = write_course(tmp_path)
    sync_courses(tmp_path)
    db.session.commit()
    before = db.session.scalars(select(Lesson.title).order_by(Lesson.id)).all()
    _replace(folder / "01-intro.md", "title: Intro", "title: Intro, edited")
    write_course(tmp_path, "another-course", title="Another")
    breakage(folder)

    with pytest.raises(FormatError) as caught:
        sync_courses(tmp_path)
    db.session.rollback()

    messages = [str(p) for p in caught.value.problems]
    expected = f"{folder / file}:{line}: "
    assert any(m.startswith(expected) and words in m for m in messages), messages
    # Nothing changed: neither the good edit nor the good course in the same folder.
    assert db.session.scalars(select(Lesson.title).order_by(Lesson.id)).all() == before
    assert db.session.scalar(select(Course).where(Course.slug == "another-course")) is None


def test_the_cli_refuses_with_path_line_and_non_zero_exit(app, tmp_path):
    folder = write_course(tmp_path)
    _unknown_level(folder)
    result = app.test_cli_runner().invoke(args=["academy", "courses", "sync", str(tmp_path)])
    assert result.exit_code != 0
    assert f"{folder / 'course.md'}:4: unknown level 'wizard'" in result.output
    assert "nothing was synced" in result.output
    assert count(Course) == 0


def test_the_cli_syncs(app, tmp_path):
    write_course(tmp_path)
    result = app.test_cli_runner().invoke(args=["academy", "courses", "sync", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 created" in result.output
    assert count(Course) == 1


def test_a_hostile_lesson_renders_inert(tmp_path):
    folder = write_course(tmp_path, quiz_pass_mark=None)
    (folder / "01-intro.md").write_text(
        "---\ntitle: Hostile\n---\n"
        "<script>alert(1)</script>\n\n"
        '<img src="x.png" onerror="alert(2)">\n\n'
        '<iframe src="https://evil.example"></iframe>\n\n'
        "<style>body{display:none}</style>\n\n"
        '<a href="javascript:alert(3)">js link</a> [md js](javascript:alert(4))\n\n'
        '<a href="data:text/html;base64,PHNjcmlwdD4=">data link</a>\n\n'
        '<p onclick="alert(5)" style="color:red">styled</p>\n\n'
        '<svg onload="alert(6)"></svg><object data="x"></object>\n\n'
        "```python\nprint('hi')\n```\n\n"
        '!!! note "Remember"\n    Kept.\n'
    )
    sync_courses(tmp_path)
    html = db.session.scalar(select(Lesson.body_html).where(Lesson.slug == "intro"))
    lowered = html.lower()
    for forbidden in (
        "<script", "alert(1)", "onerror", "<iframe", "<style", "javascript:", "data:",
        "onclick", "style=", "<svg", "onload", "<object",
    ):  # fmt: skip
        assert forbidden not in lowered, forbidden
    assert 'class="codehilite"' in html and '<span class="nb">print</span>' in html
    assert 'class="admonition note"' in html
    assert "styled" in html and "js link" in html


def test_editing_a_course_keeps_progress_and_retires_removed_lessons(tmp_path):
    folder = write_course(tmp_path, lessons=("intro", "practice", "extra"))
    sync_courses(tmp_path)
    db.session.commit()
    course = db.session.scalar(select(Course))
    cohort = factories.make_cohort(course)
    enrolment = factories.enrol(cohort, factories.make_user())
    lessons = {lesson.slug: lesson for lesson in db.session.scalars(select(Lesson))}
    for slug in ("intro", "extra"):
        db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=lessons[slug].id))
    db.session.commit()

    _replace(folder / "01-intro.md", "title: Intro", "title: Introduction")
    (folder / "03-extra.md").unlink()
    report = sync_courses(tmp_path)
    db.session.commit()

    assert report.updated == ["demo-course"] and report.retired_lessons == ["demo-course/extra"]
    db.session.expire_all()
    intro, extra = (
        db.session.get(Lesson, lessons["intro"].id),
        db.session.get(Lesson, lessons["extra"].id),
    )
    assert intro.title == "Introduction" and intro.retired_at is None
    assert extra.retired_at is not None
    assert count(LessonProgress) == 2

    # Bringing the file back brings the lesson (and its progress) back.
    (folder / "03-extra.md").write_text("---\ntitle: Extra\n---\nBack.\n")
    sync_courses(tmp_path)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Lesson, lessons["extra"].id).retired_at is None


def test_a_renamed_lesson_file_keeps_its_lesson_and_progress(tmp_path):
    folder = write_course(tmp_path, lessons=("intro", "practice", "extra"))
    sync_courses(tmp_path)
    db.session.commit()
    course = db.session.scalar(select(Course))
    enrolment = factories.enrol(factories.make_cohort(course), factories.make_user())
    practice = db.session.scalar(select(Lesson).where(Lesson.slug == "practice"))
    db.session.add(
        LessonProgress(enrolment_id=enrolment.id, lesson_id=practice.id, done_at=utcnow())
    )
    db.session.commit()
    practice_id = practice.id

    (folder / "02-practice.md").rename(folder / "02-hands-on.md")
    _replace(folder / "02-hands-on.md", "title: Practice", "title: Hands on\nrenamed_from: practice")
    report = sync_courses(tmp_path)
    db.session.commit()

    assert report.renamed_lessons == ["demo-course/practice -> hands-on"]
    assert report.retired_lessons == []
    db.session.expire_all()
    lesson = db.session.get(Lesson, practice_id)
    assert (lesson.slug, lesson.title, lesson.retired_at) == ("hands-on", "Hands on", None)
    assert lesson.former_slugs == ["practice"]  # old links still find it
    assert count(Lesson) == 4  # with the quiz lesson: none added
    row = db.session.scalar(select(LessonProgress))
    assert row.lesson_id == practice_id and row.done_at is not None
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "lesson.rename"))
    assert event.detail == {"lesson_id": practice_id, "before": "practice", "after": "hands-on"}

    # The command says so.
    (folder / "01-intro.md").rename(folder / "01-welcome.md")
    _replace(folder / "01-welcome.md", "title: Intro", "title: Intro\nrenamed_from: intro")
    runner = current_app.test_cli_runner()
    result = runner.invoke(args=["academy", "courses", "sync", str(tmp_path)])
    assert "renamed  demo-course/intro -> welcome" in result.output, result.output
    assert "0 lessons retired, 1 renamed" in result.output

    # The key may stay in the file: the old slug is gone, so later syncs change nothing.
    again = sync_courses(tmp_path)
    assert again.unchanged == ["demo-course"] and again.renamed_lessons == []


def test_a_renamed_file_without_renamed_from_is_a_new_lesson(tmp_path):
    folder = write_course(tmp_path, lessons=("intro", "practice"))
    sync_courses(tmp_path)
    db.session.commit()
    (folder / "02-practice.md").rename(folder / "02-hands-on.md")
    report = sync_courses(tmp_path)
    db.session.commit()
    assert report.retired_lessons == ["demo-course/practice"] and report.renamed_lessons == []
    assert db.session.scalar(select(Lesson).where(Lesson.slug == "hands-on")) is not None


def test_renamed_from_in_a_new_database_just_creates_the_lesson(tmp_path):
    folder = write_course(tmp_path, lessons=("intro", "practice"))
    _replace(folder / "02-practice.md", "title: Practice", "title: Practice\nrenamed_from: [a, b]")
    report = sync_courses(tmp_path)
    assert report.created == ["demo-course"] and report.renamed_lessons == []
    assert db.session.scalars(select(Lesson.slug).order_by(Lesson.position)).all() == [
        "intro",
        "practice",
        "quiz",
    ]


def test_syncing_one_folder_never_removes_courses_from_elsewhere(tmp_path):
    write_course(tmp_path / "a", "course-a")
    write_course(tmp_path / "b", "course-b")
    sync_courses(tmp_path / "a")
    sync_courses(tmp_path / "b")
    db.session.commit()
    courses = db.session.scalars(select(Course).order_by(Course.slug)).all()
    assert [(c.slug, c.retired_at) for c in courses] == [("course-a", None), ("course-b", None)]


def test_min_attendance_is_read_and_bounded(tmp_path):
    folder = write_course(tmp_path)
    _replace(folder / "course.md", "summary:", "min_attendance: 80\nsummary:")
    sync_courses(tmp_path)
    assert db.session.scalar(select(Course.min_attendance)) == 80
    _replace(folder / "course.md", "min_attendance: 80", "min_attendance: 180")
    with pytest.raises(FormatError, match=r"course.md:7: 'min_attendance'"):
        sync_courses(tmp_path)


def test_a_course_folder_behind_a_broken_link_is_refused(tmp_path):
    write_course(tmp_path)
    (tmp_path / "lost-course").symlink_to(tmp_path / "nowhere")
    with pytest.raises(FormatError, match=r"lost-course:1: a symbolic link to nothing"):
        sync_courses(tmp_path)


def _sync_cli(app, root) -> str:
    db.session.commit()  # the command runs in its own transaction
    result = app.test_cli_runner().invoke(args=["academy", "courses", "sync", str(root)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def _studying(root, lessons):
    """A synced course of plain lessons and a trainee with a seat in it."""
    from academy.progress.learning import record_progress

    folder = write_course(root, lessons=lessons, quiz_pass_mark=None)
    sync_courses(root)
    course = db.session.scalar(select(Course))
    trainee = factories.make_user()
    enrolment = factories.enrol(factories.make_cohort(course), trainee)
    return folder, trainee, enrolment, record_progress


def test_retiring_the_last_lesson_left_issues_the_completion_it_now_meets(app, tmp_path):
    from academy.progress.models import CompletionRecord

    folder, trainee, enrolment, record_progress = _studying(
        tmp_path, ("intro", "practice", "extra")
    )
    for slug in ("intro", "practice"):
        record_progress(trainee, enrolment.id, slug)
    assert count(CompletionRecord) == 0

    (folder / "03-extra.md").unlink()
    output = _sync_cli(app, tmp_path)

    assert "completed 1 trainees" in output
    record = db.session.scalar(select(CompletionRecord))
    assert record is not None and record.user_id == trainee.id
    assert _sync_cli(app, tmp_path).count("completed") == 0  # once only


def test_a_lesson_that_gains_a_quiz_is_done_again_once_the_quiz_is_passed(app, tmp_path):
    from academy.progress.learning import progress_by_lesson
    from academy.progress.models import CompletionRecord
    from tests.courses.helpers import QUIZ_LESSON

    folder, trainee, enrolment, record_progress = _studying(
        tmp_path, ("intro", "practice", "final")
    )
    for slug in ("intro", "practice"):
        record_progress(trainee, enrolment.id, slug)

    (folder / "02-practice.md").write_text(QUIZ_LESSON.format(title="Practice", pass_mark=50))
    output = _sync_cli(app, tmp_path)

    assert "reopened 1 lessons" in output
    practice = db.session.scalar(select(Lesson).where(Lesson.slug == "practice"))
    assert progress_by_lesson(enrolment.id)[practice.id].done_at is None
    assert not record_progress(trainee, enrolment.id, "final").completed
    result = record_progress(trainee, enrolment.id, "practice", {"q1": 1, "q2": 0})
    assert result.completed and count(CompletionRecord) == 1
