"""Benchmarks: requests and time against the plain per-tab gspread script (issue 6).

Run from the repository root: `python -m benchmarks.run [--quick]`.
"""
