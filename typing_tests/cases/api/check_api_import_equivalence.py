"""`fastapi.BackgroundTasks` is `fastapi.background.BackgroundTasks`, a class distinct from starlette's."""

# static-only: assert_type does nothing at run time

import fastapi
import fastapi.background
import starlette.background
from fastapi import BackgroundTasks
from fastapi.background import BackgroundTasks as ModuleBackgroundTasks
from typing_extensions import assert_type

assert fastapi.BackgroundTasks is fastapi.background.BackgroundTasks
assert BackgroundTasks is ModuleBackgroundTasks
assert fastapi.BackgroundTasks is not starlette.background.BackgroundTasks

assert_type(fastapi.BackgroundTasks(), fastapi.background.BackgroundTasks)
assert_type(BackgroundTasks(), ModuleBackgroundTasks)
assert_type(ModuleBackgroundTasks(), fastapi.BackgroundTasks)
assert_type(fastapi.BackgroundTasks(), starlette.background.BackgroundTasks)  # E: assert-type
assert_type(starlette.background.BackgroundTasks(), fastapi.BackgroundTasks)  # E: assert-type
