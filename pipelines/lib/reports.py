"""What the UI shows for a materialization: a sample of events and a chart of events per day."""

from __future__ import annotations

import io

import pandas as pd

from pipelines.lib import parquet_io
from pipelines.lib.locations import StoragePath, as_path, is_local, put_object

QUAD_CLASS_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


def sample_markdown(frame: pd.DataFrame, rows: int = 10) -> str:
    """A Markdown table of the first events with their sentence and the rule that coded them."""
    if frame.empty:
        return "_no events in this partition_"
    lines = ["| source | target | code | rule | sentence |", "|---|---|---|---|---|"]
    for row in frame.head(rows).itertuples(index=False):
        sentence = str(row.sentence_text).replace("|", "/")[:160]
        lines.append(f"| {row.source_actor} | {row.target_actor} | {row.event_code} | {row.rule_id} | {sentence} |")
    return "\n".join(lines)


def events_chart(coded_root: StoragePath) -> StoragePath | None:
    """PNG of published events per day by QuadClass, under data/coded/reports/; None if no events."""
    frame = parquet_io.read_table(coded_root, "events", columns=["event_date", "quad_class"])
    if frame.empty:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = frame.groupby([pd.to_datetime(frame["event_date"]), "quad_class"]).size().unstack(fill_value=0)
    counts = counts.rename(columns=QUAD_CLASS_NAMES)
    figure, axes = plt.subplots(figsize=(8, 3.5))
    counts.plot(kind="bar", stacked=True, ax=axes, width=0.8)
    axes.set_xticks(range(len(counts.index)), [d.strftime("%Y-%m-%d") for d in counts.index], rotation=45, ha="right", fontsize=7)
    axes.set_xlabel("event date")
    axes.set_ylabel("events")
    axes.set_title("Coded events per day by QuadClass")
    figure.tight_layout()
    path = as_path(coded_root) / "reports" / "events_per_day.png"
    _save_png(figure, path)
    plt.close(figure)
    return path


def _save_png(figure, path: StoragePath) -> None:
    """Save locally as before; on an object store, render in memory and store in one PUT."""
    if is_local(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=100)
        return
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    put_object(path, buffer.getvalue())
