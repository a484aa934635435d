"""The rule sets' words (titles, field, indicator and condition labels, units) in the active language.

The rule modules (``countyworks.rules``) are pure Python and state their labels in Chinese, as the
official documents do; their English is in the project's .po, looked up here at display time, so
the rules engine stays free of Django. A label without an English entry is shown as declared.
"""

from __future__ import annotations

from django.utils.translation import gettext

from countyworks.rules.engine import RuleSet


def rule_word(text: str) -> str:
    """A label declared by a rule set, in the active language."""
    return gettext(text) if text else text


def condition_labels(ruleset: RuleSet) -> list[tuple[str, str]]:
    """(code, label in the active language) of every condition of ``ruleset``: the code is for
    filters and links, the label for people."""
    return [(c.code, rule_word(c.label)) for c in ruleset.conditions]


def ruleset_name(ruleset: RuleSet) -> str:
    """``科技型中小企业评价办法（国科发区〔2022〕67号）``: how a person tells rule sets apart."""
    return gettext("%(title)s（%(document)s）") % {
        "title": rule_word(ruleset.title),
        "document": ruleset.document,
    }
