"""The DuckDB warehouse built from the ingested quarters (build.py) and the data-quality report of each delivery
(data_quality.py)."""
