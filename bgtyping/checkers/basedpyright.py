"""basedpyright: pyright's fork, same JSON and rules; run in `standard` mode like pyright."""

from __future__ import annotations

from .pyright import Pyright


class Basedpyright(Pyright):
    name = "basedpyright"
    family = "pyright"
    executable = "basedpyright"
    cost = 1
