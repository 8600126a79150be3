"""Exceptions: one class per result code of the C ABI, all under :class:`crm.Error`."""
from __future__ import annotations

from typing import NoReturn

from ._native import ffi, lib

# The result codes of crm.h.
OK = 0
ENOTFOUND = -1
EEXISTS = -2
EINVALID = -3
ECONFLICT = -4
ECORRUPT = -5
EFULL = -6
EIO = -7
EBUSY = -8
ENOMEM = -9
EINTERNAL = -10
EREADONLY = -11
EVERSION = -12
EDEPENDENTS = -13
ENOTDB = -14
ESUPPRESSED = -15
EWITHDRAWN = -16
ETRIMMED = -17
EKEY = -18
EDUPLICATE = -19
ITEROVER = -100


class Error(Exception):
    """A failure reported by libcrm.

    ``code`` is the C result code (a negative ``CRM_E*`` value) and ``message`` the library's
    text naming what is wrong. ``str(error)`` is the message.
    """

    code: int = EINTERNAL

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code}, {self.message!r})"


class NotFoundError(Error, KeyError):
    """No such record (``CRM_ENOTFOUND``). Also a :class:`KeyError`."""

    code = ENOTFOUND


class ExistsError(Error):
    """A unique value (email, external id) is taken (``CRM_EEXISTS``)."""

    code = EEXISTS


class InvalidError(Error, ValueError):
    """A bad argument or field value (``CRM_EINVALID``); the message names it. Also a
    :class:`ValueError`."""

    code = EINVALID


class ClosedError(InvalidError):
    """The database, transaction or iterator was closed; nothing was done."""


class ConflictError(Error):
    """A stale revision, or a change the current state refuses (``CRM_ECONFLICT``)."""

    code = ECONFLICT


class ReadOnlyError(ConflictError):
    """A write to a database opened read-only (``CRM_EREADONLY``)."""

    code = EREADONLY


class DependentsError(ConflictError):
    """Refused because other records still depend on it, such as deleting a customer that still
    has interactions without ``cascade`` (``CRM_EDEPENDENTS``)."""

    code = EDEPENDENTS


class SuppressedError(ConflictError):
    """Refused because an email or phone is suppressed: its owner was erased, or asked not to
    be contacted (``CRM_ESUPPRESSED``; ``db.unsuppress`` lifts it)."""

    code = ESUPPRESSED


class ConsentWithdrawnError(ConflictError):
    """Refused because the customer withdrew the consent that an import would grant again: only
    an explicit grant (source form, call or api) may follow a withdrawal (``CRM_EWITHDRAWN``)."""

    code = EWITHDRAWN


class DuplicateError(ConflictError):
    """The duplicate rule blocks the write (``CRM_EDUPLICATE``): the message names the likely
    duplicates (:mod:`crm.duplicates`)."""

    code = EDUPLICATE


class TrimmedError(Error):
    """The changes asked for were removed from the feed by the retention policy
    (``CRM_ETRIMMED``): read from ``first_change_seq()`` on, or from 0."""

    code = ETRIMMED


class KeyRequiredError(Error, PermissionError):
    """The database is encrypted, and its key was not given or is not its key (``CRM_EKEY``).
    Also a :class:`PermissionError`."""

    code = EKEY


class VersionError(Error):
    """The file was written by a newer libcrm than this one (``CRM_EVERSION``)."""

    code = EVERSION


class NotDatabaseError(Error):
    """The file is not a libcrm database (``CRM_ENOTDB``)."""

    code = ENOTDB


class CorruptError(Error):
    """Stored data failed its checks (``CRM_ECORRUPT``)."""

    code = ECORRUPT


class FullError(Error):
    """The disk or the database's size limit is reached (``CRM_EFULL``)."""

    code = EFULL


class StorageError(Error, OSError):
    """The file system failed or refused (``CRM_EIO``). Also an :class:`OSError`."""

    code = EIO


class BusyError(Error):
    """Try again later (``CRM_EBUSY``), or a transaction that would wait for itself."""

    code = EBUSY


class OutOfMemoryError(Error, MemoryError):
    """libcrm ran out of memory (``CRM_ENOMEM``). Also a :class:`MemoryError`."""

    code = ENOMEM


class InternalError(Error):
    """A failure inside libcrm that is none of the above (``CRM_EINTERNAL``)."""

    code = EINTERNAL


_BY_CODE: dict[int, type[Error]] = {
    cls.code: cls
    for cls in (
        NotFoundError,
        ExistsError,
        InvalidError,
        ConflictError,
        ReadOnlyError,
        DependentsError,
        SuppressedError,
        ConsentWithdrawnError,
        DuplicateError,
        TrimmedError,
        KeyRequiredError,
        VersionError,
        NotDatabaseError,
        CorruptError,
        FullError,
        StorageError,
        BusyError,
        OutOfMemoryError,
        InternalError,
    )
}


def error_for(code: int, message: str | None = None) -> Error:
    """The exception for a C result code, with the calling thread's last message."""
    if message is None:
        message = str(ffi.string(lib.crm_errmsg()).decode("utf-8", "replace"))
        if not message:
            message = str(ffi.string(lib.crm_strerror(code)).decode("utf-8", "replace"))
    return _BY_CODE.get(code, InternalError)(code, message)


def fail(code: int) -> NoReturn:
    raise error_for(code)


def check(rc: int) -> int:
    """Raises the exception for a negative result code; returns non-negative ones."""
    if rc < 0:
        raise error_for(rc)
    return rc
