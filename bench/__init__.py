"""Benchmarks: each prints its figures and the machine; not part of the test run."""
