"""A painted raster layer as an immutable value, cheap to snapshot.

Brush edits and the scar are full-resolution rasters, but every snapshot in the
undo history must be a whole design. A :class:`Layer` is stored in square tiles;
painting returns a new layer that shares every tile the stroke did not touch, so
a history of a hundred strokes costs the tiles they touched, not a hundred
copies of a 12 MP image.
"""

from __future__ import annotations

import numpy as np

TILE = 256


class Layer:
    """An immutable (H, W) raster with a fill value, stored as shared tiles.

    Parameters
    ----------
    shape : (int, int)
        Height and width in photo pixels.
    dtype : numpy dtype
    fill : scalar
        The value of every pixel no tile holds ("nothing painted").

    Examples
    --------
    >>> a = Layer((300, 600), np.uint8, 255)
    >>> b = a.painted(np.s_[10:20, 500:520], 1)
    >>> int(a.array()[15, 510]), int(b.array()[15, 510]), b.is_blank(), a.is_blank()
    (255, 1, False, True)
    """

    __slots__ = ("shape", "dtype", "fill", "_tiles")

    def __init__(self, shape, dtype, fill, tiles: dict | None = None):
        self.shape = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(dtype)
        self.fill = self.dtype.type(fill)
        self._tiles = dict(tiles or {})

    @classmethod
    def from_array(cls, arr: np.ndarray, fill) -> "Layer":
        """A layer holding ``arr``; tiles that are all ``fill`` are not stored."""
        arr = np.asarray(arr)
        tiles = {}
        for ty in range(0, arr.shape[0], TILE):
            for tx in range(0, arr.shape[1], TILE):
                t = arr[ty:ty + TILE, tx:tx + TILE]
                if (t != fill).any():
                    tiles[(ty // TILE, tx // TILE)] = _frozen(t.copy())
        return cls(arr.shape, arr.dtype, fill, tiles)

    def is_blank(self) -> bool:
        return not self._tiles

    def array(self) -> np.ndarray:
        """The whole raster (a new array each call: cache it where it is used)."""
        out = np.full(self.shape, self.fill, self.dtype)
        for (ty, tx), t in self._tiles.items():
            out[ty * TILE:ty * TILE + t.shape[0], tx * TILE:tx * TILE + t.shape[1]] = t
        return out

    def region(self, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        """A copy of the rectangle ``[y0:y1, x0:x1]``."""
        out = np.full((y1 - y0, x1 - x0), self.fill, self.dtype)
        for ty in range(y0 // TILE, (y1 - 1) // TILE + 1):
            for tx in range(x0 // TILE, (x1 - 1) // TILE + 1):
                t = self._tiles.get((ty, tx))
                if t is None:
                    continue
                oy, ox = ty * TILE, tx * TILE
                a0, a1 = max(y0, oy), min(y1, oy + t.shape[0])
                b0, b1 = max(x0, ox), min(x1, ox + t.shape[1])
                if a0 < a1 and b0 < b1:
                    out[a0 - y0:a1 - y0, b0 - x0:b1 - x0] = t[a0 - oy:a1 - oy, b0 - ox:b1 - ox]
        return out

    def with_region(self, y0: int, y1: int, x0: int, x1: int, values: np.ndarray,
                    where: np.ndarray | None = None) -> "Layer":
        """A new layer with ``values`` written into the rectangle (only where ``where``)."""
        H, W = self.shape
        y0, x0, y1, x1 = max(int(y0), 0), max(int(x0), 0), min(int(y1), H), min(int(x1), W)
        if y1 <= y0 or x1 <= x0:
            return self
        tiles = dict(self._tiles)
        for ty in range(y0 // TILE, (y1 - 1) // TILE + 1):
            for tx in range(x0 // TILE, (x1 - 1) // TILE + 1):
                oy, ox = ty * TILE, tx * TILE
                th, tw = min(TILE, H - oy), min(TILE, W - ox)
                old = tiles.get((ty, tx))
                t = np.full((th, tw), self.fill, self.dtype) if old is None else old.copy()
                a0, a1 = max(y0, oy), min(y1, oy + th)
                b0, b1 = max(x0, ox), min(x1, ox + tw)
                if a0 >= a1 or b0 >= b1:
                    continue
                src = np.asarray(values)[a0 - y0:a1 - y0, b0 - x0:b1 - x0]
                dst = t[a0 - oy:a1 - oy, b0 - ox:b1 - ox]
                if where is None:
                    dst[...] = src
                else:
                    m = where[a0 - y0:a1 - y0, b0 - x0:b1 - x0]
                    dst[m] = src[m]
                if (t != self.fill).any():
                    tiles[(ty, tx)] = _frozen(t)
                else:
                    tiles.pop((ty, tx), None)
        return Layer(self.shape, self.dtype, self.fill, tiles)

    def painted(self, index, value) -> "Layer":
        """A new layer with ``value`` written at a rectangular slice ``np.s_[y0:y1, x0:x1]``."""
        ys, xs = index
        y0, y1, _ = ys.indices(self.shape[0])
        x0, x1, _ = xs.indices(self.shape[1])
        return self.with_region(y0, y1, x0, x1, np.full((max(y1 - y0, 0), max(x1 - x0, 0)), value, self.dtype))

    def __eq__(self, other):
        if not isinstance(other, Layer):
            return NotImplemented
        return self is other or (self.shape == other.shape and self.dtype == other.dtype and self.fill == other.fill
                                 and self._tiles.keys() == other._tiles.keys()
                                 and all(np.array_equal(t, other._tiles[k]) for k, t in self._tiles.items()))

    __hash__ = None  # mutable-looking numpy contents: compare, do not hash


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a
