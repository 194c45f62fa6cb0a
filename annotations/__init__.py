"""The headless core of claimtag: corpus, schema, store, export/import, CLI commands.

Nothing in this package imports textual (tests/test_layering.py keeps it so)."""
