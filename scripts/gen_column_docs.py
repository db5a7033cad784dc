"""Write docs/columns.md, the column reference, from the table contracts in schemas/*.yaml.

Run after changing a contract: `.venv/bin/python scripts/gen_column_docs.py`. A test fails while
docs/columns.md differs from what this script would write.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.lib.contracts import contract_names, contracts_dir, load_contract, render_columns_markdown

# Tables in the order data flows through the pipeline; any other contract follows alphabetically.
_ORDER = ("documents", "events", "event_days", "dyad_days", "quarantine")


def render() -> str:
    """docs/columns.md's content for the current contracts."""
    names = sorted(contract_names(), key=lambda n: (_ORDER.index(n) if n in _ORDER else len(_ORDER), n))
    return render_columns_markdown([load_contract(name) for name in names])


def target_path() -> Path:
    return contracts_dir().parent / "docs" / "columns.md"


def main() -> None:
    target = target_path()
    target.parent.mkdir(exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")

if __name__ == "__main__":
    main()
