"""The examples in the transforms' docstrings hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import transforms

MODULES = sorted(module.name for module in pkgutil.iter_modules(transforms.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"transforms.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) of transforms.{name} failed"
