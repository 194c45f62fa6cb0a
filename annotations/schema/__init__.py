"""The label schema: ``load_schema`` reads it (``parse.py``) into a ``Schema`` (``model.py``); the
actions and their default keys are ``actions.py``; key names ``keys.py``. Never imports textual."""

from __future__ import annotations

from ..errors import SchemaError
from .actions import ACTIONS, BY_ID, DEFAULT_KEYS, RESERVED_KEYS, SCOPES, Action
from .keys import key_label, key_problem, normalize_key
from .model import BUILTIN, Choice, LabelSet, ReviewSettings, Schema
from .parse import load_schema, parse_schema

__all__ = ["ACTIONS", "BUILTIN", "BY_ID", "DEFAULT_KEYS", "RESERVED_KEYS", "SCOPES", "Action", "Choice", "LabelSet",
           "ReviewSettings", "Schema", "SchemaError", "key_label", "key_problem", "load_schema", "normalize_key", "parse_schema"]
