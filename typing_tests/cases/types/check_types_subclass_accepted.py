"""A subclass instance is accepted for a task parameter typed with its base class."""

from fastapi import BackgroundTasks
from starlette.background import BackgroundTasks as StarletteBackgroundTasks


class Animal:
    pass


class Dog(Animal):
    pass


class Puppy(Dog):
    pass


def feed(animal: Animal, grams: int) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(feed, Animal(), 100)
tasks.add_task(feed, Dog(), 100)
tasks.add_task(feed, animal=Puppy(), grams=50)
tasks.add_task(feed, object(), 100)  # E: arg-type

starlette_tasks = StarletteBackgroundTasks()
starlette_tasks.add_task(feed, Puppy(), 50)
starlette_tasks.add_task(feed, "dog", 50)  # E: arg-type
