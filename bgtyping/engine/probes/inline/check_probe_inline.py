"""Upstream's inline modules were used: both define a public ParamSpec `P` that the stubs do not."""

from fastapi.background import P as FastAPIP
from starlette.background import P as StarletteP

print(StarletteP, FastAPIP)
