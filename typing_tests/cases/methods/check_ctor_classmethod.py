"""The BackgroundTask constructor and starlette add_task check a classmethod's arguments without `cls`."""

from starlette.background import BackgroundTask, BackgroundTasks


class Job:
    @classmethod
    def schedule(cls, when: float, *, label: str = "") -> None: ...


BackgroundTask(Job.schedule, 1.5)
BackgroundTask(Job.schedule, 2, label="nightly")
BackgroundTask(Job.schedule, "soon")  # E: arg-type
BackgroundTask(Job.schedule, 1.5, "nightly")  # E: kw-only-as-pos, pyrefly=bad-argument-count, ty=too-many-positional-arguments
tasks = BackgroundTasks()
tasks.add_task(Job.schedule, when=1.5)
tasks.add_task(Job.schedule)  # E: missing-arg
tasks.add_task(Job.schedule, 1.5, when=2.0)  # E: dup-arg
