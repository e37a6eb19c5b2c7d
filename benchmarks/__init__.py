"""Benchmarks for reader at 10,000 and 100,000 papers: ``python -m benchmarks``."""
