"""Table contracts: one YAML file per published table in schemas/, loaded into frozen dataclasses.

A contract fixes a table's columns, Arrow types, nullability, key and partition column; its format
is described in schemas/README.md. `conform` turns a DataFrame into an Arrow table with exactly the
contract's schema or says which column is wrong. Value rules (allowed, pattern, min/max) are
documentation here and are enforced row by row by the Great Expectations suites (validation.py),
so that one bad row is quarantined instead of failing the whole partition.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import yaml

ARROW_TYPES: Mapping[str, pa.DataType] = {
    "string": pa.string(),
    "int8": pa.int8(),
    "int16": pa.int16(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date32": pa.date32(),
    "timestamp[us, UTC]": pa.timestamp("us", tz="UTC"),
    "list<string>": pa.list_(pa.string()),
}
_TOP_KEYS = {"table", "version", "description", "key", "partition_column", "columns"}
_COLUMN_KEYS = {"name", "type", "nullable", "description", "allowed", "pattern", "min", "max"}


class ContractError(ValueError):
    """A contract file is malformed; the message starts with the file's path."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a contract. `allowed`, `pattern`, `min` and `max` are value rules for the suites."""

    name: str
    type: str
    nullable: bool
    description: str
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    min: float | None = None
    max: float | None = None

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.type]

    def arrow_field(self) -> pa.Field:
        """The Arrow field, carrying the description so `pq.read_schema` shows it to users."""
        return pa.field(
            self.name, self.arrow_type, nullable=self.nullable, metadata={"description": self.description}
        )


