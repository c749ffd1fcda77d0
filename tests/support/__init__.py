"""Test helpers that run real servers (Dovecot) or talk real protocols (SMTP); no Django here."""
