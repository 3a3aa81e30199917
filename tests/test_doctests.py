"""The examples in the transforms' docstrings hold.

They run on the plain modules, in a process with SUMMITRY_PURE=1: a module compiled with
mypyc (compile_extractor.py) keeps no examples to run.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys

import pytest

import transforms

MODULES = sorted({module.name for module in pkgutil.iter_modules([str(transforms.SOURCES)])})
_RUN_EXAMPLES = """
import doctest, importlib, io, json, sys
from contextlib import redirect_stdout
results = {}
for name in sys.argv[1:]:
    module = importlib.import_module(f"transforms.{name}")
    assert not module.__file__.endswith(".so"), module.__file__
    with redirect_stdout(io.StringIO()) as report:
        failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    results[name] = [failed, attempted, report.getvalue()]
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def plain_results() -> dict[str, list]:
    """Each module's [failed, attempted, report], from the plain modules."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN_EXAMPLES, *MODULES],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SUMMITRY_PURE": "1"},
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, plain_results):
    failed, _, report = plain_results[name]
    assert failed == 0, f"{failed} docstring example(s) of transforms.{name} failed:\n{report}"


def test_the_examples_are_found(plain_results):
    """A module known to have examples is seen to run them: the harness itself works."""
    assert plain_results["patterns"][1] > 0
