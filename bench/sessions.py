"""A scripted person: one real Streamlit session driven over Streamlit's own WebSocket protocol.

What a browser does, without the browser: open `/_stcore/stream` with the XSRF cookie (and,
behind nginx, its routing cookie), send a BackMsg `rerun_script` with the page, the query string
and the widget states, and read ForwardMsgs until `script_finished`. A view's time is from the
request to the end of its run: what the server costs, not the browser's layout and paint.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

VIEW_TIMEOUT = 120  # seconds: a view slower than this is an error


@dataclass
class View:
    """What one run of a page showed, and how long it took."""

    path: str
    seconds: float
    finished: bool
    exceptions: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    metrics: dict[str, str] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    widgets: dict[str, object] = field(default_factory=dict)  # user key -> widget proto

    @property
    def ok(self) -> bool:
        return self.finished and not self.exceptions

    def widget(self, key: str):
        """The widget with this user key (`key=` in the page)."""
        return self.widgets[key]


def _collect(view: View, element) -> None:
    kind = element.WhichOneof("type")
    if kind == "exception":
        view.exceptions.append(f"{element.exception.type}: {element.exception.message}")
    elif kind == "heading":
        view.headings.append(element.heading.body)
    elif kind == "metric":
        view.metrics[element.metric.label] = element.metric.body
    elif kind in ("markdown", "text", "alert"):
        view.texts.append(getattr(element, kind).body)
    else:
        widget = getattr(element, kind, None)
        widget_id = getattr(widget, "id", "")
        if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
            view.widgets[widget_id.rsplit("-", 1)[-1]] = widget


def signed_in_cookie(cookie_secret: str, origin: str, email: str, name: str) -> str:
    """The cookie Streamlit sets after an OpenID Connect sign-in (signed with the server's
    `[auth] cookie_secret`): a person signed in without a provider, for a server whose
    secret the benchmark chose."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    user = {"email": email, "email_verified": True, "name": name, "origin": origin,
            "is_logged_in": True, "provider": "default"}
    return create_signed_value(cookie_secret, "_streamlit_user", json.dumps(user)).decode()


class ScriptedSession:
    """One browser tab's session, over one WebSocket (signed in when given `user_cookie`)."""

    def __init__(self, base_url: str, *, user_cookie: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.user_cookie = user_cookie
        self.served_by: str | None = None
        self._socket = None

    async def open(self) -> None:
        """Load the page shell (cookies: XSRF, nginx's route) and open the session's socket."""
        # The health check is one of the first requests a browser makes; it sets the XSRF cookie.
        with urllib.request.urlopen(self.base_url + "/_stcore/health", timeout=30) as response:
            self.served_by = response.headers.get("X-Served-By")
            cookies = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookies.load(header)
        xsrf = cookies["_streamlit_xsrf"].value if "_streamlit_xsrf" in cookies else ""
        cookie_header = "; ".join(f"{k}={m.value}" for k, m in cookies.items())
        if self.user_cookie:
            cookie_header += f"; _streamlit_user={self.user_cookie}"
        ws_url = urlparse(self.base_url)._replace(
            scheme="wss" if self.base_url.startswith("https") else "ws").geturl()
        self._socket = await connect(
            f"{ws_url}/_stcore/stream", subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            origin=self.base_url, additional_headers={"Cookie": cookie_header},
            max_size=None, open_timeout=30, ping_interval=None)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def view(self, path: str, query: str = "",
                   widgets: list[WidgetState] = ()) -> View:
        """Run the page at `path` ("" for the default page) with this query string and these
        widget states, as a browser does on a visit or a click; wait for the run to end."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query
        state.page_name = path.strip("/")
        state.widget_states.widgets.extend(widgets)
        state.context_info.timezone = "UTC"
        state.context_info.url = f"{self.base_url}/{path.strip('/')}"
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        view = View(path=path, seconds=0.0, finished=False)
        deadline = started + VIEW_TIMEOUT
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                break
            try:
                raw = await _receive(self._socket, remaining)
            except TimeoutError:
                break
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                _collect(view, forward.delta.new_element)
            elif kind == "script_finished":
                status = forward.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the page reran itself (a form's save, st.rerun): keep reading
                view.finished = status == ForwardMsg.FINISHED_SUCCESSFULLY
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    view.exceptions.append("compile error")
                break
        view.seconds = time.perf_counter() - started
        return view


async def _receive(socket, timeout: float) -> bytes:
    return await asyncio.wait_for(socket.recv(), timeout)


def trigger(widget) -> WidgetState:
    """Clicking a button (or a form's submit button)."""
    return WidgetState(id=widget.id, trigger_value=True)


def choose(widget, labels: list[str]) -> WidgetState:
    """A multiselect holding these options (by the labels it shows)."""
    state = WidgetState(id=widget.id)
    state.string_array_value.data.extend(labels)
    return state


def text_value(widget, value: str) -> WidgetState:
    """A text input or a selectbox (by the label it shows) holding this value."""
    return WidgetState(id=widget.id, string_value=value)
