from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Documents made from a complaint: printable letters (answers and notices sent by post)."""

    name = "querela.documents"
    label = "documents"
