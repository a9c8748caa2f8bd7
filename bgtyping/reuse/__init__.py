"""Reuse: the key of a run (everything that can change its verdict), fingerprints, and the saved result."""
