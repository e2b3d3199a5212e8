"""Split a rep's book among several receivers: one handoff per receiver (each its own entry in
the history, undone on its own), all in one transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from crm_core.access import Actor, Permission
from crm_core.errors import ValidationError
from crm_core.services.handoff import HandoffResult, hand_off


def hand_off_split(session: Session, *, actor: Actor, from_user_id: int,
                   parts: Sequence[tuple[int, Sequence[int], str]],
                   include_team_seats: bool = True) -> list[HandoffResult]:
    """Each part: (receiver id, the stakeholder ids they take, the fingerprint of the preview
    shown for them). Refused as a whole if any part is."""
    actor.require(Permission.EDIT)
    if not parts:
        raise ValidationError("Choose a receiver for at least one company.", field="parts")
    receivers = [int(to) for to, _, _ in parts]
    if len(set(receivers)) != len(receivers):
        raise ValidationError("Each receiver takes one part of the book.", field="parts")
    return [hand_off(session, actor=actor, from_user_id=from_user_id, to_user_id=int(to),
                     stakeholder_ids=[int(i) for i in ids], seen_preview=seen,
                     include_team_seats=include_team_seats) for to, ids, seen in parts]
