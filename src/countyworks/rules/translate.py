"""The reader's language for the engine's sentences (reasons, gap advice).

The engine writes Chinese, as the official documents do. A page passes Django's ``gettext`` as a
:data:`Translate` (the English is in the project's .po); the CLI and batch outputs keep the default.
"""

from __future__ import annotations

from collections.abc import Callable

#: Puts one of the engine's sentence templates, or a label a rule set declares, into the reader's language.
Translate = Callable[[str], str]


def as_declared(text: str) -> str:
    """The default :data:`Translate`: the Chinese as written."""
    return text
