"""Typing test corpus for Starlette/FastAPI background tasks, and the engine that runs it."""
