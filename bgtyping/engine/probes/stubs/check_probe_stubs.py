"""Our stubs were used: upstream defines a public `P` in both modules, the stubs only a private `_P`."""

from fastapi.background import P as FastAPIP  # E: import-name
from starlette.background import P as StarletteP  # E: import-name
