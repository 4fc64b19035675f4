"""`academy backup PATH` and `academy restore PATH`."""

from pathlib import Path

import click

from academy.ops.backup import BackupError, backup, restore


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    """Write a consistent backup of the database to PATH (safe while serving)."""
    try:
        backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {path} ({path.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool):
    """Replace the database's contents with the backup at PATH."""
    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    try:
        restore(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {path}.")


commands = [backup_command, restore_command]
