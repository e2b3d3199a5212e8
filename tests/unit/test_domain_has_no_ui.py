"""crm_core is the domain: it never imports streamlit, directly or through a dependency."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import crm_core

ROOT = Path(__file__).resolve().parents[2]


def test_importing_every_crm_core_module_does_not_import_streamlit():
    modules = [m.name for m in pkgutil.walk_packages(crm_core.__path__, "crm_core.")
               if not m.name.endswith("__main__")]
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "print('streamlit' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert len(modules) > 10
    assert result.stdout.strip() == "False"


def test_no_crm_core_source_mentions_an_import_of_streamlit():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "crm_core").rglob("*.py")
                 if "import streamlit" in p.read_text() or "from streamlit" in p.read_text()]
    assert offenders == []
