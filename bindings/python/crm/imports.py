"""Importing customers from CSV and JSON Lines files as stored, resumable, revertible jobs.

``db.import_file("customers.csv", preset="datablist")`` reads the file row by row, maps its
columns to customer fields (a preset, adjusted with ``columns={"Notes": "custom.notes"}``),
normalises the values and upserts each row: the first match rule that finds a stored customer
(``match=("external_id", "email", "phone")`` by default) updates it, otherwise a customer is
created. Emails, phones and tags are merged, other fields the row gives replace the stored
values, and empty cells keep them: re-importing a file changes nothing. A row that fails is
counted and kept with its reason (``txn.import_errors(job.id)``, ``db.write_failed_rows``); it
never stops the others unless ``all_or_nothing``. Rows are committed in batches with the job, so
a stopped or killed import goes on with ``db.resume_import(job.id)``; ``db.revert_import(job.id)``
undoes a job. What a column may fill is listed in crm/import.hpp (``ImportColumn``).
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import os
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional, Union

from ._native import ffi, lib
from ._ops import Ops, check_id
from .errors import EINVALID, InvalidError, check
from .values import at_micros

#: crm_imports.h's CRM_IMPORT_OPTIONS_VERSION
_OPTIONS_VERSION = 2
_FORMATS = {None: 0, "csv": 1, "jsonl": 2, "vcard": 3}
#: crm_imports.h's CRM_IMPORT_RECORDS_*: what the rows of a file are
_RECORDS = {None: 0, "customers": 1, "opportunities": 2, "interactions": 3, "users": 4, "products": 5}
_MATCH_RULES = ("external_id", "email", "phone")


class ImportState(enum.IntEnum):
    RUNNING = 1  #: not finished: interrupted (resume_import goes on) or running now
    FINISHED = 2
    FAILED = 3  #: all or nothing, and a row failed: nothing of the file was kept
    REVERTED = 4


@dataclasses.dataclass(frozen=True)
class ImportCounts:
    created: int  #: customers created (organizations rows named included)
    updated: int  #: rows that changed a stored customer
    unchanged: int  #: rows that matched a customer and changed nothing
    skipped: int  #: rows with no value in any mapped column
    failed: int  #: rows refused (import_errors says why)


@dataclasses.dataclass(frozen=True)
class ImportProgress:
    """How far an import got: given to the ``progress`` callable after every batch."""

    rows: int
    bytes: int
    bytes_total: int
    counts: ImportCounts


@dataclasses.dataclass(frozen=True)
class ImportJob:
    id: int
    path: str
    format: str  #: "csv", "jsonl" or "vcard"
    preset: str
    columns: dict[str, list[str]]  #: the mapping used: column -> the fields it fills
    header: tuple[str, ...]  #: CSV: the file's header row
    match: tuple[str, ...]
    state: ImportState
    counts: ImportCounts
    rows_done: int  #: rows read and committed
    bytes_done: int  #: where the next row starts
    file_size: int
    started_at: Optional[_dt.datetime]
    finished_at: Optional[_dt.datetime]
    reverted_at: Optional[_dt.datetime]
    reverted_deleted: int  #: records the revert deleted
    reverted_restored: int  #: records the revert gave back the fields they had
    actor: str
    records: str  #: "customers", "opportunities", "interactions", "users" (since 0.12) or "products" (0.15)
    pipeline: str  #: opportunities: the pipeline given for rows that name none ("": the default)


@dataclasses.dataclass(frozen=True)
class ImportRowError:
    """A failed row: its number (data rows from 1), the line where it starts, the field at fault
    ("" for the row as a whole), the reason, and the row as the file had it."""

    row: int
    line: int
    field: str
    reason: str
    original: str


def _text(h: Any, field: int) -> str:
    size = ffi.new("size_t*")
    p = lib.crm_import_job_text(h, field, size)
    return "" if p == ffi.NULL else ffi.unpack(p, size[0]).decode()


def _when(micros: int) -> Optional[_dt.datetime]:
    return None if micros == 0 else at_micros(micros)


def _job(h: Any) -> ImportJob:
    """An ImportJob from a borrowed crm_import_job."""
    i = lambda f: lib.crm_import_job_int(h, f)  # noqa: E731
    columns: dict[str, list[str]] = {}
    for line in _text(h, 107).split("\n"):
        if line:
            column, _, field = line.rpartition("=")
            columns.setdefault(column, []).append(field)
    header = _text(h, 109)
    return ImportJob(
        id=i(1), path=_text(h, 101), format={1: "csv", 2: "jsonl", 3: "vcard"}.get(i(2), "csv"), preset=_text(h, 102),
        columns=columns, header=tuple(header.split("\n")) if header else (),
        match=tuple(m for m in _text(h, 108).split(",") if m), state=ImportState(i(3)),
        counts=ImportCounts(i(4), i(5), i(6), i(7), i(8)), rows_done=i(9), bytes_done=i(10), file_size=i(11),
        started_at=_when(i(12)), finished_at=_when(i(13)), reverted_at=_when(i(14)),
        reverted_deleted=i(15), reverted_restored=i(16), actor=_text(h, 106),
        records={2: "opportunities", 3: "interactions", 4: "users", 5: "products"}.get(i(20), "customers"), pipeline=_text(h, 110),
    )  # fmt: skip


def _owned_job(out: Any) -> ImportJob:
    try:
        return _job(out[0])
    finally:
        lib.crm_import_job_free(out[0])


class _Progress:
    """The caller's progress callable, as the C callback calls it; keeps what it raised."""

    def __init__(self, fn: Callable[[ImportProgress], Any]) -> None:
        self.fn = fn
        self.error: Optional[BaseException] = None

    def call(self, p: Any) -> int:
        try:
            counts = ImportCounts(p.created, p.updated, p.unchanged, p.skipped, p.failed)
            go_on = self.fn(ImportProgress(p.rows, p.bytes, p.bytes_total, counts))
            return 0 if go_on is None or go_on else 1
        except BaseException as e:  # raised again once the import returns; the import stops
            self.error = e
            return 1


