from typing import Any

from django.core.management.base import BaseCommand

from querela.complaints.deadline_sweep import deadline_sweep


class Command(BaseCommand):
    help = "Run the deadline sweep once: due-soon reminders, breaches, deemed acceptances."

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(f"{deadline_sweep()} deadline step(s) handled")
