"""The API plumbing both apps share: errors, token callers, throttles, instants, parsing.

A plain package, not a Django app: it has no models. Token and feed rows stay
in ``rota.models``; issuing and revoking them is ``rota.tokens``.
"""
