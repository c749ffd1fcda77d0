from __future__ import annotations

import os
import subprocess
import sys


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "querela.settings.production",
        "QUERELA_SECRET_KEY": "x" * 20 + "-production-secret-" + "y" * 30,
        "QUERELA_ALLOWED_HOSTS": "complaints.example.com",
        "QUERELA_VAR_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-m", "querela.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "QUERELA_SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "querela.settings.production", "QUERELA_VAR_DIR": str(tmp_path)})
    out = subprocess.run([sys.executable, "-m", "querela.cli", "check"], env=env, capture_output=True, text=True)
    assert out.returncode != 0 and "QUERELA_SECRET_KEY" in out.stderr


def test_permissions_doc_is_generated_from_the_table():
    from pathlib import Path

    from querela.ops.management.commands.permissions_doc import render_permissions_markdown

    doc = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
    assert doc.read_text(encoding="utf-8") == render_permissions_markdown(), "run: querela permissions_doc"


def test_production_refuses_a_weak_or_published_secret_key_with_a_clear_message(tmp_path):
    for key in ("short-key", "insecure-embedded-only-key-change-me-in-production-0123456789", "a" * 60):
        env = {k: v for k, v in os.environ.items() if k != "QUERELA_SECRET_KEY"}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "querela.settings.production",
                "QUERELA_VAR_DIR": str(tmp_path),
                "QUERELA_SECRET_KEY": key,
            }
        )
        out = subprocess.run([sys.executable, "-m", "querela.cli", "check"], env=env, capture_output=True, text=True)
        assert out.returncode != 0 and "QUERELA_SECRET_KEY is too weak" in out.stderr, key
        assert "KeyError" not in out.stderr
