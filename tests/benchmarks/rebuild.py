"""What a cached report costs to compute again once a write has invalidated it.

The load tests measure the reports warm. A completion changes the records version and a join
the enrolments version (academy/reporting/cache.py); the next reader in each worker then pays
for the parts of the report that version files. Timed in-process with the cache off (so each
call computes everything it covers), median of a few calls.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from tests.benchmarks.bulk import academy

CALLS = 5


def _median_ms(call: Callable[[], object]) -> float:
    call()  # the first one pays for imports and the statement cache
    times = []
    for _ in range(CALLS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def rebuild_costs(url: str, year: int, partner_id: int) -> dict[str, float]:
    """{what is recomputed: median ms} for the academy at `url`."""
    from flask import current_app

    from academy.dates import local_today
    from academy.partners import queries as partners
    from academy.partners.models import Partner
    from academy.reporting import queries as reports
    from academy.reporting.headcount import Filters, period_for

    with academy(url) as session:
        current_app.config["ACADEMY_CACHE_URL"] = "none"
        today, everyone = local_today(), Filters()
        period = period_for(year)
        trained = reports.headline(period, today)["trained"]
        partner = session.get(Partner, partner_id)
        report_period = partners.parse_period({"year": str(year)}, today)
        return {
            "after a completion: headcount API object": _median_ms(
                lambda: reports.headline(period, today)
            ),
            "after a completion: whole dashboard": _median_ms(
                lambda: reports.dashboard(year, everyone, today)
            ),
            "after a completion: a partner's talent-supply report": _median_ms(
                lambda: partners.talent_supply(partner, report_period)
            ),
            "after a join: the forecast (headcount API and dashboard)": _median_ms(
                lambda: reports.pace_for(period, trained, today, everyone)
            ),
        }


def rebuild_table(costs: dict[str, float]) -> str:
    lines = [
        "| recomputed once a write invalidates it (in-process, cache off) | ms |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {ms:.0f} |" for name, ms in costs.items()]
    return "\n".join(lines)
