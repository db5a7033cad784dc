"""eventcoder: CAMEO political event coding over spaCy parses, as a Dagster code location."""

__version__ = "0.1.0"
