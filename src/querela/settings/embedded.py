"""The embedded run (`make run`): plain HTTP on localhost, SQLite, Huey on SQLite."""

from .base import *  # noqa: F403
