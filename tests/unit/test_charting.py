"""Chart specs as pages send them: the chart's data, sized by their container."""

from dashboard.charting import chart_spec


def test_the_spec_carries_the_chart_data_and_no_fixed_view_size():
    spec = chart_spec("dashboard.charts.overview:ownership_chart",
                      orphaned=1, single_owner=2, multi_owner=1)
    (rows,) = spec["datasets"].values()
    assert [(row["Part"], row["Amount"], row["Share"]) for row in rows] == [
        ("Orphaned", 1, 0.25), ("Single owner", 2, 0.5), ("Two or more owners", 1, 0.25)]
    view = spec.get("config", {}).get("view", {})
    assert "continuousWidth" not in view and "continuousHeight" not in view

