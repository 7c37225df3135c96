"""The examples in the modules' docstrings are run, so they cannot drift from the code."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import graph_service
import loaders


def _modules_with_examples() -> list[str]:
    names = []
    for package in (graph_service, loaders):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            runnable = [example for test in doctest.DocTestFinder().find(module)
                        for example in test.examples
                        if not example.options.get(doctest.SKIP)]  # fmt: skip
            if runnable:  # examples marked +SKIP only illustrate (they need a database)
                names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules_with_examples())
def test_the_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0, result
