"""Process-level services that every app in one process shares: the idle garbage collector
(``gc.SHARED``) and one store watcher per store folder (``store_watch.watcher_for``)."""
