"""Batched, fail-closed engine: one checker run per configuration, verdicts per case."""
