"""The Access page: admins list, grant, change and revoke access; errors sit next to the field."""

from sqlalchemy import select

from crm_core.db import make_engine, read_session
from crm_core.models import AccessGrant, AuditEvent
from tests.app.manage_helpers import texts


def _grants(url: str) -> dict[str, str]:
    engine = make_engine(url)
    with read_session(engine) as session:
        grants = dict(session.execute(select(AccessGrant.email, AccessGrant.access_role)).all())
    engine.dispose()
    return grants


def _audit(url: str) -> list[tuple[str, str, str]]:
    engine = make_engine(url)
    with read_session(engine) as session:
        events = session.execute(select(AuditEvent.action, AuditEvent.actor_email,
                                        AuditEvent.summary).order_by(AuditEvent.id)).all()
    engine.dispose()
    return [tuple(e) for e in events]


def test_the_access_page_lists_every_grant_with_its_access_role(app_as):
    at = app_as("admin", page="pages/access.py")
    table = at.dataframe[0].value
    assert list(table["Email"]) == ["admin@example.com", "manager@example.com",
                                    "viewer@example.com"]
    assert list(table["Access role"]) == ["Admin", "Manager", "Viewer"]
    assert at.subheader[0].value == "3 people have access"
    assert at.caption[1].value == "1 viewer, 1 manager, 1 admin"


def test_an_admin_grants_a_new_email_an_access_role_and_it_is_audited(app_as, app_db):
    at = app_as("admin", page="pages/access.py")
    at.text_input(key="access_grant_email").input(" New.Person@Example.com ")
    at.selectbox(key="access_grant_role").select("manager")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert texts(at.success) == ["new.person@example.com now has Manager access."]
    assert at.text_input(key="access_grant_email").value == ""
    assert _grants(app_db)["new.person@example.com"] == "manager"
    assert _audit(app_db)[-1] == ("access.granted", "admin@example.com",
                                  "Granted manager to new.person@example.com")
    assert "new.person@example.com" in list(at.dataframe[0].value["Email"])
    assert at.dataframe[1].value["Change"].iloc[0] == "Granted manager to new.person@example.com"


def test_a_bad_email_is_refused_next_to_the_field_and_what_was_typed_stays(app_as, app_db):
    at = app_as("admin", page="pages/access.py")
    at.text_input(key="access_grant_email").input("not-an-email")
    at.selectbox(key="access_grant_role").select("admin")
    at.button[0].click().run()
    assert texts(at.error) == ["Email 'not-an-email' is not a valid email address."]
    assert at.text_input(key="access_grant_email").value == "not-an-email"
    assert at.selectbox(key="access_grant_role").value == "admin"
    assert not at.success
    assert "not-an-email" not in _grants(app_db)


def test_an_admin_changes_a_role(app_as, app_db):
    at = app_as("admin", page="pages/access.py")
    at.selectbox(key="access_change_email").select("viewer@example.com")
    at.selectbox(key="access_change_role").select("manager")
    next(b for b in at.button if b.label == "Change role").click().run()
    assert texts(at.success) == ["viewer@example.com now has Manager access."]
    assert _grants(app_db)["viewer@example.com"] == "manager"


def test_an_admin_revokes_access(app_as, app_db):
    at = app_as("admin", page="pages/access.py")
    at.selectbox(key="access_change_email").select("viewer@example.com")
    next(b for b in at.button if b.label == "Revoke access").click().run()
    assert texts(at.success) == ["viewer@example.com no longer has access."]
    assert "viewer@example.com" not in _grants(app_db)
    assert _audit(app_db)[-1][0] == "access.revoked"


def test_the_last_admin_cannot_be_revoked_and_the_form_says_why(app_as, app_db):
    at = app_as("admin", page="pages/access.py")
    at.selectbox(key="access_change_email").select("admin@example.com")
    next(b for b in at.button if b.label == "Revoke access").click().run()
    assert texts(at.error) == [
        "admin@example.com is the last admin; grant admin to someone else first."]
    assert at.selectbox(key="access_change_email").value == "admin@example.com"
    assert _grants(app_db)["admin@example.com"] == "admin"


def test_changing_a_role_without_choosing_a_person_asks_for_one(app_as):
    at = app_as("admin", page="pages/access.py")
    next(b for b in at.button if b.label == "Change role").click().run()
    assert texts(at.error) == ["Choose a person."]


def test_a_revoked_admin_loses_access_on_the_next_run(app_as, open_app, app_db):
    from tests.app.conftest import OIDC_SECRETS

    at = app_as("admin", page="pages/access.py")
    at.selectbox(key="access_change_email").select("manager@example.com")
    next(b for b in at.button if b.label == "Revoke access").click().run()
    manager = open_app(user={"is_logged_in": True, "email_verified": True,
                             "email": "manager@example.com"},
                       secrets=OIDC_SECRETS)
    assert manager.warning[0].value.startswith("You have no access to this app yet.")
