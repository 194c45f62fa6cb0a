"""Interchange formats: one module per format (``native``, ``claims``, ``spacy``, ``doccano``), each
defining ``FORMAT = base.Format(...)``; ``registry`` finds them; ``export`` and ``importing`` are the
commands; ``sinks`` are where records go; ``records`` validates imported records. Formats use the
store only through ``Store``."""
