"""Helpers of the Manage page tests: ids by name, rows of the AppTest database, and writes made
"by a colleague" straight through the services while a page is open."""

from __future__ import annotations

import re

from sqlalchemy import select

from crm_core.db import make_engine, read_session, write_session
from crm_core.models import ENTITY_MODELS, StakeholderRelationshipOwner


def id_of(url: str, entity_type: str, name: str) -> int:
    """The id of the record of this type with this name in the AppTest database."""
    model = ENTITY_MODELS[entity_type]
    engine = make_engine(url)
    with read_session(engine) as session:
        found = session.scalar(select(model.id).where(model.name == name))
    engine.dispose()
    assert found is not None, f"no {entity_type} named {name}"
    return found


def owner_names(url: str, stakeholder: str) -> list[str]:
    """Names of the stakeholder's relationship owners, sorted."""
    user, person = ENTITY_MODELS["user"], ENTITY_MODELS["stakeholder"]
    engine = make_engine(url)
    with read_session(engine) as session:
        names = session.scalars(
            select(user.name).join(StakeholderRelationshipOwner,
                                   StakeholderRelationshipOwner.user_id == user.id)
            .join(person, person.id == StakeholderRelationshipOwner.stakeholder_id)
            .where(person.name == stakeholder).order_by(user.name)).all()
    engine.dispose()
    return list(names)


def as_colleague(url: str, service, *, actor=None, **kwargs):
    """Run a service as another person (the admin unless told), in its own transaction."""
    from tests.factories import ADMIN

    engine = make_engine(url)
    with write_session(engine) as session:
        result = service(session, actor=actor or ADMIN, **kwargs)
    engine.dispose()
    return result


def read(url: str, query, **kwargs):
    """Run a query against the AppTest database."""
    engine = make_engine(url)
    with read_session(engine) as session:
        result = query(session, **kwargs)
    engine.dispose()
    return result


def shown(markdown: str) -> str:
    """What a person sees of markdown the app escaped (dashboard.format.markdown_text): the
    text without its backslash escapes and invisible word joiners."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def texts(elements) -> list[str]:
    """The text of AppTest elements (errors, successes...) as a person sees it."""
    return [shown(str(e.value)) for e in elements]
