"""The BackgroundTask constructor checks a sync task's keyword arguments against its parameter names and types."""

from starlette.background import BackgroundTask


def charge(account: str, cents: int) -> None: ...


BackgroundTask(charge, account="acct", cents=100)
BackgroundTask(charge, cents=100, account="acct")
BackgroundTask(charge, "acct", cents=100)
BackgroundTask(charge, account="acct", cents="100")  # E: arg-type
BackgroundTask(charge, account="acct")  # E: missing-arg
BackgroundTask(charge, account="acct", cents=100, currency="EUR")  # E: unknown-kw
BackgroundTask(charge, "acct", account="acct", cents=100)  # E: dup-arg
