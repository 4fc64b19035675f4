"""Bulk enrolment in the browser: upload a CSV, read the preview, confirm.

Between preview and confirm the uploaded text waits in the database (`PendingImport`, any
app server can answer either step), under a random key and bound to the uploader and the
cohort (never in the cookie); a day later it is gone.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import delete
from werkzeug.exceptions import RequestEntityTooLarge

from academy.cohorts import bp, imports
from academy.cohorts.encodings import LABELS, LEGACY
from academy.cohorts.forms import ConfirmForm, ImportForm
from academy.cohorts.models import PendingImport
from academy.cohorts.permissions import can_manage_cohort
from academy.cohorts.queries import load_cohort
from academy.cohorts.views.common import managed_cohort
from academy.errors import Invalid
from academy.extensions import db, utcnow
from academy.permissions import current_actor, requires

KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_FOR = timedelta(days=1)
SHOW_ERRORS = 500


def _stored(cohort_id: int, key: str) -> PendingImport:
    """The pending upload, only for the person who made it, for this cohort, within a day."""
    if not KEY.match(key):
        abort(404)
    pending = db.session.get(PendingImport, key)
    if (
        pending is None
        or pending.user_id != current_actor().id
        or pending.cohort_id != cohort_id
        or pending.created_at < utcnow() - KEEP_FOR
    ):
        abort(404)
    return pending


@bp.route("/cohorts/<int:cohort_id>/import", methods=["GET", "POST"])
@requires("cohort.enrol")
def import_upload(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read(imports.max_bytes() + 1)
        try:
            decoded = imports.read(data)
            text = decoded.text
            imports.parse(text)  # refuse an unreadable file here, not after the redirect
        except imports.ImportFileError as error:
            form.file.errors = [str(error)]
        else:
            db.session.execute(
                delete(PendingImport).where(PendingImport.created_at < utcnow() - KEEP_FOR)
            )
            key = secrets.token_urlsafe(24)
            db.session.add(
                PendingImport(
                    key=key,
                    user_id=current_actor().id,
                    cohort_id=cohort.id,
                    filename=(form.file.data.filename or "upload.csv").replace("\x00", "")[:200],
                    text=text,
                    encoding=decoded.encoding[:40],
                )
            )
            db.session.commit()
            return redirect(url_for("cohorts.import_preview", cohort_id=cohort.id, key=key))
    status = 422 if form.errors else 200
    return render_template(
        "cohorts/import_upload.html",
        cohort=cohort,
        form=form,
        header=",".join(imports.HEADER),
        limit_mb=imports.megabytes(imports.max_bytes()),
    ), status


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_error):
    """Over MAX_CONTENT_LENGTH: refused unread, on the upload page with a message."""
    limit_mb = imports.megabytes(imports.max_bytes())
    message = _(
        "The file is too large: at most %(mb)s MB can be uploaded. Split it into smaller "
        "files and upload them one by one.",
        mb=limit_mb,
    )
    cohort = None
    if request.endpoint == "cohorts.import_upload":
        cohort = load_cohort(request.view_args["cohort_id"])
    # Anyone can send a large body (CSRF is checked after reading it): the upload page, and
    # what it names, only for whoever runs the cohort; a plain 413 for everyone else.
    if cohort is None or not can_manage_cohort(current_actor(), cohort):
        return render_template("error.html", status=413, message=message), 413
    form = ImportForm(formdata=None)
    form.file.errors = [message]
    return render_template(
        "cohorts/import_upload.html",
        cohort=cohort,
        form=form,
        header=",".join(imports.HEADER),
        limit_mb=limit_mb,
    ), 413


@bp.get("/cohorts/<int:cohort_id>/import/<key>")
@requires("cohort.enrol")
def import_preview(cohort_id: int, key: str):
    cohort = managed_cohort(cohort_id)
    pending = _stored(cohort.id, key)
    plan = imports.plan(pending.text, cohort)
    db.session.rollback()  # the preview only read
    return render_template(
        "cohorts/import_preview.html",
        cohort=cohort,
        plan=plan,
        key=key,
        filename=pending.filename,
        form=ConfirmForm(),
        errors=plan.errors[:SHOW_ERRORS],
        encoding=LABELS.get(pending.encoding),
        guessed=pending.encoding in LEGACY,
    )


@bp.post("/cohorts/<int:cohort_id>/import/<key>")
@requires("cohort.enrol")
def import_confirm(cohort_id: int, key: str):
    cohort = managed_cohort(cohort_id)
    pending = _stored(cohort.id, key)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = imports.apply(current_actor(), pending.text, cohort)
    except Invalid:
        db.session.rollback()
        flash(_("Some rows are not valid, so nothing was imported. Fix them and upload again."))
        return redirect(url_for("cohorts.import_preview", cohort_id=cohort.id, key=key))
    db.session.delete(pending)  # in the import's own transaction: both happen or neither
    db.session.commit()
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
