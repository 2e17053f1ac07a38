"""Keep hypothesis's lambda descriptions from crashing on CPython 3.11.7.

To describe a `.filter(lambda …)` hypothesis parses the lambda's source with `ast.parse`; on
CPython 3.11 before 3.11.9 that call can raise `SystemError: AST constructor recursion depth
mismatch` (CPython gh-106905) depending on how deep the C stack is at that moment, and the error
surfaces as a failing test or a schemathesis "Runtime Error" that has nothing to do with our code.
A description is only a label: when parsing fails this way it becomes hypothesis's own
"<unknown>" form, which is what hypothesis does when it cannot read a lambda's source.
"""

from __future__ import annotations

import inspect


def install() -> None:
    from hypothesis.internal import lambda_sources

    original = lambda_sources._lambda_description
    if getattr(original, "grid_guarded", False):
        return

    def described(f, *args, **kwargs):
        try:
            return original(f, *args, **kwargs)
        except SystemError:
            parameters = str(inspect.signature(f))[1:-1]
            return f"lambda {parameters}: <unknown>" if parameters else "lambda: <unknown>"

    described.grid_guarded = True
    lambda_sources._lambda_description = described
