"""The uploaded file of an import, kept in the database (ImportFile.content) so that a worker on
another machine reads it, whatever happened to the broker meanwhile.

Written and read in pieces on PostgreSQL: a bytea sent or fetched whole is escaped into a query (or
out of a result) several times its size, which made an import's memory grow with its file. Here a
piece of `PIECE_BYTES` is appended at a time, and read back a piece at a time into a temporary file
on disk, from which the import reads its rows. Other databases (the embedded SQLite) take it whole."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.db import connection

from .models import ImportFile, ImportRun

PIECE_BYTES = 1 << 20


def _chunked() -> bool:
    return connection.vendor == "postgresql"


def file_store(run: ImportRun, content: bytes) -> None:
    if not _chunked():
        ImportFile.objects.create(run=run, content=content)
        return
    stored = ImportFile.objects.create(run=run, content=content[:PIECE_BYTES])
    table = connection.ops.quote_name(ImportFile._meta.db_table)
    with connection.cursor() as cursor:
        view = memoryview(content)
        for start in range(PIECE_BYTES, len(content), PIECE_BYTES):
            cursor.execute(
                f"UPDATE {table} SET content = content || %s WHERE id = %s",
                [bytes(view[start : start + PIECE_BYTES]), stored.pk],
            )


@contextmanager
def file_open(run: ImportRun) -> Iterator[IO[bytes]]:
    """The run's file as a binary file object at its start (a temporary file, gone when the block ends)."""
    with tempfile.TemporaryFile() as spool:
        if not _chunked():
            spool.write(bytes(ImportFile.objects.values_list("content", flat=True).get(run=run)))
        else:
            table = connection.ops.quote_name(ImportFile._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT id, octet_length(content) FROM {table} WHERE run_id = %s", [run.pk])
                stored, size = cursor.fetchone()
                for start in range(0, size, PIECE_BYTES):
                    cursor.execute(  # substring counts from 1
                        f"SELECT substring(content FROM %s FOR %s) FROM {table} WHERE id = %s",
                        [start + 1, PIECE_BYTES, stored],
                    )
                    spool.write(bytes(cursor.fetchone()[0]))
        spool.seek(0)
        yield spool


def file_bytes(run: ImportRun) -> bytes:
    with file_open(run) as stream:
        return stream.read()
