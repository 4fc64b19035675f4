"""Pages of the partners domain: management for programme staff, the portal for partners."""

from academy.partners import bp
from academy.partners.tables import partner_kind_label, shown_period


@bp.context_processor
def _helpers():
    return {"kind_label": partner_kind_label}


bp.add_app_template_filter(shown_period, "period")


from academy.partners.views import manage, report  # noqa: E402,F401
