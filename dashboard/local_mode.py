"""Sign-in off: whether this browser session is the operator at this computer.

The server listening on a loopback address is not enough. A page on another site can reach it
(DNS rebinding, or any http://localhost:* page opening a WebSocket), and a reverse proxy on the
same host makes every remote visitor look local. So the connection itself must be local: the
client's address is loopback, the Host header names this computer, the browser's Origin is this
very app, and no proxy header is present.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

import streamlit as st

LOOPBACK_NAMES = frozenset({"localhost"})
PROXY_HEADERS = ("x-forwarded-for", "x-forwarded-host", "forwarded", "x-real-ip")


def is_loopback(address: str | None) -> bool:
    """True for localhost and loopback IPs; False for '' (Streamlit then listens everywhere)."""
    host = (address or "").strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def served_locally() -> bool:
    """True when the server listens on a loopback address only."""
    return is_loopback(st.get_option("server.address"))


def _host_name(netloc: str) -> str | None:
    try:
        return urlsplit(f"//{netloc}").hostname
    except ValueError:
        return None


def connection_is_local(client_ip: str | None, headers: Mapping[str, str]) -> bool:
    """Whether a connection comes from a browser on this computer opening this app itself.

    `client_ip` None means loopback (Streamlit's st.context.ip_address). Without any request
    headers there is no browser (a script run in tests): only the address counts.
    """
    if client_ip is not None and not is_loopback(client_ip):
        return False
    headers = {name.lower(): value for name, value in headers.items()}
    if any(name in headers for name in PROXY_HEADERS):
        return False
    host = headers.get("host")
    if host is not None and not is_loopback(_host_name(host)):
        return False
    origin = headers.get("origin")
    if origin is not None:
        # The exact same origin: another local web app (other port) is another site.
        parsed = urlsplit(origin)
        if parsed.scheme not in ("http", "https") or parsed.netloc.lower() != (host or "").lower():
            return False
    return True


def is_local_operator() -> bool:
    """True for the person at this computer using the app served on a loopback address."""
    if not served_locally():
        return False
    address = st.context.ip_address
    # A script run without a browser connection (AppTest) has no address of its own.
    return connection_is_local(address if isinstance(address, str) else None,
                               dict(st.context.headers))
