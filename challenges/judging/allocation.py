"""Which assessor gets which entry: a pure function, so it can be property-tested.

The rules: every entry gets the number of assessors it still needs, all
distinct, none of them conflicted (the caller leaves conflicted pairs out of
`eligible`), and the load is as even as the conflicts allow.

"As even as possible" is made exact by minimising the sum of the squares of the
assessors' final loads (their existing assignments plus the new ones). Among integer
loads with a fixed total, the within-one spread (every load ⌊T/k⌋ or ⌈T/k⌉) has the
smallest sum of squares, so whenever some valid allocation keeps every assessor within
one entry of every other, this one does too; when conflicts make that impossible, no
single entry can be moved from a busier assessor to one with two or more fewer.

It is solved exactly as a minimum-cost flow (successive shortest paths with Dijkstra and
potentials): source → entry (capacity: assessors needed) → assessor (capacity 1, only
eligible pairs) → sink, where an assessor's k-th extra entry costs 2·(load + k) + 1, the
increase of load². A few hundred entries and a dozen assessors take well under a second.
"""

import heapq
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field


@dataclass
class TooFewAssessors(Exception):
    """Some entries have fewer eligible assessors than they need:
    `shortfalls` maps each such entry to (eligible assessors, assessors needed)."""

    shortfalls: dict[Hashable, tuple[int, int]] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"too few eligible assessors for {len(self.shortfalls)} entries"


class _Graph:
    def __init__(self, size: int):
        # Each edge: [to, capacity, cost, index of the reverse edge in graph[to]]
        self.edges: list[list[list[int]]] = [[] for _ in range(size)]

    def add(self, frm: int, to: int, capacity: int, cost: int) -> None:
        self.edges[frm].append([to, capacity, cost, len(self.edges[to])])
        self.edges[to].append([frm, 0, -cost, len(self.edges[frm]) - 1])

    def min_cost_flow(self, source: int, sink: int, amount: int) -> int:
        """Push `amount` units at least total cost; returns the units pushed."""
        size = len(self.edges)
        potential = [0] * size  # all costs start non-negative
        pushed = 0
        while pushed < amount:
            dist = [None] * size
            prev: list[tuple[int, int] | None] = [None] * size
            dist[source] = 0
            heap = [(0, source)]
            while heap:
                d, node = heapq.heappop(heap)
                if d != dist[node]:
                    continue
                for i, (to, capacity, cost, _rev) in enumerate(self.edges[node]):
                    if capacity <= 0:
                        continue
                    nd = d + cost + potential[node] - potential[to]
                    if dist[to] is None or nd < dist[to]:
                        dist[to] = nd
                        prev[to] = (node, i)
                        heapq.heappush(heap, (nd, to))
            if dist[sink] is None:
                break
            for node in range(size):
                if dist[node] is not None:
                    potential[node] += dist[node]
            node = sink
            while node != source:
                frm, i = prev[node]
                edge = self.edges[frm][i]
                edge[1] -= 1
                self.edges[node][edge[3]][1] += 1
                node = frm
            pushed += 1
        return pushed


def allocate(
    *,
    entries: Iterable[Hashable],
    assessors: Iterable[Hashable],
    eligible: set[tuple[Hashable, Hashable]],
    needed: dict[Hashable, int],
    load: dict[Hashable, int] | None = None,
) -> list[tuple[Hashable, Hashable]]:
    """New (entry, assessor) pairs: each entry gets `needed[entry]` more assessors,
    each pair from `eligible`, keeping the final loads (`load` holds the existing ones)
    as even as possible. Raises TooFewAssessors, changing nothing, if any entry has
    fewer eligible assessors than it needs. Deterministic for the same input order."""
    entries = list(entries)
    assessors = list(assessors)
    load = load or {}
    eligible_for = {e: [a for a in assessors if (e, a) in eligible] for e in entries}
    shortfalls = {
        e: (len(eligible_for[e]), needed.get(e, 0))
        for e in entries
        if len(eligible_for[e]) < needed.get(e, 0)
    }
    if shortfalls:
        raise TooFewAssessors(shortfalls)
    total = sum(max(needed.get(e, 0), 0) for e in entries)
    if total == 0:
        return []
    source, sink = 0, 1
    entry_node = {e: 2 + i for i, e in enumerate(entries)}
    assessor_node = {a: 2 + len(entries) + i for i, a in enumerate(assessors)}
    graph = _Graph(2 + len(entries) + len(assessors))
    for e in entries:
        if needed.get(e, 0) > 0:
            graph.add(source, entry_node[e], needed[e], 0)
            for a in eligible_for[e]:
                graph.add(entry_node[e], assessor_node[a], 1, 0)
    for a in assessors:
        start = load.get(a, 0)
        most = sum(1 for e in entries if (e, a) in eligible and needed.get(e, 0) > 0)
        for k in range(most):
            graph.add(assessor_node[a], sink, 1, 2 * (start + k) + 1)
    pushed = graph.min_cost_flow(source, sink, total)
    # Each entry has enough eligible assessors and assessors take any number of
    # entries, so the whole amount always flows.
    assert pushed == total, (pushed, total)
    node_assessor = {n: a for a, n in assessor_node.items()}
    pairs = []
    for e in entries:
        for to, capacity, _cost, _rev in graph.edges[entry_node[e]]:
            if to in node_assessor and capacity == 0:
                pairs.append((e, node_assessor[to]))
    return pairs
