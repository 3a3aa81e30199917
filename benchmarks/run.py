"""Measure where Summitry stands on speed; print a table of figures and write them as JSON.

Each figure is the median of `--runs` runs (3 by default):

1. extraction: `transforms.extract.extract_article` in this process, pinned to one core,
   on 3,000 generated articles of ~500 words: articles/s (target >= 1,000) and MB/s. Where
   that is the mypyc build (compile_extractor.py), the plain modules are measured too, the
   same way in a process of their own.
2. pipeline: `summitry run` as a subprocess on a fresh warehouse, on 100,000 generated
   articles: wall time (target <= 180 s) and articles/s; the same on 10,000.
3. memory: peak resident memory of those runs, summed over the run's process tree (the
   command and Prefect's temporary API server), for 10,000 and 100,000 articles: target
   <= 1.5 GB each, and flat: the 100,000-article peak at most 1.5x the 10,000-article one.
4. incremental: on a copy of the 100,000-article warehouse, a run that adds 1,000 new
   articles (1%; target <= 5% of the full run's time plus the fixed start-up), the fixed
   start-up itself (the same 1,000 again: nothing new), and a re-run over all 101,000
   articles (nothing new).
5. views: `select * from meeting_frequency_by_country_pair`, fetched whole into Arrow,
   over a synthetic warehouse of 10,000,000 meetings (target < 1 s). Its Parquet is
   kept; its catalog is built anew each time by the publish's own `build_catalog`,
   which makes the view a table (see README, Views), and the note gives how long it took.

    python -m benchmarks.run                 # all of it (`make bench`)
    python -m benchmarks.run --quick         # 2,000 articles, 100,000 meetings (`make bench-quick`)
    python -m benchmarks.run --only views --runs 5
    python -m benchmarks.run --only profile  # cProfile of one `summitry run`, by phase

How long it takes, on the 2-core reference machine at commit 9788b62: `make bench` 44
minutes (30 of them the three 100,000-article runs, 6 the incremental runs, 4 the
10,000-article runs, 3 building the 10M-meeting warehouse once) and `make bench-quick`
about 7 minutes. Generated corpora, the synthetic warehouse and the Prefect home of the
runs are kept in bench-out/ and reused; results go to bench-out/results.json (or
`--results`), rewritten after each section.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.generate import DEFAULT_SEED, generate_articles, write_corpus
from benchmarks.measure import Measured, run_measured
from benchmarks.report import Figure, format_machine, format_table, format_value, machine, save

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("extraction", "pipeline", "incremental", "views", "profile")
DEFAULT_SECTIONS = SECTIONS[:4]
GB = 2**30
VIEW_QUERY = "select * from meeting_frequency_by_country_pair"
# What the generated corpus depends on: regenerated whenever one of these changes.
CORPUS_INPUTS = (
    "benchmarks/generate.py",
    "benchmarks/templates.py",
    "corpus/sample/*.txt",
    "corpus/sample-gold.jsonl",
    "transforms/lexicons/*.tsv",
)


@dataclass(slots=True)
class Settings:
    """The sizes and places of one benchmark run."""

    articles: int = 100_000
    small_articles: int = 10_000
    extract_articles: int = 3_000
    meetings: int = 10_000_000
    runs: int = 3
    seed: int = DEFAULT_SEED
    out: Path = ROOT / "bench-out"
    sections: tuple[str, ...] = DEFAULT_SECTIONS

    @property
    def increment(self) -> int:
        return max(1, self.articles // 100)


@dataclass(slots=True)
class Bench:
    """A benchmark in progress: its settings, the figures so far and the results file."""

    settings: Settings
    results: Path
    info: dict = field(default_factory=machine)
    figures: list[Figure] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        runs = ", ".join(format_value(run, figure.unit) for run in figure.runs)
        print(f"  {figure.name}: {format_value(figure.value, figure.unit)}  [{runs}]", flush=True)

    def save(self) -> None:
        options = asdict(self.settings) | {"out": str(self.settings.out)}
        save(self.results, self.info, options, self.figures, self.extra)


# --- 1. extraction ----------------------------------------------------------------------------


def bench_extraction(bench: Bench) -> None:
    """Time extract_article in this process, on one core, over freshly generated articles."""
    from transforms.articles import parse_jsonl_record
    from transforms.extract import extract_article

    s = bench.settings
    records = generate_articles(s.extract_articles, seed=s.seed)
    articles = [parse_jsonl_record(r, r["url"]) for r in records]
    megabytes = sum(len(a.text.encode()) for a in articles) / 1e6
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    with one_core():
        mentions = sum(len(extract_article(a).meeting_mentions) for a in articles[:200])
        times = [_timed(lambda: [extract_article(a) for a in articles]) for _ in range(s.runs)]
    seconds = statistics.median(times)
    compiled = _compiled_extractor_in_use()
    note = (
        f"{len(articles)} articles, {words:.0f} words and {megabytes * 1e3 / len(articles):.1f} KB"
        f" each on average, {mentions / 200:.1f} meeting mentions per article;"
        f" {'compiled with mypyc' if compiled else 'plain Python modules'}"
    )
    bench.add(
        Figure(
            "extraction, articles/s (1 core)",
            len(articles) / seconds,
            "articles/s",
            ">= 1,000 articles/s",
            len(articles) / seconds >= 1000,
            [len(articles) / t for t in times],
            note,
        )
    )
    bench.add(
        Figure(
            "extraction, MB/s (1 core)",
            megabytes / seconds,
            "MB/s",
            runs=[megabytes / t for t in times],
        )
    )
    if compiled:
        bench.add(_plain_extraction(bench))


def _compiled_extractor_in_use() -> bool:
    """Return whether extraction runs the mypyc build (compile_extractor.py)."""
    import transforms.extract

    return not transforms.extract.__file__.endswith(".py")


def _plain_extraction(bench: Bench) -> Figure:
    """Return the extraction figure of the plain modules, measured the same way in a process
    with SUMMITRY_PURE=1: what a machine without a C compiler gets."""
    s = bench.settings
    results = s.out / "plain-extraction.json"
    command = [sys.executable, "-m", "benchmarks.run", "--only", "extraction"]
    command += ["--runs", str(s.runs), "--extract-articles", str(s.extract_articles)]
    command += ["--out", str(s.out), "--results", str(results)]
    subprocess.run(
        command,
        check=True,
        cwd=ROOT,
        env={**os.environ, "SUMMITRY_PURE": "1"},
        stdout=subprocess.DEVNULL,
    )
    [plain] = [
        Figure(**f)
        for f in json.loads(results.read_text())["figures"]
        if f["name"] == "extraction, articles/s (1 core)"
    ]
    plain.name, plain.target, plain.passed = (
        "extraction, articles/s (1 core, plain modules)",
        "",
        None,
    )
    return plain


@contextmanager
def one_core():
    """Run the body on one CPU, so that throughput means one core's throughput."""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


