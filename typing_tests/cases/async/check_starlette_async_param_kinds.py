"""starlette add_task enforces an async task's positional-only and keyword-only markers."""

from starlette.background import BackgroundTasks


async def sync_repo(url: str, /, *, branch: str, depth: int = 1) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(sync_repo, "git://x", branch="main")
tasks.add_task(sync_repo, "git://x", branch="main", depth=5)
tasks.add_task(sync_repo, url="git://x", branch="main")  # E: pos-only-as-kw
tasks.add_task(sync_repo, "git://x", "main")  # E: kw-only-as-pos
tasks.add_task(sync_repo, "git://x")  # E: missing-arg
tasks.add_task(sync_repo, "git://x", branch="main", depth="5")  # E: arg-type
