"""The Wilson 95% interval against published values."""

import pytest

from crm_core.queries.win_rates import wilson_interval


@pytest.mark.parametrize(("won", "deals", "low", "high"), [
    (8, 10, 0.4902, 0.9433),   # Newcombe (1998), method 3
    (0, 10, 0.0, 0.2775),
    (30, 60, 0.3774, 0.6226),
    (10, 10, 0.7225, 1.0),
])
def test_the_wilson_interval_matches_the_published_values(won, deals, low, high):
    got = wilson_interval(won, deals)
    assert got == (pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4))


def test_no_deals_have_no_interval():
    assert wilson_interval(0, 0) is None
