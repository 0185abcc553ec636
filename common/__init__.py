"""Helpers every layer uses: telephone numbers, ODS codes, London wall time, history.

Imports no app of the project; ``tests/test_layers.py`` checks it.
"""
