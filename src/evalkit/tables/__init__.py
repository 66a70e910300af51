"""Figure tables: the registry of families (registry.py), one SQL query per family (sql/), the shared mechanism
that runs them per report (compute.py), the CSV files (files.py) and `evalkit tables` (cli.py)."""
