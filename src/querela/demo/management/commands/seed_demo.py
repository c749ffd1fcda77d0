from typing import Any

from django.core.management.base import BaseCommand

from querela.demo.seed import demo_logins, seed_demo


class Command(BaseCommand):
    help = "Create the demo suppliers, staff, customers and complaints (once)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_demo(progress=options["verbosity"] > 0)
        self.stdout.write("Demo data created." if created else "Demo data already present.")
        if options["verbosity"] > 1:
            for username, role, tenant in demo_logins():
                self.stdout.write(f"  {username:<22} {role:<18} {tenant}")
