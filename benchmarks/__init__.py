"""Benchmarks: measurements, not tests (run them by hand; see each module's docstring)."""
