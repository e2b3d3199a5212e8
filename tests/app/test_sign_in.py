"""Sign-in and access roles through AppTest: the gate, grants, bootstrap admins, local mode."""

import pytest

from tests.app.conftest import NO_SIGN_IN, OIDC_SECRETS

NOT_REGISTERED = "Could not find a navigation page"
SIGNED_OUT = {"is_logged_in": False}
LOCAL_USER: dict = {}  # nobody signed in (sign-in is not configured)


def test_a_signed_out_visitor_sees_only_the_sign_in_button(open_app):
    at = open_app(user=SIGNED_OUT, secrets=OIDC_SECRETS)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert at.info[0].value == "Sign in to see the dashboards."
    assert not at.metric and not at.dataframe
    with pytest.raises(ValueError, match=NOT_REGISTERED):
        at.switch_page("pages/overview.py")


def test_each_configured_provider_gets_its_own_sign_in_button(open_app):
    secrets = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback",
                        "cookie_secret": "x" * 32,
                        "google": {"client_id": "a", "client_secret": "b",
                                   "server_metadata_url": "https://accounts.example/.well"},
                        "okta": {"client_id": "c", "client_secret": "d",
                                 "server_metadata_url": "https://okta.example/.well"}}}
    at = open_app(user=SIGNED_OUT, secrets=secrets)
    assert [b.label for b in at.button] == ["Sign in with Google", "Sign in with Okta"]


def test_a_signed_in_email_without_a_grant_sees_only_the_ask_an_admin_page(open_app):
    at = open_app(user={"is_logged_in": True, "email_verified": True,
                        "email": "Newcomer@Example.com"},
                  secrets=OIDC_SECRETS)
    assert not at.exception
    assert at.warning[0].value.startswith("You have no access to this app yet. Ask an admin")
    assert at.text[0].value == "newcomer@example.com"
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.metric and not at.dataframe and not at.sidebar.text
    for page in ("pages/overview.py", "pages/access.py"):
        with pytest.raises(ValueError, match=NOT_REGISTERED):
            at.switch_page(page)


def test_an_email_the_provider_marks_unverified_is_not_trusted(open_app):
    at = open_app(user={"is_logged_in": True, "email": "admin@example.com",
                        "email_verified": False}, secrets=OIDC_SECRETS)
    assert at.warning[0].value.startswith("Your sign-in provider did not share a verified email")
    with pytest.raises(ValueError, match=NOT_REGISTERED):
        at.switch_page("pages/overview.py")


def test_a_granted_email_gets_its_access_role_whatever_its_case(open_app):
    at = open_app(user={"is_logged_in": True, "email_verified": True,
                        "email": "MANAGER@example.com", "name": "Max"},
                  secrets=OIDC_SECRETS)
    assert at.sidebar.text[0].value == "Max\nManager access"


def test_an_email_in_crm_admin_emails_is_admin_without_a_grant(open_app, monkeypatch):
    monkeypatch.setenv("CRM_ADMIN_EMAILS", "first.admin@example.com, other@example.com")
    at = open_app(user={"is_logged_in": True, "email_verified": True,
                        "email": "first.admin@example.com"},
                  secrets=OIDC_SECRETS, page="pages/access.py")
    assert not at.exception
    assert at.title[0].value == "Access"
    assert "first.admin@example.com, other@example.com" in [t.value for t in at.text]


def test_without_sign_in_on_localhost_the_operator_is_admin_and_a_banner_says_so(
        open_app, server_address):
    server_address("127.0.0.1")
    at = open_app(user=LOCAL_USER, secrets=NO_SIGN_IN, page="pages/access.py")
    assert not at.exception
    assert at.title[0].value == "Access"
    assert at.sidebar.text[0].value == "Local operator\nAdmin access"
    assert at.sidebar.warning[0].value.startswith("Sign-in is off: anyone on this computer is "
                                                  "an admin. To turn it on, add an `[auth]`")


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.20", "", None])
def test_without_sign_in_on_any_other_address_everyone_is_a_viewer_and_is_told_why(
        open_app, server_address, address):
    server_address(address)  # '' and None: Streamlit listens on every interface
    at = open_app(user=LOCAL_USER, secrets=NO_SIGN_IN)
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert at.sidebar.text[0].value == "Local operator\nViewer access"
    assert at.sidebar.error[0].value.startswith("Sign-in is off and this server is reachable "
                                                "from other computers, so everyone gets "
                                                "read-only viewer access.")
    with pytest.raises(ValueError, match=NOT_REGISTERED):
        at.switch_page("pages/access.py")


@pytest.mark.parametrize("address", ["localhost", "127.0.0.1", "127.0.0.2", "::1", "[::1]"])
def test_loopback_addresses_count_as_local(address):
    from dashboard.local_mode import is_loopback

    assert is_loopback(address)


@pytest.mark.parametrize("address", ["", None, "0.0.0.0", "::", "10.0.0.5", "crm.example.com",
                                     "unix:///tmp/crm.sock"])
def test_other_addresses_do_not_count_as_local(address):
    from dashboard.local_mode import is_loopback

    assert not is_loopback(address)
