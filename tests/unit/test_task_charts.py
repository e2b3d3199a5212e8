"""The task chart builders return Altair charts of the rows they were given."""

from datetime import date

import pandas as pd

from dashboard.charts.tasks import completed_per_week_chart, due_by_owner_chart


def test_the_owner_chart_stacks_overdue_and_due_soon_per_user_most_overdue_first():
    frame = pd.DataFrame({"user_id": [1, 2], "name": ["Alice", "Bob"], "overdue": [3, 1],
                          "due_soon": [0, 2]})
    spec = due_by_owner_chart(frame).to_dict()
    assert spec["encoding"]["y"]["sort"] == ["Alice", "Bob"]
    values = spec["datasets"][spec["data"]["name"]]
    assert [(v["name"], v["When"], v["Tasks"]) for v in values] == [
        ("Alice", "Overdue", 3), ("Bob", "Overdue", 1), ("Alice", "Due soon", 0),
        ("Bob", "Due soon", 2)]


def test_the_weekly_chart_has_one_bar_per_week_in_order():
    frame = pd.DataFrame({"week": [date(2030, 6, 3), date(2030, 6, 10)], "completed": [2, 1]})
    spec = completed_per_week_chart(frame).to_dict()
    assert spec["encoding"]["x"]["sort"] == ["03 Jun", "10 Jun"]
    values = spec["datasets"][spec["data"]["name"]]
    assert [(v["week"], v["completed"]) for v in values] == [("2030-06-03", 2),
                                                             ("2030-06-10", 1)]
