"""Lazy attributes for a package ``__init__`` (PEP 562), so imports stay cheap.

``import matchsim`` should not load numba, and ``import matchsim.io`` should
not load pandas, until a name that needs them is used.
"""

from __future__ import annotations

import importlib
import sys


def attach(package: str, names: dict[str, str]):
    """``(__getattr__, __dir__, __all__)`` for the package ``package``.

    ``names`` maps each exported name to the module that defines it. The
    module is imported the first time the name is looked up, and the value is
    then kept in the package's namespace. Call it from the package's
    ``__init__`` as ``__getattr__, __dir__, __all__ = attach(__name__, NAMES)``.

    Examples
    --------
    >>> getattr_, dir_, all_ = attach("demo_package", {"sqrt": "math"})
    >>> getattr_("sqrt")(9.0), all_
    (3.0, ['sqrt'])
    """
    module = sys.modules.get(package)
    namespace = module.__dict__ if module is not None else {}

    def __getattr__(name):
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(names[name]), name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__, list(names)
