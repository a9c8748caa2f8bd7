"""starlette add_task and the BackgroundTask constructor follow a subclass's overriding method signature."""

from starlette.background import BackgroundTask, BackgroundTasks


class Exporter:
    async def export(self, path: str, *, compress: bool = False) -> None: ...


class CsvExporter(Exporter):
    async def export(self, path: str, *, compress: bool = False, delimiter: str = ",") -> None: ...


csv = CsvExporter()
tasks = BackgroundTasks()
tasks.add_task(csv.export, "out.csv", delimiter=";")
tasks.add_task(csv.export, "out.csv", delimiter=1)  # E: arg-type
tasks.add_task(Exporter().export, "out.csv", delimiter=";")  # E: unknown-kw
BackgroundTask(csv.export, "out.csv", compress=True, delimiter="\t")
BackgroundTask(csv.export, "out.csv", True)  # E: kw-only-as-pos, pyrefly=bad-argument-count, ty=too-many-positional-arguments
