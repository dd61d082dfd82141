"""Balanced, contiguous, compact partition of a cell graph into K parts.

Recursive bisection on random spanning trees (ReCom style): cutting one tree edge splits a
connected set into two connected sets, so every part is contiguous by construction. Among
the cuts whose weights are close to the target, the one with the shortest boundary wins
(edges weighted by the length cells share, or counted when no lengths are given): a short
boundary makes compact sectors. Boundary-cell moves then tighten the
balance and smooth the boundaries, never disconnecting a part. Deterministic for a seed.
"""
from __future__ import annotations

from collections import deque
from typing import Callable

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, depth_first_order, minimum_spanning_tree

from geo.graph import sparse_graph


class PartitionError(ValueError):
    """The zone cannot take the requested number of sectors."""


def allot_parts(comp_weights: np.ndarray, comp_sizes: np.ndarray, k: int) -> np.ndarray:
    """Parts for each connected component: at least one each, the rest by weight."""
    n = len(comp_weights)
    if n > k:
        asked = f"{k} sector{'s' * (k != 1)} {'were' if k != 1 else 'was'}"
        raise PartitionError(f"the zone has {n} separate parts but only {asked} asked "
                             f"for; each part needs a sector of its own (ask for at least {n})")
    parts = np.ones(n, dtype=int)
    total = comp_weights.sum()
    for _ in range(k - n):  # give each next part to the component with the largest load
        load = comp_weights / parts if total > 0 else comp_sizes / parts
        load = np.where(parts < comp_sizes, load, -1.0)
        if load.max() < 0:
            raise PartitionError(f"the zone has only {int(comp_sizes.sum())} cells for {k} "
                                 "sectors; use smaller cells or fewer sectors")
        parts[int(np.argmax(load))] += 1
    return parts


def _subtree_sums(order, pred, values):
    sums = values.astype(float).copy()
    for v in order[:0:-1]:  # reverse preorder, root excluded: children before parents
        sums[pred[v]] += sums[v]
    return sums


def _cut_sizes(cands, tin, size, eu, ev, el):
    lo = tin[cands][:, None]
    hi = lo + size[cands][:, None]
    inside_u = (tin[eu][None, :] >= lo) & (tin[eu][None, :] < hi)
    inside_v = (tin[ev][None, :] >= lo) & (tin[ev][None, :] < hi)
    return (inside_u ^ inside_v) @ el


def _tree_cut(eu, ev, el, w, k1, k2, rng, tol):
    """One random spanning tree's best cut: (score, subtree node mask, subtree gets k1).

    ``eu``, ``ev`` are the edges of the (connected) subgraph, each once, ``el`` their
    lengths. The score ranks cuts within ``tol`` by boundary length, before any other.
    """
    shape = (len(w), len(w))
    rand = sp.csr_matrix((rng.random(len(eu)) + 1e-6, (eu, ev)), shape=shape)
    tree = minimum_spanning_tree(rand)
    order, pred = depth_first_order(tree, 0, directed=False)
    sums = _subtree_sums(order, pred, w)
    size = _subtree_sums(order, pred, np.ones(len(w))).astype(int)
    tin = np.empty(len(w), dtype=int)
    tin[order] = np.arange(len(order))
    ideal = w.sum() / (k1 + k2)
    n = len(w)
    # a side must have at least as many cells as the sectors it will be cut into
    dev1 = np.where((size >= k1) & (n - size >= k2), np.abs(sums - ideal * k1) / ideal, np.inf)
    dev2 = np.where((size >= k2) & (n - size >= k1), np.abs(sums - ideal * k2) / ideal, np.inf)
    dev = np.minimum(dev1, dev2)
    dev[order[0]] = np.inf
    cands = np.argsort(dev, kind="stable")[:32]
    within = dev[cands] <= tol
    if within.any():
        cuts = np.where(within, _cut_sizes(cands, tin, size, eu, ev, el), np.inf)
        pick = int(np.argmin(cuts))
        score = (0, float(cuts[pick]))
    else:
        pick = int(np.argmin(dev[cands]))
        score = (1, float(dev[cands][pick]))
    best = cands[pick]
    mask = (tin >= tin[best]) & (tin < tin[best] + size[best])
    return score, mask, bool(dev1[best] <= dev2[best])


def _bisect(nodes, k, w, adj, rng, tries, tol, out, progress):
    if k == 1:
        out.append(nodes)
        progress()
        return
    k1, k2 = k // 2, k - k // 2
    tri = sp.triu(adj[nodes][:, nodes], format="coo")
    best = None
    for _ in range(tries):
        cut = _tree_cut(tri.row, tri.col, tri.data.astype(float), w[nodes], k1, k2, rng, tol)
        if best is None or cut[0] < best[0]:
            best = cut
    _, mask, first_gets_k1 = best
    inside, outside = nodes[mask], nodes[~mask]
    a, b = (inside, outside) if first_gets_k1 else (outside, inside)
    if len(a) < k1 or len(b) < k2:
        raise PartitionError(f"cannot split {len(nodes)} cells into {k} sectors; "
                             "use smaller cells or fewer sectors")
    _bisect(a, k1, w, adj, rng, tries, tol, out, progress)
    _bisect(b, k2, w, adj, rng, tries, tol, out, progress)


