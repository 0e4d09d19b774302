"""The uploaded file of an import, kept in the database so that a worker on another machine reads it,
whatever happened to the broker meanwhile.

Kept in pieces of `PIECE_BYTES`: the first in ImportFile.content, the others as ImportFilePiece rows.
A bytea sent or fetched whole is escaped into a query (or out of a result) several times its size,
which made an import's memory grow with its file; a piece at a time, storing costs one piece, and
reading copies the pieces into a temporary file on disk, from which the import reads its rows."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from .models import ImportFile, ImportFilePiece, ImportRun

PIECE_BYTES = 1 << 20


def file_store(run: ImportRun, content: bytes) -> None:
    view = memoryview(content)
    stored = ImportFile.objects.create(run=run, content=bytes(view[:PIECE_BYTES]))
    for number, start in enumerate(range(PIECE_BYTES, len(content), PIECE_BYTES), start=1):
        ImportFilePiece.objects.create(file=stored, number=number, content=bytes(view[start : start + PIECE_BYTES]))


@contextmanager
def file_open(run: ImportRun) -> Iterator[IO[bytes]]:
    """The run's file as a binary file object at its start (a temporary file, gone when the block ends)."""
    with tempfile.TemporaryFile() as spool:
        stored_id, first = ImportFile.objects.values_list("pk", "content").get(run=run)
        spool.write(bytes(first))
        numbers = ImportFilePiece.objects.filter(file_id=stored_id).order_by("number").values_list("pk", flat=True)
        for pk in list(numbers):  # one piece per query: never more than one in memory
            spool.write(bytes(ImportFilePiece.objects.values_list("content", flat=True).get(pk=pk)))
        spool.seek(0)
        yield spool


def file_bytes(run: ImportRun) -> bytes:
    with file_open(run) as stream:
        return stream.read()
