from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    """Pure date arithmetic; an app only so its `deadlines check` command is found."""

    name = "querela.deadlines"
    label = "deadlines"
