"""Querela: complaint management for utilities and product/service companies."""

__version__ = "0.1.0"
