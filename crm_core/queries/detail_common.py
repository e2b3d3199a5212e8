"""What every detail page lists about a page of stakeholders: their MEDDPICC roles and owners.

Lists are fetched for one page of stakeholder ids at a time (never a whole table) and joined to
the page's rows, so each row reads "Economic buyer, Decision maker" and "Alice Archer, Bob Baker".
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import StakeholderMeddpiccRole, StakeholderRelationshipOwner, User
from crm_core.vocab import MEDDPICC_ROLES

LIST_SEPARATOR = ", "
# Ids per IN list: a whole list for a download can hold more ids than SQLite takes at once.
ID_CHUNK = 5_000


def id_chunks(ids: Collection[int]) -> list[list[int]]:
    """The ids in lists of at most ID_CHUNK."""
    ids = list(ids)
    return [ids[i:i + ID_CHUNK] for i in range(0, len(ids), ID_CHUNK)]


def roles_by_stakeholder(session: Session, *,
                         stakeholder_ids: Collection[int]) -> dict[int, tuple[str, ...]]:
    """Each stakeholder's MEDDPICC role values, in the vocabulary's display order."""
    rows = [row for chunk in id_chunks(stakeholder_ids) for row in session.execute(
        select(StakeholderMeddpiccRole.stakeholder_id, StakeholderMeddpiccRole.meddpicc_role)
        .where(StakeholderMeddpiccRole.stakeholder_id.in_(chunk))).all()]
    roles: dict[int, list[str]] = {}
    for stakeholder_id, role in rows:
        roles.setdefault(stakeholder_id, []).append(role)
    order = {value: position for position, value in enumerate(MEDDPICC_ROLES)}
    return {sid: tuple(sorted(values, key=lambda v: order.get(v, len(order))))
            for sid, values in roles.items()}


def owners_by_stakeholder(session: Session, *, stakeholder_ids: Collection[int]
                          ) -> dict[int, tuple[tuple[int, str], ...]]:
    """Each stakeholder's relationship owners as (user_id, name), by name."""
    rows = [row for chunk in id_chunks(stakeholder_ids) for row in session.execute(
        select(StakeholderRelationshipOwner.stakeholder_id, User.id, User.name)
        .join(User, User.id == StakeholderRelationshipOwner.user_id)
        .where(StakeholderRelationshipOwner.stakeholder_id.in_(chunk))
        .order_by(User.name, User.id)).all()]
    owners: dict[int, list[tuple[int, str]]] = {}
    for stakeholder_id, user_id, name in rows:
        owners.setdefault(stakeholder_id, []).append((user_id, name))
    return {sid: tuple(values) for sid, values in owners.items()}


def role_labels(values: tuple[str, ...] | list[str]) -> str:
    """'Economic buyer, Decision maker' for a tuple of role values."""
    return LIST_SEPARATOR.join(MEDDPICC_ROLES.label(v) for v in values)


def add_roles_and_owners(session: Session, frame: pd.DataFrame, *,
                         id_column: str = "stakeholder_id",
                         exclude_owner: int | None = None) -> pd.DataFrame:
    """The frame with `roles` and `owners` text columns (owners minus `exclude_owner`)."""
    ids = [int(i) for i in frame[id_column]]
    roles = roles_by_stakeholder(session, stakeholder_ids=ids)
    owners = owners_by_stakeholder(session, stakeholder_ids=ids)
    result = frame.copy()
    result["roles"] = [role_labels(roles.get(i, ())) for i in ids]
    result["owners"] = [LIST_SEPARATOR.join(name for uid, name in owners.get(i, ())
                                            if uid != exclude_owner) for i in ids]
    return result
