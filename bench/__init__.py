"""The performance benchmark: seed a large dataset, time every query and page, write a report.

Run by hand: `python -m bench.run` (see `--help`); not part of the timed test suite.
"""
