"""Show the Altair charts of dashboard.charts without rebuilding them on every rerun.

Building an Altair chart and turning it into Vega-Lite (schema validation included) costs tens
of milliseconds per chart, on every rerun. `show_chart` caches the finished Vega-Lite spec by
the builder and its arguments (the loaded frames, which change with the filters and the data
version), so a rerun with the same data only sends the cached spec.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import altair as alt
import streamlit as st


def show_chart(build: Callable[..., alt.TopLevelMixin], *args: Any, key: str | None = None,
               **kwargs: Any) -> None:
    """Render `build(*args, **kwargs)` full width, from a cached spec when one exists."""
    spec = chart_spec(f"{build.__module__}:{build.__name__}", *args, **kwargs)
    st.vega_lite_chart(spec, width="stretch", key=key)


@st.cache_data(show_spinner=False, max_entries=500)
def chart_spec(builder_path: str, *args: Any, **kwargs: Any) -> dict:
    """The Vega-Lite spec of the chart the builder at "module:function" returns for these
    arguments (the path, not the function, keys the cache: Streamlit cannot hash functions)."""
    module_name, _, function_name = builder_path.partition(":")
    build = getattr(importlib.import_module(module_name), function_name)
    spec = build(*args, **kwargs).to_dict()
    # Altair's default theme fixes a 300 px view; Streamlit sizes charts to their container
    # (st.altair_chart drops the same defaults).
    view = spec.get("config", {}).get("view", {})
    for size in ("continuousWidth", "continuousHeight"):
        view.pop(size, None)
    return spec
