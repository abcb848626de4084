"""Evaluation suites for maintainers: datasets, pure scorers and a runner."""
