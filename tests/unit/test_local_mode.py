"""Which connections count as the local operator when sign-in is off (no server needed)."""

import pytest

from dashboard.local_mode import connection_is_local

APP = "127.0.0.1:8501"


@pytest.mark.parametrize(("client_ip", "headers"), [
    (None, {"Host": APP, "Origin": f"http://{APP}"}),
    (None, {"host": "localhost:8501", "origin": "http://localhost:8501"}),
    (None, {"Host": "[::1]:8501", "Origin": "http://[::1]:8501"}),
    (None, {}),  # no browser at all (a script run)
    ("127.0.0.1", {"Host": APP}),
])
def test_a_tab_of_the_app_on_this_computer_is_local(client_ip, headers):
    assert connection_is_local(client_ip, headers)


@pytest.mark.parametrize(("client_ip", "headers"), [
    ("192.168.1.20", {"Host": APP, "Origin": f"http://{APP}"}),
    (None, {"Host": "rebound.example:8501", "Origin": "http://rebound.example:8501"}),
    (None, {"Host": APP, "Origin": "http://localhost:3000"}),
    (None, {"Host": APP, "Origin": "http://127.0.0.1:3000"}),
    (None, {"Host": APP, "Origin": "null"}),
    (None, {"Host": APP, "Origin": f"http://{APP}", "X-Forwarded-For": "203.0.113.9"}),
    (None, {"Host": APP, "Origin": f"http://{APP}", "Forwarded": "for=203.0.113.9"}),
    (None, {"Host": "crm.example.com", "Origin": "https://crm.example.com"}),
])
def test_anything_else_is_not(client_ip, headers):
    assert not connection_is_local(client_ip, headers)
