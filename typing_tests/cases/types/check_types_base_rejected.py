"""A base-class instance is rejected for a task parameter typed with a subclass."""

from fastapi import BackgroundTasks
from starlette.background import BackgroundTask


class Animal:
    pass


class Dog(Animal):
    pass


def walk(dog: Dog, minutes: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(walk, Dog(), 30)
tasks.add_task(walk, Animal(), 30)  # E: arg-type
tasks.add_task(walk, dog=Animal(), minutes=30)  # E: arg-type

task = BackgroundTask(walk, Dog(), 30)
bad_task = BackgroundTask(walk, Animal(), 30)  # E: arg-type
