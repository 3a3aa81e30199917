"""Pure functions from article text to records: no I/O, no Prefect.

The extractor's modules can also be compiled with mypyc (`make` does it, with
compile_extractor.py, into .compiled/ beside this folder). When that build was made from
exactly these sources, its modules are imported in place of the plain ones, for speed;
after any edit here, or with SUMMITRY_PURE=1 set, the plain modules are used.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

# What compile_extractor.py compiles: the modules extract_article runs. records stays plain,
# so its frozen dataclasses pickle the same on both sides of a process pool.
COMPILED_MODULES = (
    "patterns",
    "text",
    "lexicon",
    "actors",
    "dates",
    "places",
    "reading",
    "meetings",
    "statements",
    "topics",
    "extract",
)
SOURCES = Path(__file__).parent
COMPILED = SOURCES.parent / ".compiled"  # the build: transforms/*.so and mypyc's runtime
STAMP = "sources.sha256"  # in COMPILED: the digest of the sources it was built from


def source_digest() -> str:
    """Return the SHA-256 of every module of this package, names and contents: a build made
    from other sources (even one edit of a plain module it calls) is not used."""
    digest = hashlib.sha256()
    for path in sorted(SOURCES.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def compiled_build_is_current() -> bool:
    """Return whether .compiled/ holds a build of these very sources."""
    try:
        return (COMPILED / STAMP).read_text().strip() == source_digest()
    except OSError:
        return False


def _use_compiled_build() -> None:
    """Import the compiled modules first (those this Python cannot load fall back to the
    plain ones: their file names carry the interpreter's ABI)."""
    if os.environ.get("SUMMITRY_PURE") or not compiled_build_is_current():
        return
    __path__.insert(0, str(COMPILED / "transforms"))
    sys.path.append(str(COMPILED))  # mypyc's shared runtime library, a top-level module


_use_compiled_build()
