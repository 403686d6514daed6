"""Row picks for arrays of points: numpy's own ``a[mask]``, ``a[indices]`` and
``np.insert`` are several times slower on the rows of a 2-D array than on a
1-D one, and a drag does them on every frame."""

from __future__ import annotations

import numpy as np


def take_rows(a: np.ndarray, which: np.ndarray) -> np.ndarray:
    """``a[which]`` along the first axis, for a boolean mask or indices.

    >>> a = np.arange(8.0).reshape(4, 2)
    >>> take_rows(a, np.array([True, False, False, True])).tolist()
    [[0.0, 1.0], [6.0, 7.0]]
    """
    which = np.asarray(which)
    if which.dtype == bool:
        which = np.flatnonzero(which)
    return np.take(a, which, axis=0)


def insert_rows(a: np.ndarray, at: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.insert(a, at, values, axis=0)``, with 2-D rows moved as single items.

    >>> insert_rows(np.array([[1, 1], [3, 3]]), np.array([1]), np.array([[2, 2]])).tolist()
    [[1, 1], [2, 2], [3, 3]]
    """
    if a.ndim == 1:
        return np.insert(a, at, values)
    a, values = np.ascontiguousarray(a), np.ascontiguousarray(values, dtype=a.dtype)
    item = np.dtype((np.void, a.dtype.itemsize * a.shape[1]))
    out = np.insert(a.view(item).ravel(), at, values.view(item).ravel())
    return out.view(a.dtype).reshape(-1, a.shape[1])
