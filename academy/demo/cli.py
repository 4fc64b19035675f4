"""`academy demo [--scale N]`."""

import time
from pathlib import Path

import click
from flask import current_app

from academy.extensions import db


@click.command("demo")
@click.option(
    "--scale",
    type=click.IntRange(min=100, max=200_000),
    default=None,
    help="Generate a synthetic academy of about N trainees over five years.",
)
@click.option("--courses", "courses_dir", default=None, help="Course folder (default courses/).")
def demo_command(scale, courses_dir):
    """Load the demo academy (idempotent), or a synthetic one for benchmarks."""
    from academy.courses.cli import refuse
    from academy.courses.sync import FormatError, sync_courses
    from academy.demo import small

    folder = Path(courses_dir or Path(current_app.root_path).parent / "courses")
    started = time.perf_counter()
    try:
        sync_courses(folder)
    except FormatError as error:
        refuse(error, f"nothing was loaded from {folder}")
    db.session.commit()
    if scale:
        from academy.demo.synthetic import generate, settle

        if not small.is_loaded():
            small.load_demo()
        summary = generate(scale)
        db.session.commit()
        settle()
        click.echo(f"Synthetic academy: {summary} in {time.perf_counter() - started:.1f} s")
    elif small.is_loaded():
        click.echo("The demo academy is already loaded.")
    else:
        summary = small.load_demo()
        db.session.commit()
        click.echo(
            f"Demo academy loaded: {summary['people']} people, {summary['cohorts']} cohorts "
            f"in {time.perf_counter() - started:.1f} s."
        )
    click.echo("Demo logins (password for all):")
    for email, password, roles in small.logins():
        click.echo(f"  {email:28} {password}   {roles}")


commands = [demo_command]
