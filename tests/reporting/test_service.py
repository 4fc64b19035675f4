"""Setting a year's target: validation, append-only history, audit."""

import pytest
from sqlalchemy import func, select

from academy.audit.models import AuditEvent
from academy.errors import Invalid
from academy.extensions import db
from academy.reporting import service
from academy.reporting.headcount import period_for
from academy.reporting.models import ProgrammeYear, TargetChange
from tests.factories import make_user


def test_setting_a_target_creates_the_year_and_keeps_every_change():
    manager = make_user(["manager"])
    service.set_target(manager, 2025, 4500, "Board raised the goal")
    db.session.commit()
    service.set_target(manager, 2025, 5000)
    db.session.commit()

    assert period_for(2025).target == 5000
    row = db.session.get(ProgrammeYear, 2025)
    assert (row.starts_on.isoformat(), row.ends_on.isoformat()) == ("2025-01-01", "2026-01-01")
    history = service.target_history(2025)
    assert [(h.old_target, h.new_target) for h in history] == [(4500, 5000), (4000, 4500)]
    assert history[1].reason == "Board raised the goal"
    assert history[0].actor_name == manager.name
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "target.change").order_by(AuditEvent.id)
    )
    assert [(e.detail["old"], e.detail["new"]) for e in events] == [(4000, 4500), (4500, 5000)]


@pytest.mark.parametrize("bad", [-1, 1_000_001, "12", 12.5, True, None])
def test_a_bad_target_is_refused_and_nothing_is_stored(bad):
    manager = make_user(["manager"])
    with pytest.raises(Invalid) as error:
        service.set_target(manager, 2025, bad)
    assert "target" in error.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(TargetChange)) == 0
    assert db.session.get(ProgrammeYear, 2025) is None


def test_the_limits_are_allowed_and_an_unchanged_target_is_refused():
    manager = make_user(["manager"])
    service.set_target(manager, 2025, 0)
    service.set_target(manager, 2025, 1_000_000)
    with pytest.raises(Invalid, match="already"):
        service.set_target(manager, 2025, 1_000_000)


def test_years_outside_the_programme_range_are_refused():
    with pytest.raises(Invalid):
        service.set_target(make_user(["manager"]), 1999, 10)
