"""``{{ label|rule_word }}``: a rule set's label in the active language (innovation/rule_words.py)."""

from __future__ import annotations

from django import template

from countyworks.innovation import rule_words

register = template.Library()
register.filter("rule_word", rule_words.rule_word)
register.filter("ruleset_name", rule_words.ruleset_name)
