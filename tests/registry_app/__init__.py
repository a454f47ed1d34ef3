"""A record type defined only for the tests: the proof that adding one takes a
model in its app, one ``register(...)`` call and its templates.

Installed by ``config.test_settings``; nothing outside this folder names it.
"""
