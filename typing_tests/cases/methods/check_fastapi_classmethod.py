"""fastapi add_task checks a classmethod's arguments against its signature without `cls`."""

from fastapi import BackgroundTasks


class Report:
    @classmethod
    def build(cls, name: str, pages: int = 1) -> None: ...

    @classmethod
    async def publish(cls, name: str) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(Report.build, "q1")
tasks.add_task(Report.build, "q1", pages=3)
tasks.add_task(Report().build, "q1", 3)
tasks.add_task(Report.publish, "q1")
tasks.add_task(Report.build, Report, "q1")  # E: arg-type
tasks.add_task(Report.build, "q1", "3")  # E: arg-type
tasks.add_task(Report.build, "q1", 3, 4)  # E: too-many-pos
tasks.add_task(Report.publish)  # E: missing-arg
tasks.add_task(Report.publish, title="q1")  # E: unknown-kw, pyrefly=missing-argument+unexpected-keyword, ty=missing-argument+unknown-argument
