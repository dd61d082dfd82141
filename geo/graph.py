"""Adjacency between polygons, as index pairs and as a sparse graph."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import shapely


def adjacency_pairs(geoms, *, touch_m: float = 1.0, min_shared_m: float = 10.0,
                    lengths: bool = False):
    """Index pairs ``(i, j)``, ``i < j``, of polygons sharing at least ``min_shared_m`` of edge.

    Corner contacts do not count, so a union of adjacent polygons is one polygon.

    Returns
    -------
    ndarray of shape (m, 2), sorted; with ``lengths``, also the length in metres of edge
    each pair shares, shape (m,).
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) < 2:
        empty = np.empty((0, 2), dtype=np.int64)
        return (empty, np.empty(0)) if lengths else empty
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=touch_m)
    keep = left < right
    left, right = left[keep], right[keep]
    rings = shapely.boundary(geoms)
    # Exactly shared edges (as in partitions and grids) are measured cheaply, edge on edge;
    # only pairs without one pay for the tolerant measure against a buffered neighbour.
    shared = shapely.length(shapely.intersection(rings[left], rings[right]))
    loose = shared < min_shared_m
    if loose.any():
        shared[loose] = shapely.length(shapely.intersection(
            rings[left[loose]], shapely.buffer(geoms[right[loose]], touch_m, quad_segs=1)))
    ok = shared >= min_shared_m
    pairs = np.column_stack([left[ok], right[ok]]).astype(np.int64)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return (pairs[order], shared[ok][order]) if lengths else pairs[order]


def sparse_graph(n: int, pairs: np.ndarray, lengths=None) -> sp.csr_matrix:
    """Symmetric adjacency matrix of ``n`` nodes from index ``pairs``: 1 per edge, or the
    edge's ``lengths`` when given."""
    data = np.ones(2 * len(pairs), dtype=np.int8) if lengths is None \
        else np.tile(np.asarray(lengths, dtype=float), 2)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return sp.csr_matrix((data, (rows, cols)), shape=(n, n))
