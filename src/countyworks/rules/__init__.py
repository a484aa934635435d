"""The rules engine and the official rule sets, one module per policy document.

Pure Python and polars: nothing here imports Django, so the batch CLI starts fast and the web
pages call the very same ``evaluate``.  Start from :func:`countyworks.rules.registry.get_ruleset`.
"""
