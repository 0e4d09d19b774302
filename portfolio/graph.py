"""Graph reads over use-case links that the ORM cannot express in one query."""

from __future__ import annotations

from collections import deque

from django.db import connection

from domains.models import UseCase

from .choices import LinkKind
from .models import UseCaseLink

# Every use case reachable from %(start)s through depends_on links, in one query. UNION (not UNION
# ALL) makes the walk terminate even if a cycle slipped in, and keeps it linear in the edges.
_REACHABLE_SQL = """
WITH RECURSIVE reach(node) AS (
    SELECT CAST(%s AS BIGINT)
    UNION
    SELECT l.target_id FROM {table} l JOIN reach r ON l.source_id = r.node
    WHERE l.kind = %s AND l.id <> %s
)
SELECT l.source_id, l.target_id FROM {table} l
WHERE l.kind = %s AND l.id <> %s AND l.source_id IN (SELECT node FROM reach)
"""


def dependency_cycle(*, source_id: int, target_id: int, exclude_link_id: int | None = None) -> list[str]:
    """The cycle that `source depends_on target` would close, as references from source back to
    source (e.g. ["UC-0001", "UC-0002", "UC-0001"]), or [] if none. Two queries at most."""
    exclude = exclude_link_id or 0
    sql = _REACHABLE_SQL.format(table=connection.ops.quote_name(UseCaseLink._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [target_id, LinkKind.DEPENDS_ON, exclude, LinkKind.DEPENDS_ON, exclude])
        edges = cursor.fetchall()
    path = _shortest_path(edges, start=target_id, goal=source_id)
    if path is None:
        return []
    ids = [source_id, *path]
    references = dict(UseCase.objects.filter(pk__in=ids).values_list("pk", "reference"))
    return [references.get(pk, str(pk)) for pk in ids]


def _shortest_path(edges: list[tuple[int, int]], *, start: int, goal: int) -> list[int] | None:
    if start == goal:
        return [start]
    successors: dict[int, list[int]] = {}
    for source, target in edges:
        successors.setdefault(source, []).append(target)
    previous: dict[int, int] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in successors.get(node, ()):
            if nxt in previous:
                continue
            previous[nxt] = node
            if nxt == goal:
                path = [goal]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            queue.append(nxt)
    return None
