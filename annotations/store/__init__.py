"""The claimtag store: TinyDB JSON files under one folder, safe for several processes.

The API is ``Store`` (``api.py``); other packages use nothing else from here but the names below.
Inside: ``buckets`` (bucket_of, the tables, the public atomic multi-table change under one lock),
``files`` (the atomic TinyDB storage), ``db`` (TinyDB tables safe for several processes), ``log``
(the change log), ``counts`` (claim counts and status), ``check`` (``claimtag check``).
"""

from __future__ import annotations

from .api import STORE_MARKER, STORE_SCHEMA_VERSION, Store, create_store, default_store_dir
from .buckets import BucketChange, bucket_of

__all__ = ["STORE_MARKER", "STORE_SCHEMA_VERSION", "BucketChange", "Store", "bucket_of", "create_store",
           "default_store_dir"]
