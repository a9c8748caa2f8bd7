"""The checker resolved fastapi's top-level re-export of BackgroundTasks to a real type, not Any."""

from fastapi import BackgroundTasks

a: int = BackgroundTasks()  # E: assignment
