"""`python -m bgtyping`: the same as the `bgtyping` console script (bgtyping/cli.py)."""

from __future__ import annotations

from .cli import cli

if __name__ == "__main__":
    cli()
