from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "querela.core"
    label = "core"

    def ready(self) -> None:
        from . import row_security

        # Every tenant table walled in by row-level security on PostgreSQL, new ones included.
        post_migrate.connect(row_security.on_post_migrate, sender=self, dispatch_uid="querela.row_security")
