"""Import every domain's models so Base.metadata is complete (for Alembic and tests)."""

from ykien.accounts import models as accounts
from ykien.audit import models as audit
from ykien.consultations import models as consultations
from ykien.db.base import Base
from ykien.drafts import models as drafts
from ykien.opinions import models as opinions
from ykien.orgs import models as orgs

__all__ = ["Base", "accounts", "audit", "consultations", "drafts", "opinions", "orgs"]