@ffi.callback("crm_import_progress_fn", error=1)
def _progress_trampoline(p: Any, arg: Any) -> int:
    result: int = ffi.from_handle(arg).call(p)
    return result


def _progress(fn: Optional[Callable[[ImportProgress], Any]], keep: list) -> tuple[Any, Any, Optional[_Progress]]:
    if fn is None:
        return ffi.NULL, ffi.NULL, None
    if not callable(fn):
        raise InvalidError(EINVALID, "progress: expected a callable taking an ImportProgress")
    holder = _Progress(fn)
    handle = ffi.new_handle(holder)
    keep.append(handle)
    return _progress_trampoline, handle, holder


def _cstr(value: Optional[str], what: str, keep: list) -> Any:
    if value is None:
        return ffi.NULL
    if not isinstance(value, str):
        raise InvalidError(EINVALID, f"{what}: expected a str, got {type(value).__name__}")
    if "\0" in value:
        raise InvalidError(EINVALID, f"{what}: holds a NUL character")
    raw = ffi.new("char[]", value.encode())
    keep.append(raw)
    return raw


def presets() -> list[str]:
    """The names of the column presets ``import_file(preset=...)`` takes."""
    out, size = ffi.new("char**"), ffi.new("size_t*")
    check(lib.crm_import_presets(out, size))
    try:
        return ffi.unpack(out[0], size[0]).decode().split("\n")
    finally:
        lib.crm_free(out[0])


