"""Benchmarks for the performance budgets in ARCHITECTURE.md, compared as ratios in one run."""
