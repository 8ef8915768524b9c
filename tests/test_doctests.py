"""Every docstring example in resample_lib runs and prints what it shows."""
import doctest
import importlib
import pkgutil

import pytest

import resample_lib

MODULES = sorted(m.name for m in pkgutil.walk_packages(resample_lib.__path__, "resample_lib."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"torch": importlib.import_module("torch")},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
