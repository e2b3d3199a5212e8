"""Serve the app with the browser protections Streamlit's own settings cannot express:
`streamlit run app.py` (the same as `streamlit run Home.py`, plus these response headers).

No other site may frame the app (clickjacking a button), and every response says so.
"""

import streamlit as st
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class RefuseFraming:
    """ASGI middleware adding SECURITY_HEADERS to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


app = st.App("Home.py", middleware=[Middleware(RefuseFraming)])
