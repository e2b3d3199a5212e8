"""The shipped .streamlit/config.toml: production-sane defaults, and secrets never committed."""

import tomllib
from pathlib import Path

from streamlit.config import ShowErrorDetailsConfigOptions

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_the_app_listens_on_this_computer_only_by_default():
    assert CONFIG["server"]["address"] == "127.0.0.1"


def test_the_server_runs_headless_with_xsrf_protection_and_cors_on():
    assert CONFIG["server"]["headless"] is True
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["enableCORS"] is True


def test_the_server_does_not_watch_the_source_files():
    assert CONFIG["server"]["fileWatcherType"] == "none"
    assert CONFIG["server"]["runOnSave"] is False


def test_no_usage_statistics_are_sent():
    assert CONFIG["browser"]["gatherUsageStats"] is False


def test_viewers_see_a_generic_error_box_and_no_developer_toolbar():
    assert CONFIG["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE
    assert CONFIG["client"]["toolbarMode"] == "viewer"


def test_the_secrets_file_is_git_ignored():
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text().splitlines()


def test_only_this_computers_names_may_open_the_app_by_default():
    assert CONFIG["server"]["allowedHosts"] == ["localhost", "127.0.0.1", "::1"]
