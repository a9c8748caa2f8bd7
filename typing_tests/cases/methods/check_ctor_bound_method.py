"""The BackgroundTask constructor checks a sync bound method's arguments against its signature without `self`."""

from starlette.background import BackgroundTask


class Counter:
    def bump(self, key: str, *, by: int = 1) -> None: ...


counter = Counter()
BackgroundTask(counter.bump, "hits")
BackgroundTask(counter.bump, "hits", by=2)
BackgroundTask(counter.bump, key="hits")
BackgroundTask(counter.bump, "hits", 2)  # E: kw-only-as-pos, pyrefly=bad-argument-count, ty=too-many-positional-arguments
BackgroundTask(counter.bump, 1)  # E: arg-type
BackgroundTask(counter.bump)  # E: missing-arg
BackgroundTask(counter.bump, "hits", key="misses")  # E: dup-arg
