"""Clusters from verified pairs, without chaining; and what changed between two clusterings.

Union-find over pairs chains: A~B and B~C put A and C together though they may
share nothing, and one template article can pull in every article of its kind.
Here every member of a cluster is a verified near-duplicate of the cluster's
representative, its earliest-published member: articles are taken earliest
first (unknown dates last, ties by smallest id); one that has a verified pair
with an earlier representative joins the most similar of them (ties: the
earliest), otherwise it starts its own cluster. A member is never a
representative, so nothing attaches through it. The result depends only on the
pairs and the dates, not on the order in which articles were stored or compared.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CLUSTER_SCHEMA = pa.schema([pa.field("id", pa.string(), nullable=False),
                            pa.field("dup_cluster", pa.string(), nullable=False)])


def earliest_first(ids: pa.Array, published: pa.Array) -> np.ndarray:
    """Row order: earliest published first, unknown dates last, ties by smallest id."""
    when = pc.fill_null(pc.cast(published, pa.int64()), np.iinfo(np.int64).max)
    return pc.sort_indices(pa.table({"when": when, "id": ids}),
                           sort_keys=[("when", "ascending"), ("id", "ascending")]).to_numpy()


def ranks(ids: pa.Array, published: pa.Array) -> np.ndarray:
    """rank[row]: the row's place in ``earliest_first`` order."""
    order = earliest_first(ids, published)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def representatives(rank: np.ndarray, pairs: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """rep[row]: the row of its cluster's representative (itself when alone or the representative)."""
    rep = np.arange(len(rank))
    if not len(pairs):
        return rep
    swap = rank[pairs[:, 0]] > rank[pairs[:, 1]]
    early = np.where(swap, pairs[:, 1], pairs[:, 0])
    late = np.where(swap, pairs[:, 0], pairs[:, 1])
    # by the later article's rank, then most similar first, then earliest representative
    order = np.lexsort((rank[early], -similarity, rank[late]))
    # rank order makes this final: a's own pairs (a later than others) all came before b's
    for a, b in zip(early[order].tolist(), late[order].tolist()):
        if rep[b] == b and rep[a] == a:
            rep[b] = a
    return rep


def cluster_rows(ids: pa.Array, rep: np.ndarray) -> pa.Table:
    """(id, dup_cluster) for every row in a cluster of two or more, sorted."""
    members = np.flatnonzero(np.bincount(rep, minlength=len(rep))[rep] > 1)
    table = pa.table({"id": pc.take(ids, members), "dup_cluster": pc.take(ids, rep[members])}, schema=CLUSTER_SCHEMA)
    return table.sort_by([("dup_cluster", "ascending"), ("id", "ascending")])


@dataclass
class ClusterChanges:
    split: int    # earlier clusters whose members are no longer all together
    joined: int   # clusters now holding members of two or more earlier clusters (a lone article counts as one)
    moved: int    # articles whose dup_cluster changed

    def line(self) -> str:
        return f"clusters split: {self.split:,}  joined: {self.joined:,}  articles moved: {self.moved:,}"


def compare(before: pa.Table, after: pa.Table) -> ClusterChanges:
    """How ``after`` differs from ``before`` (both (id, dup_cluster) of the articles in clusters)."""
    old = dict(zip(before.column("id").to_pylist(), before.column("dup_cluster").to_pylist()))
    new = dict(zip(after.column("id").to_pylist(), after.column("dup_cluster").to_pylist()))
    old_parts: dict[str, set] = {}
    new_parts: dict[str, set] = {}
    moved = 0
    for id_ in old.keys() | new.keys():
        was, now = old.get(id_, id_), new.get(id_, id_)
        moved += was != now
        old_parts.setdefault(was, set()).add(now)
        new_parts.setdefault(now, set()).add(was)
    split = sum(1 for cluster, nows in old_parts.items() if len(nows) > 1)
    joined = sum(1 for cluster, wases in new_parts.items() if len(wases) > 1)
    return ClusterChanges(split, joined, moved)
