"""Who may use the app: access grants by email."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import AccessGrant


def access_role_for(session: Session, email: str) -> str | None:
    """The access role granted to this email (case-insensitive), or None without a grant."""
    return session.scalar(select(AccessGrant.access_role)
                          .where(AccessGrant.email == email.strip().lower()))


def access_grants(session: Session) -> pd.DataFrame:
    """Every grant: email, access_role, granted_by, created_at (by email)."""
    rows = session.execute(select(AccessGrant.email, AccessGrant.access_role,
                                  AccessGrant.granted_by, AccessGrant.created_at)
                           .order_by(AccessGrant.email)).all()
    return pd.DataFrame(rows, columns=["email", "access_role", "granted_by", "created_at"])
