"""The concurrency benchmark's figures: percentiles per view, the largest N within the goal."""

from __future__ import annotations

import statistics
from collections import defaultdict

GOAL_S = 3.0  # p95 of every view


def _pct(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summarise(level: dict) -> dict:
    """Per step and overall: views, p50 and p95 seconds (successful views), errors."""
    by_step: dict[str, list[dict]] = defaultdict(list)
    for view in level["views"]:
        by_step[view["step"]].append(view)

    def figures(views: list[dict]) -> dict:
        times = [v["seconds"] for v in views if v["ok"]]
        p50, p95 = _pct(times, 50), _pct(times, 95)
        return {"views": len(views), "errors": sum(not v["ok"] for v in views),
                "p50_s": None if p50 is None else round(p50, 2),
                "p95_s": None if p95 is None else round(p95, 2)}

    steps = {step: figures(views) for step, views in by_step.items()}
    overall = figures(level["views"])
    overall["views_per_min"] = round(60 * len(level["views"]) / level["wall_s"], 1)
    return {"steps": steps, "overall": overall}


def within_goal(level: dict) -> bool:
    """Every view's p95 at most GOAL_S, and no errors."""
    summary = summarise(level)
    return summary["overall"]["errors"] == 0 and all(
        s["p95_s"] is not None and s["p95_s"] <= GOAL_S for s in summary["steps"].values())


def largest_n(levels: list[dict]) -> int | None:
    """The largest N at which the goal holds (and held at every smaller N)."""
    best = None
    for level in sorted(levels, key=lambda lv: lv["n"]):
        if not within_goal(level):
            break
        best = level["n"]
    return best


def _s(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def render(results: dict) -> str:
    """The Markdown report."""
    m = results["machine"]
    lines = [
        f"Concurrency benchmark of {m['when']}, scale **{results['scale']}** on PostgreSQL "
        f"{results['postgresql']}, commit `{results['commit']}`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, shared with other "
        f"work; load average (1, 5, 15 min) at the start {m['load_average_1_5_15']}. "
        f"Streamlit {m['streamlit']}, Python {m['python']}.",
        "",
        "Each person is a real Streamlit session driven over its WebSocket protocol "
        "(bench/sessions.py): Overview, switch scope, a company, one of the open deals, "
        f"Coverage, MEDDPICC; {round(100 * results['writers_share'])}% of them also assign an "
        "owner and complete a task through the forms. A view's time runs from the click to the "
        f"end of the page's run. Goal: p95 of every view ≤ {GOAL_S:.0f} s without errors.",
        "",
        "CPU is per level, as a share of one core: the app processes (together), nginx, this "
        "client; *machine busy* is all cores of the machine, the database and other people's "
        "work included.",
        "",
    ]
    for setup, levels in results["setups"].items():
        best = largest_n(levels)
        lines += [f"#### {setup}", "",
                  f"Largest N with every view's p95 ≤ {GOAL_S:.0f} s: **{best or 'none'}**.", "",
                  "| N (writers) | views | errors | views/min | p50 s | p95 s"
                  " | slowest view (p95 s) | app CPU % of a core | proxy CPU %"
                  " | client CPU % | machine busy % | MB per session | load avg start → end |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for level in levels:
            s = summarise(level)
            o = s["overall"]
            worst = max(s["steps"].items(), key=lambda kv: kv[1]["p95_s"] or 0)
            lines.append(
                f"| {level['n']} ({level['writers']}) | {o['views']} | {o['errors']} | "
                f"{o['views_per_min']} | {_s(o['p50_s'])} | {_s(o['p95_s'])} | "
                f"{worst[0]} ({_s(worst[1]['p95_s'])}) | {level['app_cpu_pct']} | "
                f"{level['proxy_cpu_pct']} | {level['client_cpu_pct']} | "
                f"{level['machine_busy_pct']} | {level['mb_per_session']} | "
                f"{level['load_average_start'][0]} → {level['load_average_end'][0]} |")
        lines += ["", "p50 / p95 seconds per view:", "",
                  "| N | " + " | ".join(_step_names(levels)) + " |",
                  "|---|" + "---|" * len(_step_names(levels))]
        for level in levels:
            s = summarise(level)["steps"]
            cells = [f"{_s(s[n]['p50_s'])} / {_s(s[n]['p95_s'])}"
                     + (f" ({s[n]['errors']} err)" if s[n]["errors"] else "")
                     if n in s else "–" for n in _step_names(levels)]
            lines.append(f"| {level['n']} | " + " | ".join(cells) + " |")
        errors = [v["error"] for lv in levels for v in lv["views"] if v["error"]]
        if errors:
            lines += ["", "First errors: " + "; ".join(sorted(set(errors))[:5])]
        lines.append("")
    return "\n".join(lines)


def _step_names(levels: list[dict]) -> list[str]:
    order = ["Overview", "Switch scope", "Company", "Opportunity", "Coverage", "MEDDPICC",
             "Assign owner", "Complete task"]
    seen = {v["step"] for lv in levels for v in lv["views"]}
    return [s for s in order if s in seen] + sorted(seen - set(order))
