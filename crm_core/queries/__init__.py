"""The read side: plain functions of a session and keyword filters that return small DataFrames
or frozen dataclasses, with every number computed in SQL."""
