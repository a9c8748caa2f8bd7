"""Upstream's inline modules were used: both define a public ParamSpec `P` that the stubs do not."""

from starlette.background import P as StarletteP
from fastapi.background import P as FastAPIP

print(StarletteP, FastAPIP)
