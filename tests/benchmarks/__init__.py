"""Benchmarks run by `make bench` (`python -m tests.benchmarks`): each figure beside its baseline."""