# --- 2 and 3. the pipeline end to end, and its memory -----------------------------------------


def bench_pipeline(bench: Bench) -> None:
    """Time `summitry run` on fresh warehouses, on the small and the full corpus."""
    s = bench.settings
    measured = {}
    for size in (s.small_articles, s.articles):
        inputs = [corpus(s, 0, size)]
        runs = []
        for number in range(s.runs):
            target = s.out / "warehouses" / f"full-{size}-{number}"
            shutil.rmtree(target, ignore_errors=True)
            runs.append(summitry_run(s, inputs, target, expect_new=size))
            if size == s.articles and number == s.runs - 1:
                _replace(target, base_warehouse(s))
            else:
                shutil.rmtree(target)
        measured[size] = runs
        _add_pipeline_figures(bench, size, runs, final=size == s.articles)
    small, large = (
        max(r.peak_tree_rss for r in measured[n]) for n in (s.small_articles, s.articles)
    )
    bench.add(
        Figure(
            f"memory growth, {s.articles:,} vs {s.small_articles:,} articles",
            large / small,
            "x",
            "<= 1.5x (flat)",
            large / small <= 1.5,
            note="ratio of the highest peaks (process tree) of the two sizes",
        )
    )


def _add_pipeline_figures(bench: Bench, size: int, runs: list[Measured], *, final: bool) -> None:
    seconds = [r.seconds for r in runs]
    wall = statistics.median(seconds)
    limit = 180 * size / 100_000
    scaled = "" if size == 100_000 else f" (scaled to {size:,})"
    bench.add(
        Figure(
            f"summitry run, {size:,} articles, wall time",
            wall,
            "s",
            f"<= {limit:,.0f} s{scaled}" if final else "",
            wall <= limit if final else None,
            seconds,
        )
    )
    bench.add(
        Figure(
            f"summitry run, {size:,} articles, articles/s",
            size / wall,
            "articles/s",
            runs=[size / t for t in seconds],
        )
    )
    tree = [r.peak_tree_rss for r in runs]
    alone = statistics.median(r.peak_rss for r in runs) / 2**20
    bench.add(
        Figure(
            f"peak RSS, {size:,} articles (process tree)",
            statistics.median(tree),
            "bytes",
            "<= 1.5 GB",
            statistics.median(tree) <= 1.5 * GB,
            tree,
            f"the summitry process alone: {alone:,.0f} MB",
        )
    )


# --- 4. incremental runs ----------------------------------------------------------------------


