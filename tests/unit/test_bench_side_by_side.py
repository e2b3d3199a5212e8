"""The benchmark's side-by-side timer: calls take turns run by run, cold calls run only their
given number of times, and a failing call is reported without stopping the others."""

from __future__ import annotations

from bench.queries import time_side_by_side


def test_calls_take_turns_in_alternating_order_after_one_warm_up_each():
    order: list[str] = []
    calls = {name: (lambda name=name: order.append(name) or [1, 2, 3])
             for name in ("ours", "hand", "naive")}

    timed = time_side_by_side("figure", calls, runs=3, cold={"naive": 1})

    assert order == ["ours", "hand",            # warm-ups (naive has none)
                     "ours", "hand", "naive",   # first round
                     "hand", "ours",            # second round, reversed; naive is done
                     "ours", "hand"]
    assert [len(timed[name].runs_ms) for name in calls] == [3, 3, 1]
    assert timed["ours"].rows == 3 and timed["ours"].name == "figure"


def test_a_failing_call_is_reported_and_the_others_still_run():
    def broken():
        raise RuntimeError("no such table")

    timed = time_side_by_side("figure", {"ours": lambda: None, "hand": broken}, runs=2,
                              cold={})

    assert timed["hand"].median_ms is None
    assert timed["hand"].note == "RuntimeError: no such table"
    assert len(timed["ours"].runs_ms) == 2
