"""`flask --app wsgi academy headcount --year YYYY [--json]`."""

from __future__ import annotations

import json

import click

from academy.dates import MAX_YEAR, MIN_YEAR, local_today


@click.command("headcount")
@click.option(
    "--year",
    type=click.IntRange(MIN_YEAR, MAX_YEAR),
    default=lambda: local_today().year,
    show_default="this year",
    help="Programme year.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the same object as the API.")
def headcount_command(year: int, as_json: bool) -> None:
    """The year's headcount against its target."""
    from academy.api.reporting import headcount_object

    data = headcount_object(year)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    percent = "n/a" if data["percent"] is None else f"{data['percent']}%"
    click.echo(f"Headcount {data['year']}: {data['trained']} of {data['target']} ({percent})")
    click.echo(f"  remaining         {data['remaining']}")
    click.echo(f"  expected to date  {data['expected_to_date']}")
    click.echo(f"  forecast          {data['forecast']}")
    click.echo("  by month          " + " ".join(str(n) for n in data["by_month"]))
    for title, key in (("kind", "by_kind"), ("region", "by_region"), ("track", "by_track")):
        parts = ", ".join(f"{k} {v}" for k, v in data[key].items())
        click.echo(f"  by {title:<15}{parts}")


commands = [headcount_command]
