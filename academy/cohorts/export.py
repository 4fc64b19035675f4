"""Roster tables for downloads: the API's CSV and the instructor's CSV/XLSX matrix."""

from __future__ import annotations

from flask_babel import gettext as _

from academy.cohorts.roster import Roster
from academy.templating import label

API_COLUMNS = (
    "enrolment_id",
    "user_id",
    "name",
    "status",
    "lessons_done",
    "lessons_total",
    "completed_on",
)


def roster_records(roster: Roster) -> list[dict]:
    """The API's roster rows, one dict per enrolment."""
    return [
        {
            "enrolment_id": row.enrolment.id,
            "user_id": row.user.id,
            "name": row.user.name,
            "email": row.user.email,
            "status": row.enrolment.status,
            "lessons_done": row.lessons_done,
            "lessons_total": row.lessons_total,
            "completed_on": row.completed_on,
            "last_activity_at": row.last_activity_at,
            "behind": row.behind,
        }
        for row in roster.rows
    ]


def api_table(roster: Roster) -> tuple[list[str], list[list]]:
    rows = [
        [
            record[column].isoformat()
            if column == "completed_on" and record[column]
            else ("" if record[column] is None else record[column])
            for column in API_COLUMNS
        ]
        for record in roster_records(roster)
    ]
    return list(API_COLUMNS), rows


def _cell(progress) -> str | int:
    """A lesson cell: the quiz score if there is one, else done or not."""
    if progress is None:
        return ""
    if progress.best_score is not None:
        return progress.best_score
    return _("done") if progress.done else _("started")


def matrix_table(roster: Roster, rows=None) -> tuple[list[str], list[list]]:
    """The trainee × lesson matrix as one sheet; numbers stay numbers."""
    header = [
        _("Name"),
        _("Email"),
        _("Status"),
        _("Lessons done"),
        _("Lessons in all"),
        _("Percent done"),
        _("Behind"),
        _("Last activity"),
        _("Completed on"),
        _("Sessions attended"),
    ] + [f"{lesson.position:02d} {lesson.title}" for lesson in roster.lessons]
    body = []
    for row in roster.rows if rows is None else rows:
        body.append(
            [
                row.user.name,
                row.user.email,
                label(row.enrolment.status),
                row.lessons_done,
                row.lessons_total,
                row.percent,
                _("yes") if row.behind else _("no"),
                row.last_activity_at.strftime("%Y-%m-%d %H:%M") if row.last_activity_at else "",
                row.completed_on.isoformat() if row.completed_on else "",
                row.attended,
            ]
            + [_cell(cell) for cell in row.in_order]
        )
    return header, body
