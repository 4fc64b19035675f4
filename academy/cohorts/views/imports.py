"""Bulk enrolment in the browser: upload a CSV, read the preview, confirm.

Between preview and confirm the uploaded text waits in a file under the instance folder,
named by a random key and bound to the uploader and the cohort (never in the cookie).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from academy.cohorts import bp, imports
from academy.cohorts.encodings import LABELS, LEGACY
from academy.cohorts.forms import ConfirmForm, ImportForm
from academy.cohorts.views.common import managed_cohort
from academy.errors import Invalid
from academy.extensions import db
from academy.permissions import current_actor, requires
from config import INSTANCE_DIR

KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_FOR = 24 * 3600
SHOW_ERRORS = 500


def _folder() -> Path:
    folder = Path(current_app.config.get("ACADEMY_IMPORT_DIR") or INSTANCE_DIR / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _purge_old(folder: Path) -> None:
    cutoff = time.time() - KEEP_FOR
    for path in folder.glob("*.json"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _stored(cohort_id: int, key: str) -> tuple[Path, dict]:
    """The pending upload, only for the person who made it and for this cohort."""
    if not KEY.match(key):
        abort(404)
    path = _folder() / f"{key}.json"
    if not path.exists():
        abort(404)
    pending = json.loads(path.read_text(encoding="utf-8"))
    if pending["user_id"] != current_actor().id or pending["cohort_id"] != cohort_id:
        abort(404)
    return path, pending


@bp.route("/cohorts/<int:cohort_id>/import", methods=["GET", "POST"])
@requires("cohort.enrol")
def import_upload(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read(imports.MAX_BYTES + 1)
        try:
            decoded = imports.read(data)
            text = decoded.text
            imports.parse(text)  # refuse an unreadable file here, not after the redirect
        except imports.ImportFileError as error:
            form.file.errors = [str(error)]
        else:
            folder = _folder()
            _purge_old(folder)
            key = secrets.token_urlsafe(24)
            pending = {
                "user_id": current_actor().id,
                "cohort_id": cohort.id,
                "filename": (form.file.data.filename or "upload.csv")[:200],
                "text": text,
                "encoding": decoded.encoding,
            }
            (folder / f"{key}.json").write_text(json.dumps(pending), encoding="utf-8")
            return redirect(url_for("cohorts.import_preview", cohort_id=cohort.id, key=key))
    status = 422 if form.errors else 200
    return render_template(
        "cohorts/import_upload.html",
        cohort=cohort,
        form=form,
        header=",".join(imports.HEADER),
        limit_mb=imports.MAX_BYTES // (1024 * 1024),
    ), status


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_error):
    """Over MAX_CONTENT_LENGTH: refused unread, on the upload page with a message."""
    limit = min(
        current_app.config.get("MAX_CONTENT_LENGTH") or imports.MAX_BYTES, imports.MAX_BYTES
    )
    message = _(
        "The file is too large: at most %(mb)d MB can be uploaded. Split it into smaller "
        "files and upload them one by one.",
        mb=limit // (1024 * 1024),
    )
    if request.endpoint != "cohorts.import_upload":
        return render_template("error.html", status=413, message=message), 413
    form = ImportForm(formdata=None)
    form.file.errors = [message]
    return render_template(
        "cohorts/import_upload.html",
        cohort=managed_cohort(request.view_args["cohort_id"]),
        form=form,
        header=",".join(imports.HEADER),
        limit_mb=limit // (1024 * 1024),
    ), 413


@bp.get("/cohorts/<int:cohort_id>/import/<key>")
@requires("cohort.enrol")
def import_preview(cohort_id: int, key: str):
    cohort = managed_cohort(cohort_id)
    _path, pending = _stored(cohort.id, key)
    plan = imports.plan(pending["text"], cohort)
    db.session.rollback()  # the preview only read
    return render_template(
        "cohorts/import_preview.html",
        cohort=cohort,
        plan=plan,
        key=key,
        filename=pending["filename"],
        form=ConfirmForm(),
        errors=plan.errors[:SHOW_ERRORS],
        encoding=LABELS.get(pending.get("encoding", "utf-8")),
        guessed=pending.get("encoding") in LEGACY,
    )


@bp.post("/cohorts/<int:cohort_id>/import/<key>")
@requires("cohort.enrol")
def import_confirm(cohort_id: int, key: str):
    cohort = managed_cohort(cohort_id)
    path, pending = _stored(cohort.id, key)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = imports.apply(current_actor(), pending["text"], cohort)
    except Invalid:
        db.session.rollback()
        flash(_("Some rows are not valid, so nothing was imported. Fix them and upload again."))
        return redirect(url_for("cohorts.import_preview", cohort_id=cohort.id, key=key))
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(
        _(
            "Imported: %(new)d new trainees, %(seats)d enrolled, %(wait)d on the waitlist.",
            new=result.new_users,
            seats=result.seats,
            wait=result.waitlisted,
        ),
        "success",
    )
    return redirect(url_for("cohorts.roster", cohort_id=cohort.id))
