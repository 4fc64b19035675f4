"""`academy courses sync [DIR]`."""

from pathlib import Path

import click

from academy.courses.sync import FormatError, sync_courses
from academy.extensions import db
from academy.progress.resync import after_course_changes

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "courses"


@click.group("courses")
def courses_group():
    """Course content."""


def refuse(error: FormatError, outcome: str):
    """Undo, list each problem as path:line, and stop the command with a non-zero exit."""
    db.session.rollback()
    for problem in error.problems:
        click.echo(str(problem), err=True)
    raise click.ClickException(f"{len(error.problems)} problem(s) found; {outcome}.") from None


@courses_group.command("sync")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def sync(directory):
    """Create or update courses from Markdown (default: courses/). Changes nothing on error."""
    directory = directory or DEFAULT_DIR
    try:
        report = sync_courses(directory)
    except FormatError as error:
        refuse(error, "nothing was synced")
    # Progress made against the courses as they were: put in step with them as they are.
    resync = after_course_changes(report.updated)
    db.session.commit()
    for slug in report.created:
        click.echo(f"created  {slug}")
    for slug in report.updated:
        click.echo(f"updated  {slug}")
    for name in report.renamed_lessons:
        click.echo(f"renamed  {name}")
    for name in report.retired_lessons:
        click.echo(f"retired  {name}")
    if resync.reopened:
        click.echo(f"reopened {resync.reopened} lessons done before their quiz existed")
    if resync.completed:
        click.echo(f"completed {resync.completed} trainees who now meet their course's criteria")
    click.echo(f"Synced {directory}: {report.summary()}.")


commands = [courses_group]
