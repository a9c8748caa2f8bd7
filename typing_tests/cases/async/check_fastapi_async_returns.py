"""fastapi add_task accepts an async task whatever it returns, and still checks its arguments."""

from fastapi import BackgroundTasks


async def count_rows(table: str) -> int:
    return len(table)


async def fetch_name(user_id: int) -> str | None:
    return None


tasks = BackgroundTasks()
tasks.add_task(count_rows, "users")
tasks.add_task(fetch_name, 1)
tasks.add_task(count_rows, 1)  # E: arg-type
tasks.add_task(fetch_name)  # E: missing-arg
