"""`academy import trainees FILE.csv [--cohort ID] [--dry-run]`."""

from __future__ import annotations

import time

import click

from academy.cohorts import imports
from academy.cohorts.models import Cohort
from academy.errors import DomainError
from academy.extensions import db
from academy.security import MAX_ID

MAX_ERRORS_SHOWN = 200


@click.group("import")
def import_group():
    """Bulk imports."""


def _report(plan: imports.ImportPlan) -> None:
    click.echo(f"new trainees:        {plan.new_users}")
    click.echo(f"existing (by email): {plan.existing_users}")
    if plan.cohort is not None:
        click.echo(f"enrolled:            {plan.seats}")
        click.echo(f"waitlisted:          {plan.waitlisted}")
        click.echo(f"already in cohort:   {len(plan.already_in)}")


def _fail_rows(plan: imports.ImportPlan) -> None:
    errors = plan.errors
    for number, reason in errors[:MAX_ERRORS_SHOWN]:
        click.echo(f"Row {number}: {reason}", err=True)
    if len(errors) > MAX_ERRORS_SHOWN:
        click.echo(f"... and {len(errors) - MAX_ERRORS_SHOWN} more problems.", err=True)
    raise click.ClickException(f"{plan.bad_rows} bad row(s); nothing was imported.")


@import_group.command("trainees")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--cohort",
    "cohort_id",
    type=click.IntRange(1, MAX_ID),
    help="Enrol everyone in this cohort.",
)
@click.option("--dry-run", is_flag=True, help="Report what would happen; change nothing.")
def import_trainees(file: str, cohort_id: int | None, dry_run: bool):
    """Create trainees from a CSV (email,name,kind,region,organisation,consent_share), all or
    nothing, and optionally enrol them in a cohort."""
    started = time.perf_counter()
    cohort = None
    if cohort_id is not None:
        cohort = db.session.get(Cohort, cohort_id)
        if cohort is None:
            raise click.BadParameter(f"no cohort with id {cohort_id}", param_hint="--cohort")
    with open(file, "rb") as handle:
        data = handle.read(imports.max_bytes() + 1)
    try:
        decoded = imports.read(data)
        text = decoded.text
        if decoded.guessed:
            click.echo(f"Read as {decoded.label} (the file is not UTF-8).")
        if dry_run:
            plan = imports.plan(text, cohort)
            db.session.rollback()
            if plan.errors:
                _fail_rows(plan)
            _report(plan)
            click.echo("Dry run: nothing was changed.")
            return
        plan = imports.apply(None, text, cohort, progress=click.echo)
    except imports.ImportFileError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    except DomainError as error:
        db.session.rollback()
        rows = error.fields.get("rows")
        if rows:
            for line in rows[:MAX_ERRORS_SHOWN]:
                click.echo(line, err=True)
            if len(rows) > MAX_ERRORS_SHOWN:
                click.echo(f"... and {len(rows) - MAX_ERRORS_SHOWN} more bad rows.", err=True)
        raise click.ClickException(error.message) from None
    db.session.commit()
    _report(plan)
    click.echo(f"Imported in {time.perf_counter() - started:.1f} s.")


commands = [import_group]