def _stays_connected(cell, labels, indptr, indices) -> bool:
    """Whether the part of ``cell`` stays connected without it (local search, early exit)."""
    part = labels[cell]
    nbrs = [u for u in indices[indptr[cell]:indptr[cell + 1]] if labels[u] == part]
    if len(nbrs) <= 1:
        return len(nbrs) == 1
    want, seen, queue = set(nbrs[1:]), {nbrs[0], cell}, deque([nbrs[0]])
    while queue and want:
        v = queue.popleft()
        for u in indices[indptr[v]:indptr[v + 1]]:
            if u not in seen and labels[u] == part:
                seen.add(u)
                want.discard(u)
                queue.append(u)
    return not want


def _moves(part, labels, indptr, indices, *, give: bool):
    """Boundary moves ``(cell, from, to)``: out of ``part`` when ``give``, else into it."""
    if give:
        for c in np.flatnonzero(labels == part):
            for q in sorted(set(labels[indices[indptr[c]:indptr[c + 1]]].tolist()) - {part}):
                yield c, part, q
    else:
        for c in _frontier(part, labels, indptr, indices):
            yield c, labels[c], part


def _frontier(part, labels, indptr, indices):
    cells = np.flatnonzero(labels == part)
    nb = np.unique(np.concatenate([indices[indptr[c]:indptr[c + 1]] for c in cells]))
    return nb[labels[nb] != part]


def _same_neighbours(c, target, labels, adj):
    """Boundary ``c`` shares with part ``target`` (edge lengths, or neighbour count)."""
    lo, hi = adj.indptr[c], adj.indptr[c + 1]
    return float(adj.data[lo:hi][labels[adj.indices[lo:hi]] == target].sum())


def refine_balance(labels, w, adj, ideal, tol, max_moves=20_000):
    """Move boundary cells from heavy parts to light neighbours until all are within ``tol``."""
    indptr, indices = adj.indptr, adj.indices
    load = np.bincount(labels, weights=w, minlength=len(ideal))
    for _ in range(max_moves):
        dev = (load - ideal) / ideal
        moved = False
        for p in np.argsort(-np.abs(dev), kind="stable"):
            if abs(dev[p]) <= tol:
                break
            found = []
            for c, a, b in _moves(p, labels, indptr, indices, give=dev[p] > 0):
                before = max(abs(dev[a]), abs(dev[b]))
                after = max(abs(load[a] - w[c] - ideal[a]) / ideal[a],
                            abs(load[b] + w[c] - ideal[b]) / ideal[b])
                if after < before - 1e-12:
                    found.append((after, -_same_neighbours(c, b, labels, adj), c, a, b))
            for _, _, c, a, b in sorted(found)[:24]:
                if _stays_connected(c, labels, indptr, indices):
                    labels[c] = b
                    load[a] -= w[c]
                    load[b] += w[c]
                    moved = True
                    break
            if moved:
                break
        if not moved:
            break
    return labels


def _part_path(start, labels, adj, want) -> list[int] | None:
    """Shortest chain of neighbouring parts from ``start`` to a part where ``want`` holds."""
    coo = adj.tocoo()
    a, b = labels[coo.row], labels[coo.col]
    links: dict[int, set[int]] = {}
    for u, v in zip(a[a != b].tolist(), b[a != b].tolist()):
        links.setdefault(u, set()).add(v)
    before, queue = {start: None}, deque([start])
    while queue:
        u = queue.popleft()
        if u != start and want(u):
            path = [u]
            while before[path[-1]] is not None:
                path.append(before[path[-1]])
            return path[::-1]
        for v in sorted(links.get(u, ())):
            if v not in before:
                before[v] = u
                queue.append(v)
    return None


def _pass_cell(src, dst, amount, labels, w, adj):
    """Move the cell of ``src`` next to ``dst`` whose weight is nearest ``amount``, keeping
    ``src`` connected; return the cell moved or None."""
    indptr, indices = adj.indptr, adj.indices
    cells = [c for c in np.flatnonzero(labels == src)
             if (labels[indices[indptr[c]:indptr[c + 1]]] == dst).any()]
    for c in sorted(cells, key=lambda c: (abs(w[c] - amount), c))[:24]:
        if _stays_connected(c, labels, indptr, indices):
            labels[c] = dst
            return c
    return None


