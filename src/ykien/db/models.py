"""Import every domain's models so Base.metadata is complete (for Alembic and tests)."""

from ykien.accounts import models as accounts
from ykien.analysis import models as analysis
from ykien.analysis import tallies
from ykien.audit import models as audit
from ykien.consultations import models as consultations
from ykien.db.base import Base
from ykien.decisions import models as decisions
from ykien.drafts import models as drafts
from ykien.events import models as events
from ykien.opinions import models as opinions
from ykien.orgs import models as orgs
from ykien.synthesis import models as synthesis

__all__ = [
    "Base",
    "accounts",
    "analysis",
    "audit",
    "consultations",
    "decisions",
    "drafts",
    "events",
    "opinions",
    "orgs",
    "synthesis",
    "tallies",
]
