"""Where the time of one profiled `summitry run` goes: cProfile's statistics, by phase.

A phase is the cumulative time of one function of the pipeline (the functions are
matched by file and name, so a phase whose function was renamed shows as missing).
Phases nest as indented; what the whole run spends outside them is Prefect, imports and
the rest. cProfile slows Python code two to three times (C code, such as DuckDB, Arrow
and Parquet, much less), so the shares are a guide, not a measurement.
"""

from __future__ import annotations

import io
import pstats
from pathlib import Path

# (label, file suffix, function name); indentation in the label shows nesting.
PHASES = (
    ("whole command (flows.cli main)", "flows/cli.py", "main"),
    ("  import the flow module (Prefect, pyarrow)", "flows/pipeline.py", "<module>"),
    ("  Prefect flow run (run_flow)", "prefect/flow_engine.py", "run_flow"),
    (
        "    temporary API server (get_client)",
        "prefect/client/orchestration/__init__.py",
        "get_client",
    ),
    ("    flow body (summitry_pipeline)", "flows/pipeline.py", "summitry_pipeline"),
    ("      find inputs (discover)", "flows/sources.py", "discover"),
    ("      ids already stored (known_articles)", "flows/warehouse.py", "known_articles"),
    ("      ids already stored (known_article_ids)", "flows/warehouse.py", "known_article_ids"),
    ("      read and parse articles (read_batches)", "flows/sources.py", "read_batches"),
    ("      extract a batch (extract_batch_tables)", "flows/pipeline.py", "extract_batch_tables"),
    ("        extract_article", "transforms/extract.py", "extract_article"),
    ("        rows to Arrow (rows_to_table)", "flows/warehouse.py", "rows_to_table"),
    ("      stage Parquet (stage_batch)", "flows/warehouse.py", "stage_batch"),
    ("      publish", "flows/warehouse.py", "publish"),
    ("        write snapshot", "flows/warehouse.py", "write_snapshot"),
    ("          meetings (_write_meetings)", "flows/warehouse.py", "_write_meetings"),
    ("            re-merge touched reports", "flows/remerge.py", "_merge_touched"),
    ("          merged ids in records (publish_remapped)", "flows/remerge.py", "publish_remapped"),
    ("          participants (_write_participants)", "flows/warehouse.py", "_write_participants"),
    ("        build catalog (DuckDB views, checks)", "flows/warehouse.py", "build_catalog"),
)


def phase_seconds(stats_file: Path) -> dict[str, float | None]:
    """Return the cumulative seconds of each phase (None for a function not called)."""
    stats = pstats.Stats(str(stats_file))
    found: dict[str, float | None] = {}
    for label, suffix, name in PHASES:
        times = [
            cumulative
            for (path, _, function), (_, _, _, cumulative, _) in stats.stats.items()  # type: ignore[attr-defined]
            if function == name and path.replace("\\", "/").endswith(suffix)
        ]
        found[label] = max(times) if times else None
    return found


def phase_report(stats_file: Path, top: int = 25) -> tuple[str, dict[str, float | None]]:
    """Return a text report (phases, then the top functions) and the phase seconds."""
    phases = phase_seconds(stats_file)
    total = phases[PHASES[0][0]] or 0.0
    lines = ["Time by phase (cProfile, cumulative):"]
    for label, seconds in phases.items():
        if seconds is not None:
            share = f"{100 * seconds / total:5.1f}%" if total else ""
            lines.append(f"  {label:<54} {seconds:8.1f} s  {share}")
    body = phases["    flow body (summitry_pipeline)"]
    if total and body is not None:
        lines.append(f"  {'outside the flow body (imports, Prefect)':<54} {total - body:8.1f} s")
    listing = io.StringIO()
    pstats.Stats(str(stats_file), stream=listing).sort_stats("cumulative").print_stats(top)
    lines += ["", f"Top {top} functions by cumulative time:", listing.getvalue()]
    return "\n".join(lines), phases