def chain_balance(labels, w, adj, ideal, tol, max_chains=200):
    """Balance parts whose direct neighbours cannot help: pass one cell along each link of
    the shortest chain of parts from a part off by more than ``tol`` to one off the other
    way. A chain is kept only when it lowers the largest deviation along it."""
    load = np.bincount(labels, weights=w, minlength=len(ideal))
    stuck: set[int] = set()
    for _ in range(max_chains):
        dev = (load - ideal) / ideal
        worst = [p for p in np.argsort(-np.abs(dev), kind="stable")
                 if abs(dev[p]) > tol and p not in stuck]
        if not worst:
            break
        p = int(worst[0])
        heavy = dev[p] > 0
        path = _part_path(p, labels, adj, lambda q: (dev[q] < 0) if heavy else (dev[q] > 0))
        if path is None:
            stuck.add(p)
            continue
        amount = min(abs(dev[p]) * ideal[p], abs(dev[path[-1]]) * ideal[path[-1]])
        links = list(zip(path, path[1:])) if heavy else [(v, u) for u, v in zip(path, path[1:])][::-1]
        moved, trial = [], labels.copy()
        for src, dst in links:  # each part passes on about what it was given
            c = _pass_cell(src, dst, amount, trial, w, adj)
            if c is None:
                break
            moved.append((c, src, dst))
            amount = w[c]
        after = load.copy()
        for c, src, dst in moved:
            after[src] -= w[c]
            after[dst] += w[c]
        if len(moved) == len(links) and \
                np.abs((after - ideal) / ideal)[path].max() < np.abs(dev[path]).max() - 1e-12:
            labels[:], load = trial, after
            stuck.clear()
        else:
            stuck.add(p)
    return labels


def smooth_boundaries(labels, w, adj, ideal, tol, passes=3):
    """Move cells that share more boundary with another part there, keeping balance within
    ``tol``."""
    indptr, indices = adj.indptr, adj.indices
    load = np.bincount(labels, weights=w, minlength=len(ideal))
    for _ in range(passes):
        changed = 0
        for c in range(len(labels)):
            a = labels[c]
            nb = labels[indices[indptr[c]:indptr[c + 1]]]
            if (nb == a).all():
                continue
            counts = np.bincount(nb, weights=adj.data[indptr[c]:indptr[c + 1]],
                                 minlength=len(ideal))
            b = int(np.argmax(np.where(np.arange(len(ideal)) == a, -1, counts)))
            if counts[b] <= counts[a]:
                continue
            if abs(load[a] - w[c] - ideal[a]) / ideal[a] > max(tol, abs(load[a] - ideal[a]) / ideal[a]):
                continue
            if abs(load[b] + w[c] - ideal[b]) / ideal[b] > max(tol, abs(load[b] - ideal[b]) / ideal[b]):
                continue
            if _stays_connected(c, labels, indptr, indices):
                labels[c] = b
                load[a] -= w[c]
                load[b] += w[c]
                changed += 1
        if not changed:
            break
    return labels


def partition_graph(weights, pairs, k: int, *, lengths=None, seed: int = 0,
                    tolerance: float = 0.01, tries: int = 24,
                    progress: Callable[[], None] | None = None) -> np.ndarray:
    """Label each node of a graph with one of ``k`` contiguous, balanced parts.

    Parameters
    ----------
    weights
        Non-negative weight of each node (population or area).
    pairs
        Edges as index pairs, shape (m, 2).
    lengths
        Length of each edge (the boundary two cells share), shape (m,); boundaries are
        kept short by these. Without them every edge counts 1.
    k
        Number of parts.
    seed
        Seed of the random spanning trees; same inputs and seed give the same labels.
    tolerance
        Target largest deviation of a part's weight from its ideal, as a fraction.
    tries
        Random spanning trees drawn per bisection.
    progress
        Called once per finished part.

    Returns
    -------
    ndarray of int
        Part label of each node, ``0 .. k-1``.

    Raises
    ------
    PartitionError
        More parts than cells, or more separate zone parts than ``k``.
    """
    w = np.asarray(weights, dtype=float)
    n = len(w)
    if k < 1:
        raise PartitionError(f"the number of sectors must be at least 1; got {k}")
    if n < k:
        raise PartitionError(f"the zone has only {n} cells for {k} sectors; "
                             "use smaller cells or fewer sectors")
    if w.sum() <= 0:
        w = np.ones(n)  # nothing to balance: fall back to equal cell counts
    adj = sparse_graph(n, np.asarray(pairs, dtype=np.int64).reshape(-1, 2),
                       None if lengths is None else np.asarray(lengths, dtype=float))
    ncomp, comp = connected_components(adj, directed=False)
    comp_w = np.bincount(comp, weights=w, minlength=ncomp)
    parts = allot_parts(comp_w, np.bincount(comp, minlength=ncomp), k)
    rng = np.random.default_rng(seed)
    groups: list[np.ndarray] = []
    ideal = []
    for c in range(ncomp):
        before = len(groups)
        _bisect(np.flatnonzero(comp == c), int(parts[c]), w, adj, rng, tries, 0.05, groups,
                progress or (lambda: None))
        ideal += [comp_w[c] / parts[c]] * (len(groups) - before)
    labels = np.empty(n, dtype=int)
    for i, g in enumerate(groups):
        labels[g] = i
    ideal = np.maximum(np.asarray(ideal), 1e-12)
    labels = refine_balance(labels, w, adj, ideal, tolerance)
    labels = smooth_boundaries(labels, w, adj, ideal, tolerance)
    labels = refine_balance(labels, w, adj, ideal, tolerance)
    return chain_balance(labels, w, adj, ideal, tolerance)