class ImportReads(Ops):
    """Reads of import jobs: methods of every transaction and of the database."""

    def import_job(self, id: int) -> ImportJob:
        """The job `id`; NotFoundError when there is none."""
        job = check_id(id, "id")

        def read(txn: Any) -> ImportJob:
            out = ffi.new("crm_import_job**")
            check(lib.crm_import_job_get(out, txn, job))
            return _owned_job(out)

        return self._with_read(read)

    def import_jobs(self, limit: int = 100) -> list[ImportJob]:
        """The jobs, newest first (at most `limit`, 1 to 1000)."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise InvalidError(EINVALID, f"limit: expected an int from 1 to 1000, got {limit!r}")

        def read(txn: Any) -> list[ImportJob]:
            out = ffi.new("crm_import_job_list**")
            check(lib.crm_import_job_list_get(out, txn, limit))
            try:
                return [_job(lib.crm_import_job_list_at(out[0], i)) for i in range(lib.crm_import_job_list_size(out[0]))]
            finally:
                lib.crm_import_job_list_free(out[0])

        return self._with_read(read)

    def import_errors(self, id: int, after_row: int = 0, limit: int = 1000) -> list[ImportRowError]:
        """The failed rows of job `id` after row `after_row`, in row order (at most `limit`)."""
        job, after = check_id(id, "id"), check_id(after_row, "after_row")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise InvalidError(EINVALID, f"limit: expected an int from 1 to 100000, got {limit!r}")

        def text(fn: Any, e: Any) -> str:
            size = ffi.new("size_t*")
            return ffi.unpack(fn(e, size), size[0]).decode("utf-8", "replace")

        def read(txn: Any) -> list[ImportRowError]:
            out = ffi.new("crm_import_error_list**")
            check(lib.crm_import_error_list_get(out, txn, job, after, limit))
            try:
                errors = []
                for i in range(lib.crm_import_error_list_size(out[0])):
                    e = lib.crm_import_error_list_at(out[0], i)
                    errors.append(ImportRowError(
                        lib.crm_import_error_row(e), lib.crm_import_error_line(e),
                        text(lib.crm_import_error_field, e), text(lib.crm_import_error_reason, e),
                        text(lib.crm_import_error_original, e)))  # fmt: skip
                return errors
            finally:
                lib.crm_import_error_list_free(out[0])

        return self._with_read(read)


class DatabaseImports:
    """Imports: calls on the database itself (each job commits batches of its own)."""

    if TYPE_CHECKING:

        def _enter(self, write: bool) -> Any: ...

        def _leave(self) -> None: ...

    def _run(self, call: Callable[[Any], int], holder: Optional[_Progress]) -> None:
        h = self._enter(False)
        try:
            rc = call(h)
        finally:
            self._leave()
        if holder is not None and holder.error is not None:
            raise holder.error
        check(rc)

    def import_file(
        self,
        path: Union[str, "os.PathLike[str]"],
        *,
        preset: str = "generic",
        records: Optional[str] = None,
        pipeline: Optional[str] = None,
        columns: Optional[Mapping[str, str]] = None,
        match: Optional[Iterable[str]] = None,
        format: Optional[str] = None,
        delimiter: Optional[str] = None,
        time_zone: str = "UTC",
        default_currency: Optional[str] = "USD",
        date_order: str = "mdy",
        all_or_nothing: bool = False,
        batch_rows: int = 1000,
        actor: Optional[str] = None,
        progress: Optional[Callable[[ImportProgress], Any]] = None,
    ) -> ImportJob:
        """Imports the customers, opportunities, interactions, users or products (``records``; by default the
        preset's, customers for "generic") of a CSV, JSON Lines or vCard file (``format`` "csv",
        "jsonl" or "vcard"; by default from the file name) as a new job; ``pipeline`` names the
        pipeline of deals whose row names none. It returns the job once the file is read, the
        progress callable returned False, or all or nothing failed. ``columns`` maps a column
        to a field ("" ignores it); ``match`` orders the rules ("external_id", "email",
        "phone"; empty: every row creates). ``progress`` is called after every batch; an
        exception it raises stops the import and is raised here."""
        keep: list = []
        if format not in _FORMATS:
            raise InvalidError(EINVALID, f"format: expected 'csv', 'jsonl', 'vcard' or None, got {format!r}")
        if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter.encode()) != 1):
            raise InvalidError(EINVALID, f"delimiter: expected one ASCII character, got {delimiter!r}")
        if isinstance(batch_rows, bool) or not isinstance(batch_rows, int) or not 1 <= batch_rows <= 100000:
            raise InvalidError(EINVALID, f"batch_rows: expected an int from 1 to 100000, got {batch_rows!r}")
        o = ffi.new("crm_import_options*")
        check(lib.crm_import_options_init(o, _OPTIONS_VERSION))
        if records not in _RECORDS:
            raise InvalidError(
                EINVALID,
                f"records: expected 'customers', 'opportunities', 'interactions', 'users', 'products' or None, got {records!r}",
            )
        o.format = _FORMATS[format]
        o.records = _RECORDS[records]
        o.pipeline = _cstr(pipeline, "pipeline", keep)
        o.delimiter = delimiter.encode() if delimiter else b"\0"
        o.preset = _cstr(preset, "preset", keep)
        if columns is not None:
            lines = []
            for column, field in dict(columns).items():
                if not isinstance(column, str) or not isinstance(field, str) or "\n" in column + field:
                    raise InvalidError(EINVALID, f"columns: expected str column names and fields, got {column!r}: {field!r}")
                lines.append(f"{column}={field}")
            o.columns = _cstr("\n".join(lines), "columns", keep)
        if match is not None:
            rules = [match] if isinstance(match, str) else list(match)
            for r in rules:
                if r not in _MATCH_RULES:
                    raise InvalidError(EINVALID, f"match: {r!r} is not a match rule ({', '.join(_MATCH_RULES)})")
            o.match = _cstr(",".join(rules), "match", keep)
        o.time_zone = _cstr(time_zone, "time_zone", keep)
        o.default_currency = _cstr("" if default_currency is None else default_currency, "default_currency", keep)
        o.date_order = _cstr(date_order, "date_order", keep)
        o.all_or_nothing = 1 if all_or_nothing else 0
        o.batch_rows = batch_rows
        o.actor = _cstr(actor, "actor", keep)
        o.progress, o.progress_arg, holder = _progress(progress, keep)
        out = ffi.new("crm_import_job**")
        raw_path = os.fsencode(os.fspath(path))
        self._run(lambda h: lib.crm_db_import(out, h, raw_path, o), holder)
        return _owned_job(out)

    def resume_import(self, id: int, *, progress: Optional[Callable[[ImportProgress], Any]] = None) -> ImportJob:
        """Goes on with a running job from the row after its last committed batch.
        :class:`crm.ConflictError` when it is not running, or its file changed."""
        job = check_id(id, "id")
        keep: list = []
        fn, arg, holder = _progress(progress, keep)
        out = ffi.new("crm_import_job**")
        self._run(lambda h: lib.crm_db_resume_import(out, h, job, fn, arg), holder)
        return _owned_job(out)

    def revert_import(self, id: int, *, force: bool = False, actor: Optional[str] = None) -> ImportJob:
        """Deletes the customers job `id` created and gives those it updated back the fields
        they had, in one transaction. :class:`crm.ConflictError` (nothing changed) when it was
        reverted or failed, or, unless ``force``, when others changed those customers since."""
        job = check_id(id, "id")
        keep: list = []
        raw = _cstr(actor, "actor", keep)
        n = 0 if actor is None else len(actor.encode())
        out = ffi.new("crm_import_job**")
        self._run(lambda h: lib.crm_db_revert_import(out, h, job, 1 if force else 0, raw, n), None)
        return _owned_job(out)

    def write_failed_rows(self, id: int, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the failed rows of job `id` to a new owner-only file (:class:`crm.ExistsError`
        when there is one), ready to be fixed and imported again."""
        job = check_id(id, "id")
        raw = os.fsencode(os.fspath(path))
        self._run(lambda h: lib.crm_db_write_failed_rows(h, job, raw), None)

    def export_customers(self, path: Union[str, "os.PathLike[str]"], *, where: Optional[str] = None,
                         format: Optional[str] = None, include_archived: bool = False) -> int:
        """Writes the customers `where` matches (the query syntax of ``customers(where=...)``;
        None: all) to a new owner-only CSV or JSON Lines file (``format``; by default from the
        name) that :meth:`import_file` reads back; returns how many were written.
        :class:`crm.ExistsError` when the file exists."""
        return self.export(path, records="customers", where=where, format=format, include_archived=include_archived)

    def export(self, path: Union[str, "os.PathLike[str]"], *, records: str = "customers",
               where: Optional[str] = None, format: Optional[str] = None, include_archived: bool = False) -> int:
        """Writes the customers, opportunities or interactions (``records``) `where` matches, or
        every product or user (``"products"``, ``"users"``, no `where`), to a new owner-only CSV or JSON Lines file
        (vCard: customers only) with the columns :meth:`import_file` reads back for them; returns
        how many were written."""
        if format not in _FORMATS:
            raise InvalidError(EINVALID, f"format: expected 'csv', 'jsonl', 'vcard' or None, got {format!r}")
        if records not in _RECORDS or records is None:
            raise InvalidError(
                EINVALID,
                f"records: expected 'customers', 'opportunities', 'interactions', 'products' or 'users', got {records!r}",
            )
        keep: list = []
        raw_where = _cstr(where, "where", keep)
        n = 0 if where is None else len(where.encode())
        rows = ffi.new("uint64_t*")
        raw = os.fsencode(os.fspath(path))
        self._run(lambda h: lib.crm_db_export(h, raw, _RECORDS[records], _FORMATS[format], raw_where, n,
                                              1 if include_archived else 0, rows), None)  # fmt: skip
        return int(rows[0])

    def delete_import_job(self, id: int) -> None:
        """Forgets job `id`: its record, failed rows and what a revert needs."""
        job = check_id(id, "id")
        self._run(lambda h: lib.crm_db_delete_import_job(h, job), None)


__all__ = ["ImportCounts", "ImportRowError", "ImportJob", "ImportProgress", "ImportState", "presets"]