def bench_incremental(bench: Bench) -> None:
    """Time a 1% increment, the fixed start-up and a full re-scan, on copies of the warehouse."""
    s = bench.settings
    full = _figure_runs(bench, f"summitry run, {s.articles:,} articles, wall time")
    base = base_warehouse(s)
    if full is None or not base.exists():
        target = s.out / "warehouses" / "full-base"
        shutil.rmtree(target, ignore_errors=True)
        full = [summitry_run(s, [corpus(s, 0, s.articles)], target, s.articles).seconds]
        _replace(target, base)
    new, everything = corpus(s, s.articles, s.increment), corpus(s, 0, s.articles)
    timings: dict[str, list[float]] = {"new": [], "none": [], "rescan": []}
    for number in range(s.runs):
        target = s.out / "warehouses" / f"incremental-{number}"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(base, target, symlinks=True)
        timings["new"].append(summitry_run(s, [new], target, s.increment).seconds)
        timings["none"].append(summitry_run(s, [new], target, 0).seconds)
        timings["rescan"].append(summitry_run(s, [everything, new], target, 0).seconds)
        shutil.rmtree(target)
    _add_incremental_figures(bench, statistics.median(full), timings)


def _add_incremental_figures(bench: Bench, full: float, timings: dict[str, list[float]]) -> None:
    s = bench.settings
    startup = statistics.median(timings["none"])
    limit = 0.05 * full + startup
    increment = statistics.median(timings["new"])
    bench.add(
        Figure(
            f"incremental run, +{s.increment:,} new articles",
            increment,
            "s",
            f"<= {limit:,.1f} s (5% of full + start-up)",
            increment <= limit,
            timings["new"],
            f"full run {full:,.1f} s; the input holds only the new articles",
        )
    )
    bench.add(
        Figure(
            "fixed start-up, a run with 0 new articles",
            startup,
            "s",
            runs=timings["none"],
            note=f"the same {s.increment:,} articles again, on the {s.articles + s.increment:,}"
            "-article warehouse",
        )
    )
    bench.add(
        Figure(
            f"re-run over all {s.articles + s.increment:,} articles, 0 new",
            statistics.median(timings["rescan"]),
            "s",
            runs=timings["rescan"],
        )
    )


def _figure_runs(bench: Bench, name: str) -> list[float] | None:
    found = [f.runs for f in bench.figures if f.name == name]
    return found[0] if found else None


# --- 5. the views at scale --------------------------------------------------------------------


def bench_views(bench: Bench) -> None:
    """Time the country-pair view over a synthetic warehouse of many meetings."""
    import duckdb

    from benchmarks.synthetic import build_meetings_warehouse
    from flows.warehouse import DUCKDB_CONFIG

    s = bench.settings
    built = build_meetings_warehouse(s.out / f"meetings-{s.meetings}", s.meetings)
    times, rows = [], 0
    for _ in range(s.runs):
        with duckdb.connect(built["catalog"], read_only=True, config=DUCKDB_CONFIG) as con:
            started = time.perf_counter()
            rows = con.sql(VIEW_QUERY).to_arrow_table().num_rows
            times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    note = (
        f"{rows:,} rows fetched; {built['row_counts']['meetings']:,} meetings; building the"
        f" catalog (views, tables materialised at publish, counts) took"
        f" {built['catalog_seconds']:.1f} s"
    )
    if not built["reused"]:
        note += f"; writing the Parquet {built['write_seconds']:.0f} s"
    bench.add(
        Figure(
            f"{VIEW_QUERY}, {s.meetings:,} meetings",
            seconds,
            "s",
            "< 1 s",
            seconds < 1,
            times,
            note,
        )
    )


# --- profile ----------------------------------------------------------------------------------


def bench_profile(bench: Bench) -> None:
    """Profile one `summitry run` on the small corpus with cProfile; print time by phase."""
    from benchmarks.phases import phase_report

    s = bench.settings
    stats = s.out / "profile.pstats"
    target = s.out / "warehouses" / "profile"
    shutil.rmtree(target, ignore_errors=True)
    command = [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "flows.cli", "run"]
    command += ["--input", str(corpus(s, 0, s.small_articles)), "--warehouse", str(target)]
    done = run_measured(command, env=prefect_env(s), cwd=ROOT)
    _check(done, command)
    shutil.rmtree(target)
    report, phases = phase_report(stats)
    print(report)
    bench.extra["profile"] = {"wall_seconds": done.seconds, "phases": phases, "stats": str(stats)}


# --- inputs, runs and warehouses --------------------------------------------------------------


