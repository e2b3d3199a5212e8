"""Who can be picked on the Manage pages: every user, with how many relationships they own and
whether they have departed (departed users are offered for nothing new)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.models import StakeholderRelationshipOwner, User


def user_options(session: Session) -> pd.DataFrame:
    """Every user with how many stakeholder relationships they own and their departure date
    (users are few)."""
    owned = (select(StakeholderRelationshipOwner.user_id,
                    func.count().label("owned"))
             .group_by(StakeholderRelationshipOwner.user_id).subquery())
    rows = session.execute(
        select(User.id, User.name, User.email, User.job_title,
               func.coalesce(owned.c.owned, 0), User.departed_on)
        .outerjoin(owned, owned.c.user_id == User.id).order_by(User.name, User.id)).all()
    return pd.DataFrame(rows, columns=["user_id", "name", "email", "job_title", "owned",
                                       "departed_on"])
