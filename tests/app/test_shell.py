"""The app shell: every registered page of every role runs; viewers cannot reach Manage pages."""

import pytest

from crm_core.access import ROLE_PERMISSIONS
from dashboard.navigation import PAGES


@pytest.mark.parametrize("role", ["viewer", "manager", "admin"])
def test_every_page_a_role_may_open_runs_without_exception(app_as, role):
    allowed = [p for p in PAGES if p.permission in ROLE_PERMISSIONS[role]]
    at = app_as(role)
    assert not at.exception
    for spec in allowed:
        at.switch_page(spec.script).run()
        assert not at.exception, f"{spec.script} raised for {role}: {at.exception}"
