from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operator commands that run or inspect the whole installation (the embedded run, audit checks,
    generated docs): the top layer, free to use every app below it."""

    name = "querela.ops"
    label = "ops"
