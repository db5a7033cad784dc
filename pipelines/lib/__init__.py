"""Dagster-agnostic table helpers: contracts (contracts.py), the Parquet layout (parquet_io.py),
local folders or object-store URLs as paths (locations.py), the CAMEO codebook (codebook.py) and
the Great Expectations runner (validation.py).

Nothing here imports dagster; great_expectations is imported lazily inside validation.py.
"""
