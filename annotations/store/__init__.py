"""The claimtag store: TinyDB JSON files under one folder, safe for several processes.

The API is ``Store`` (``api.py``) and ``create_store`` (``create.py``); other packages use nothing else
from here but the names below. Inside: ``buckets`` (bucket_of, the tables, the public atomic
multi-table change under one lock), ``writes`` (what a save does to a bucket's tables), ``files`` (the
atomic TinyDB storage), ``db`` (TinyDB tables safe for several processes), ``fs`` (no link followed,
the store's modes), ``lock`` (bucket locks), ``log`` (the change log), ``logcheck`` and ``check``
(``claimtag check``), ``counts`` (claim counts and status).
"""

from __future__ import annotations

from .api import Store
from .buckets import BucketChange, bucket_of
from .create import STORE_MARKER, STORE_SCHEMA_VERSION, create_store, default_store_dir
from .gold import GoldChange
from .log import unix_user

__all__ = ["STORE_MARKER", "STORE_SCHEMA_VERSION", "BucketChange", "GoldChange", "Store", "bucket_of", "create_store", "unix_user",
           "default_store_dir"]
