"""Resources shared by every domain: where the data lives, and the coder."""

import os
from functools import lru_cache
from pathlib import Path

import dagster as dg

from pipelines.coder.engine import CODER_VERSION, EventCoder
from pipelines.lib.event_rows import Versions
from pipelines.lib.locations import StoragePath, as_path, is_local
from pipelines.lib.parse_cache import ParseCache


class StorageResource(dg.ConfigurableResource):
    """Where raw stories, coded tables and the parse cache live.

    Each is a local folder (relative to the working folder) or an object-store URL such as
    `s3://bucket/coded` or `gs://bucket/raw` (`pipelines/lib/locations.py`): on a cluster every
    worker must see the same data, so local folders there must be one shared mount.
    """

    raw_dir: str = "data/raw"
    coded_dir: str = "data/coded"
    cache_dir: str = "data/cache/parses"

    @classmethod
    def from_environment(cls) -> "StorageResource":
        """Defaults from EVENTCODER_RAW_DIR, EVENTCODER_CODED_DIR, EVENTCODER_CACHE_DIR where set.

        A deployment sets them alike for the webserver, the daemon and every Dask worker, so runs
        launched without run config (backfills, the sensor, the schedule) use its shared storage;
        run config still overrides them. Unset, the defaults are the folders under data/.
        """
        names = {"raw_dir": "EVENTCODER_RAW_DIR", "coded_dir": "EVENTCODER_CODED_DIR", "cache_dir": "EVENTCODER_CACHE_DIR"}
        return cls(**{field: os.environ[name] for field, name in names.items() if os.environ.get(name)})

    @property
    def raw(self) -> StoragePath:
        return as_path(self.raw_dir)

    @property
    def coded(self) -> StoragePath:
        return as_path(self.coded_dir)

    def parse_cache(self, model: str) -> ParseCache:
        return ParseCache(as_path(self.cache_dir), model)

    def data_docs_dir(self, table: str, date: str | None) -> Path | None:
        """Local folder for a Great Expectations Data Docs site; None (no site) when tables are remote.

        Absolute: GX's Data Docs site refuses a relative folder, and the UI's default is data/coded.
        The site is static HTML on local disk; with an object store it would be on whichever worker
        ran the check, so it is not built there (the check's metadata still lists every result).
        """
        coded = self.coded
        if not is_local(coded):
            return None
        return (Path(coded) / "reports" / "data_docs" / table / (date or "all")).resolve()


class CoderResource(dg.ConfigurableResource):
    """The event coder and how it parses: spaCy batch size, worker processes, and its rule files.

    `rules_dir` points the coder at another folder of rule files (the built-in rules when empty),
    so a researcher can recode the corpus with edited rules without touching the package.
    `petrarch_dir` names a folder of PETRARCH/Phoenix dictionaries to load as well: added to the
    built-in dictionaries or, with `petrarch_mode: replace`, instead of them (docs/petrarch.md).
    """

    batch_size: int = 64
    n_process: int = 1
    model_package: str = ""
    rules_dir: str = ""
    petrarch_dir: str = ""
    petrarch_mode: str = "add"

    def coder(self) -> EventCoder:
        return _coder(self.model_package or None, self.rules_dir or None, self.petrarch_dir, self.petrarch_mode)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Log what the PETRARCH files loaded, in the run step that codes (coded_events)."""
        if self.petrarch_dir and context.log is not None:
            report = self.coder().petrarch_report
            context.log.info(report.format() if report else "no PETRARCH report")

    def versions(self) -> Versions:
        coder = self.coder()
        return Versions(CODER_VERSION, coder.dictionary_version, coder.model)

    def code_version(self) -> str:
        """"coder version+dictionary version" of the coder this configuration builds, without
        building it (no spaCy): the version the nightly recode brings every date to."""
        from pipelines.coder.petrarch import PetrarchConfig
        from pipelines.coder.versions import configured_dictionary_version

        petrarch = PetrarchConfig.from_directory(self.petrarch_dir, self.petrarch_mode) if self.petrarch_dir else None
        return f"{CODER_VERSION}+{configured_dictionary_version(self.rules_dir, petrarch)}"


@lru_cache(maxsize=2)
def _coder(
    model_package: str | None, rules_dir: str | None = None, petrarch_dir: str = "", petrarch_mode: str = "add"
) -> EventCoder:
    """One coder per process: loading spaCy and compiling the matchers takes seconds."""
    from pipelines.coder.nlp import load_nlp
    from pipelines.coder.petrarch import PetrarchConfig
    from pipelines.coder.rules import load_rules

    rules = load_rules(Path(rules_dir)) if rules_dir else None
    petrarch = PetrarchConfig.from_directory(petrarch_dir, petrarch_mode) if petrarch_dir else None
    return EventCoder(nlp=load_nlp(model_package), rules=rules, petrarch=petrarch)
