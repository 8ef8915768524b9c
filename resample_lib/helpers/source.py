"""Show a function's source on the page, so a chapter prints the code it runs instead of a copy of it.

Examples:
    >>> from resample_lib.functional.output_size import conv_output_size
    >>> show_source(conv_output_size).data.splitlines()[:2]
    ['```python', 'def conv_output_size(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:']
"""
from __future__ import annotations

import inspect
from typing import Callable


def show_source(fn: Callable):
    """Display the source of ``fn`` as a highlighted Python block in a notebook.

    Args:
        fn: a function or class defined in a Python file, e.g. a reference version from ``resample_lib.functional``.

    Returns:
        An ``IPython.display.Markdown`` object holding one fenced code block with ``inspect.getsource(fn)``.
    """
    from IPython.display import Markdown

    return Markdown(f"```python\n{inspect.getsource(fn).rstrip()}\n```")
