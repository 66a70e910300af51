"""Reviewer notebooks: what notebooks/*.py call (walkthrough.py) and `evalkit notebook`, which runs one (run.py)."""
