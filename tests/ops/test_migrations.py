"""The models and their migrations agree: a change to a field (a label in choices included) comes with its
migration, or a fresh database would not be what the code expects."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_its_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"makemigrations would write (exit {exit_.code}):\n{out.getvalue()}")
