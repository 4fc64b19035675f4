"""`academy backup PATH` and `academy restore PATH`."""

from pathlib import Path

import click

from academy.ops.backup import BackupError, backup, restore


def _file_name(_ctx, _param, value: str) -> Path:
    # click turns "" into Path("."), the current folder.
    if not value.strip():
        raise click.BadParameter("give a file name, not an empty string")
    return Path(value)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False), callback=_file_name)
def backup_command(path: Path):
    """Write a consistent backup of the database to PATH (safe while serving).

    An existing file at PATH is replaced only if it is an earlier backup."""
    try:
        backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {path} ({path.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False), callback=_file_name)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool):
    """Replace the database's contents with the backup at PATH.

    The file must be a backup of Academy; if it is not, or the restore fails, nothing changes.
    The database is left at the backup's schema revision: run `flask --app wsgi db upgrade`
    afterwards if the code is newer."""
    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    try:
        restore(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {path}.")


commands = [backup_command, restore_command]
