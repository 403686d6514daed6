"""The render's threads: strips side by side on every core, and one beside them.

A 12 MP render is memory-bound and works in strips of rows on a pool of one
thread per core; what the strips need first (the soft spread's coarse layer)
is drawn on a thread of its own meanwhile, the pool being busy then with the
photo's own filters.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import Future, ThreadPoolExecutor


@functools.cache
def pool() -> ThreadPoolExecutor:
    """One thread per core, shared by every render."""
    return ThreadPoolExecutor(max_workers=max(os.cpu_count() or 1, 1), thread_name_prefix="render")


@functools.cache
def side() -> ThreadPoolExecutor:
    """One thread for work done beside the pool's."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-side")


def done(value) -> Future:
    """A future already holding ``value`` (the work done in place).

    >>> done(3).result()
    3
    """
    (f := Future()).set_result(value)
    return f
