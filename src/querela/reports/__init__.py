"""Figures read across complaints: usage billed per month (more reports to come)."""
