"""Pages of the partners domain: management for programme staff, the portal for partners."""

from academy.partners import bp
from academy.partners.tables import partner_kind_label


@bp.context_processor
def _helpers():
    return {"kind_label": partner_kind_label}


from academy.partners.views import manage, report  # noqa: E402,F401