def corpus(s: Settings, start: int, count: int) -> Path:
    """Return the folder of generated articles start..start+count-1, generating it if needed."""
    folder = s.out / "corpus" / f"seed{s.seed}-{start}-{count}"
    marker = folder / "corpus.json"
    wanted = {"start": start, "count": count, "seed": s.seed, "inputs": _fingerprint()}
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    print(f"  generating {count:,} articles into {folder} ...", flush=True)
    write_corpus(folder, count, start=start, seed=s.seed)
    marker.write_text(json.dumps(wanted) + "\n")
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for pattern in CORPUS_INPUTS:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def summitry_run(s: Settings, inputs: Sequence[Path], warehouse: Path, expect_new: int) -> Measured:
    """Run the real `summitry run` CLI; check it read `expect_new` new articles."""
    command = [_summitry(), "run", "--warehouse", str(warehouse)]
    for path in inputs:
        command += ["--input", str(path)]
    done = run_measured(command, env=prefect_env(s), cwd=ROOT)
    _check(done, command)
    new = re.search(r"(\d+) new,", done.output)
    if new and int(new[1]) != expect_new:
        raise RuntimeError(f"expected {expect_new} new articles:\n{done.output[-2000:]}")
    print(
        f"    {warehouse.name}: {done.seconds:.1f} s, {done.peak_tree_rss / 2**20:.0f} MB",
        flush=True,
    )
    return done


def prefect_env(s: Settings) -> dict[str, str]:
    """The environment of the runs: a Prefect home of their own, created by a first run."""
    home = s.out / "prefect-home"
    return os.environ | {"PREFECT_HOME": str(home)}


def warm_up(bench: Bench) -> None:
    """Make one tiny run first, so Prefect's database exists before anything is timed."""
    s = bench.settings
    fresh = not (s.out / "prefect-home").exists()
    target = s.out / "warehouses" / "warm-up"
    shutil.rmtree(target, ignore_errors=True)
    done = summitry_run(s, [corpus(s, 0, 20)], target, 20)
    shutil.rmtree(target)
    if fresh:
        bench.add(Figure("first run ever (fresh Prefect home), 20 articles", done.seconds, "s"))


def base_warehouse(s: Settings) -> Path:
    """Where the last full run's warehouse is kept for the incremental runs."""
    return s.out / "warehouses" / f"base-{s.articles}"


def _replace(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    source.rename(target)


def _summitry() -> str:
    script = Path(sys.executable).parent / "summitry"
    if not script.exists():
        raise RuntimeError(f"{script} is missing; run `make setup` first")
    return str(script)


def _check(done: Measured, command: Sequence[str]) -> None:
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {done.returncode}:\n{done.output[-3000:]}"
        )


# --- command line -----------------------------------------------------------------------------

SECTION_RUNNERS = {
    "extraction": bench_extraction,
    "pipeline": bench_pipeline,
    "incremental": bench_incremental,
    "views": bench_views,
    "profile": bench_profile,
}


def parse_settings(argv: Sequence[str] | None) -> tuple[Settings, Path]:
    """Return the settings and the results file given on the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, help="articles of the full run (100,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median counts")
    parser.add_argument("--extract-articles", type=int, help="articles of the extraction figure")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", help=f"comma-separated sections of {', '.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out", help="working folder")
    parser.add_argument("--results", type=Path, help="JSON results file (OUT/results.json)")
    args = parser.parse_args(argv)
    s = Settings(runs=args.runs, out=args.out.resolve())
    if args.quick:
        s.articles, s.small_articles, s.extract_articles, s.meetings = 2_000, 500, 500, 100_000
    if args.articles:
        s.articles = args.articles
        s.small_articles = min(s.small_articles, max(1, args.articles // 10))
    if args.extract_articles:
        s.extract_articles = args.extract_articles
    if args.only:
        s.sections = tuple(name.strip() for name in args.only.split(","))
        unknown = set(s.sections) - set(SECTIONS)
        if unknown:
            parser.error(f"unknown section {sorted(unknown)[0]!r}; choose from {SECTIONS}")
    if s.runs < 1:
        parser.error("--runs must be at least 1")
    return s, (args.results or s.out / "results.json")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen sections, printing figures as they come and a table at the end."""
    settings, results = parse_settings(argv)
    bench = Bench(settings, results)
    print(format_machine(bench.info), flush=True)
    started = time.perf_counter()
    if set(settings.sections) & {"pipeline", "incremental", "profile"}:
        warm_up(bench)
    for name in settings.sections:
        print(f"\n== {name} (load average {os.getloadavg()[0]:.2f})", flush=True)
        SECTION_RUNNERS[name](bench)
        bench.save()
    bench.extra["total_seconds"] = time.perf_counter() - started
    bench.info["load_average_at_end"] = os.getloadavg()
    bench.save()
    if bench.figures:
        print(f"\n{format_table(bench.figures)}")
    print(f"\nResults written to {results} ({bench.extra['total_seconds'] / 60:.1f} minutes).")
    return 0  # a missed target is a finding to report, not a failure of the benchmark


if __name__ == "__main__":
    sys.exit(main())