@dataclass(frozen=True)
class TableContract:
    """A table's contract: columns in order, key, partition column and an integer version."""

    table: str
    version: int
    description: str
    key: tuple[str, ...]
    partition_column: str
    columns: tuple[ColumnSpec, ...]
    path: Path

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> ColumnSpec:
        """The spec of one column; KeyError naming the table if there is none."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.table} has no column {name!r}")

    def arrow_schema(self, metadata: Mapping[str, str] | None = None) -> pa.Schema:
        """The Arrow schema, with the table name and contract version in its metadata plus `metadata`."""
        merged = {"table": self.table, "contract_version": str(self.version), **(metadata or {})}
        return pa.schema([column.arrow_field() for column in self.columns], metadata=merged)


def contracts_dir() -> Path:
    """The repository's schemas/ folder: the parent of the `pipelines` package directory holds it.

    schemas/ is not package data; this works because the project is installed in editable mode.
    """
    directory = Path(__file__).resolve().parents[2] / "schemas"
    if not directory.is_dir():
        raise FileNotFoundError(
            f"table contracts folder {directory} not found: schemas/ must sit beside the pipelines/ "
            "package (install the project in editable mode from a checkout)"
        )
    return directory


def contract_names(directory: Path | None = None) -> tuple[str, ...]:
    """Names of all contracts (the YAML files in schemas/), sorted."""
    return tuple(sorted(p.stem for p in (directory or contracts_dir()).glob("*.yaml")))


def load_contract(name: str, directory: Path | None = None) -> TableContract:
    """Load and check schemas/<name>.yaml; ContractError names the file and the problem."""
    return _load_contract_file((directory or contracts_dir()) / f"{name}.yaml")


@functools.cache
def _load_contract_file(path: Path) -> TableContract:
    if not path.is_file():
        raise FileNotFoundError(f"no table contract {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContractError(path, f"not valid YAML: {error}") from None
    return _parse_contract(path, data)


def _parse_contract(path: Path, data: Any) -> TableContract:
    if not isinstance(data, dict):
        raise ContractError(path, "a contract is a mapping with keys " + ", ".join(sorted(_TOP_KEYS)))
    _check_keys(path, "contract", data, required=_TOP_KEYS, allowed=_TOP_KEYS)
    if data["table"] != path.stem:
        raise ContractError(path, f"table {data['table']!r} must equal the file name {path.stem!r}")
    if not isinstance(data["version"], int) or isinstance(data["version"], bool) or data["version"] < 1:
        raise ContractError(path, f"version must be a positive integer, got {data['version']!r}")
    if not isinstance(data["columns"], list) or not data["columns"]:
        raise ContractError(path, "columns must be a non-empty list")
    columns = tuple(_parse_column(path, i, c) for i, c in enumerate(data["columns"]))
    contract = TableContract(
        table=data["table"],
        version=data["version"],
        description=str(data["description"]).strip(),
        key=tuple(data["key"] or ()),
        partition_column=data["partition_column"],
        columns=columns,
        path=path,
    )
    _check_references(contract)
    return contract


def _parse_column(path: Path, index: int, data: Any) -> ColumnSpec:
    where = f"column {index + 1}"
    if not isinstance(data, dict):
        raise ContractError(path, f"{where} must be a mapping")
    where = f"column {data.get('name', index + 1)!r}"
    _check_keys(path, where, data, required={"name", "type", "nullable", "description"}, allowed=_COLUMN_KEYS)
    if data["type"] not in ARROW_TYPES:
        known = ", ".join(ARROW_TYPES)
        raise ContractError(path, f"{where} has unknown type {data['type']!r}; known types: {known}")
    if not isinstance(data["nullable"], bool):
        raise ContractError(path, f"{where}: nullable must be true or false")
    if "pattern" in data:
        try:
            re.compile(data["pattern"])
        except re.error as error:
            raise ContractError(path, f"{where}: pattern {data['pattern']!r} is not a regex: {error}") from None
    for bound in ("min", "max"):
        if bound in data and not isinstance(data[bound], int | float):
            raise ContractError(path, f"{where}: {bound} must be a number")
    return ColumnSpec(
        name=data["name"],
        type=data["type"],
        nullable=data["nullable"],
        description=str(data["description"]).strip(),
        allowed=tuple(data["allowed"]) if "allowed" in data else None,
        pattern=data.get("pattern"),
        min=data.get("min"),
        max=data.get("max"),
    )


def _check_keys(path: Path, where: str, data: dict, required: set[str], allowed: set[str]) -> None:
    # Unknown keys are errors, not ignored: a typo such as "nulable" must not silently change a contract.
    if missing := sorted(required - data.keys()):
        raise ContractError(path, f"{where} lacks {', '.join(missing)}")
    if unknown := sorted(data.keys() - allowed):
        raise ContractError(path, f"{where} has unknown keys {', '.join(unknown)}")


def _check_references(contract: TableContract) -> None:
    """Column names are unique; key and partition column exist; key columns are never null."""
    names = contract.column_names
    if duplicates := sorted({n for n in names if names.count(n) > 1}):
        raise ContractError(contract.path, f"duplicate columns {', '.join(duplicates)}")
    for name in (*contract.key, contract.partition_column):
        if name not in names:
            raise ContractError(contract.path, f"key or partition column {name!r} is not a column")
    for name in contract.key:
        if contract.column(name).nullable:
            raise ContractError(contract.path, f"key column {name!r} must not be nullable")


def conform(df: pd.DataFrame, contract: TableContract) -> pa.Table:
    """Cast `df` to exactly the contract's schema, columns in contract order.

    Missing nullable columns become all-null. A missing non-nullable column, an extra column, a null
    in a non-nullable column or a value that does not convert raises ValueError naming the column.
    String columns accept only strings: casting 36 to "36" would silently lose a leading zero ("036").
    """
    if extra := [c for c in df.columns if c not in contract.column_names]:
        raise ValueError(f"{contract.table}: columns not in the contract: {', '.join(map(str, extra))}")
    arrays = [_column_array(df, spec, contract.table) for spec in contract.columns]
    return pa.Table.from_arrays(arrays, schema=contract.arrow_schema())


def _column_array(df: pd.DataFrame, spec: ColumnSpec, table: str) -> pa.Array:
    where = f"{table}.{spec.name}"
    if spec.name not in df.columns:
        if not spec.nullable:
            raise ValueError(f"{where}: required column is missing")
        return pa.nulls(len(df), type=spec.arrow_type)
    try:
        array = pa.array(_prepare_values(df[spec.name], spec, where), type=spec.arrow_type, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError) as error:
        raise ValueError(f"{where}: cannot convert to {spec.type}: {error}") from error
    if not spec.nullable and array.null_count:
        first = array.is_null().to_pandas().idxmax()
        raise ValueError(f"{where}: {array.null_count} null value(s) in a non-nullable column (first at row {first})")
    return array


def _prepare_values(series: pd.Series, spec: ColumnSpec, where: str) -> pd.Series:
    """Refuses the lossy or ambiguous conversions pyarrow would otherwise do silently."""
    if series.isna().all():
        return series.astype(object)
    if spec.type == "string" and pd.api.types.infer_dtype(series, skipna=True) != "string":
        raise ValueError(f"{where}: expected strings, got {pd.api.types.infer_dtype(series, skipna=True)} values")
    if spec.type == "date32" and pd.api.types.infer_dtype(series, skipna=True) != "date":
        stamps = pd.to_datetime(series)
        if (stamps.dropna() != stamps.dropna().dt.normalize()).any():
            raise ValueError(f"{where}: date column holds times of day")
        return stamps.dt.date.astype(object).where(stamps.notna(), None)
    if spec.type.startswith("timestamp"):
        stamps = pd.to_datetime(series)
        if stamps.dt.tz is None:
            raise ValueError(f"{where}: timestamps must be timezone-aware (naive times are ambiguous)")
        # Arrow's safe cast refuses to drop nanoseconds; they carry no meaning for these columns.
        return stamps.dt.tz_convert("UTC").dt.floor("us")
    return series


def render_columns_markdown(contracts: Sequence[TableContract]) -> str:
    """The column reference (docs/columns.md) for the given contracts, as Markdown."""
    lines = [
        "# Table columns",
        "",
        "Generated from schemas/*.yaml by scripts/gen_column_docs.py; do not edit by hand.",
    ]
    for contract in contracts:
        key = ", ".join(contract.key) or "(none)"
        lines += [
            "",
            f"## {contract.table} (contract version {contract.version})",
            "",
            contract.description,
            "",
            f"Key: {key}. Partitioned by: {contract.partition_column}.",
            "",
            "| column | type | nullable | rule | description |",
            "|---|---|---|---|---|",
        ]
        lines += [_markdown_row(column) for column in contract.columns]
    return "\n".join(lines) + "\n"


def _markdown_row(column: ColumnSpec) -> str:
    rules = []
    if column.allowed is not None:
        rules.append("one of " + ", ".join(f"`{value}`" for value in column.allowed))
    if column.pattern is not None:
        rules.append(f"matches `{column.pattern}`")
    if column.min is not None or column.max is not None:
        low = "" if column.min is None else f"{column.min:g} ≤ "
        high = "" if column.max is None else f" ≤ {column.max:g}"
        rules.append(f"{low}value{high}")
    cells = [f"`{column.name}`", f"`{column.type}`", "yes" if column.nullable else "no", "; ".join(rules)]
    cells.append(column.description)
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
