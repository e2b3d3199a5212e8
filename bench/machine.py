"""A description of the machine and software a benchmark ran on."""

from __future__ import annotations

import os
import platform
import sqlite3
from datetime import UTC, datetime

import pandas
import sqlalchemy
import streamlit
from sqlalchemy import Engine, text


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
        return round(kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None


def postgres_version(engine: Engine) -> str:
    """The server version of a PostgreSQL engine."""
    with engine.connect() as connection:
        return connection.execute(text("SHOW server_version")).scalar_one()


def describe_machine() -> dict:
    """CPU, cores, memory, load, OS and library versions, and when."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (None, None, None)
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "load_average_1_5_15": [round(x, 2) for x in load] if load[0] is not None else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "pandas": pandas.__version__,
        "streamlit": streamlit.__version__,
    }
