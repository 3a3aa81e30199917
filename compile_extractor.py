"""Compile the extractor's modules with mypyc into .compiled/, for about 1.7x its speed.

`make setup` runs this whenever transforms/ changes; `transforms/__init__.py` then imports
the compiled modules in place of the plain ones, as long as the sources are those the build
was made from. Without a C compiler the build fails, and the plain modules run as before.

    python compile_extractor.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import transforms


def build(target: Path = transforms.COMPILED) -> None:
    """Compile `transforms.COMPILED_MODULES` into `target`, replacing it whole once built."""
    import setuptools  # before mypyc.build, which then builds with it
    from mypyc.build import mypycify

    digest = transforms.source_digest()
    root = transforms.SOURCES.parent
    paths = [f"transforms/{name}.py" for name in transforms.COMPILED_MODULES]
    with tempfile.TemporaryDirectory(prefix="summitry-mypyc-") as work:
        built = Path(work) / "built"
        options = ["--ignore-missing-imports", f"--cache-dir={work}/mypy-cache"]
        cwd = Path.cwd()
        os.chdir(root)  # mypyc names each module by its path from here
        try:
            modules = mypycify(paths + options, opt_level="3", target_dir=f"{work}/c")
            setuptools.setup(
                name="summitry-compiled",
                packages=[],
                py_modules=[],
                ext_modules=modules,
                script_args=[
                    "--quiet",
                    "build_ext",
                    f"--build-lib={built}",
                    f"--build-temp={work}/obj",
                ],
            )
        finally:
            os.chdir(cwd)
        (built / transforms.STAMP).write_text(digest + "\n")
        _replace(target, built)


def _replace(target: Path, built: Path) -> None:
    """Put `built` at `target`; a process that already loaded the old build keeps it."""
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    shutil.move(built, target)
    shutil.rmtree(old, ignore_errors=True)


def main() -> int:
    started = time.perf_counter()
    try:
        build()
    except (Exception, SystemExit) as error:  # setuptools exits on a compiler error
        print(
            f"compile_extractor: the build failed ({error}); the plain Python modules will run",
            file=sys.stderr,
        )
        return 1
    seconds = time.perf_counter() - started
    print(f"compile_extractor: {len(transforms.COMPILED_MODULES)} modules in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
