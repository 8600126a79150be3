"""Pipelines: ordered stages, as data, that opportunities move through."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ._fields import (
    Record,
    _encode,
    _Field,
    _string,
    _pairs,
    _replace_list,
    _text,
)
from ._native import ffi, lib
from ._ops import Ops, check_id, check_record, write_plain, write_record
from .errors import EINVALID, InvalidError, check
from .values import ForecastCategory, Outcome, enum_arg

if TYPE_CHECKING:
    from .listing import Listing

T = TypeVar("T")


class PipelineStage(NamedTuple):
    """A stage of a pipeline. ``id`` 0 in a new stage: the store assigns it. ``forecast_category``:
    where its deals count in a forecast (AUTO: open ones as pipeline, won as closed, lost as
    omitted)."""

    id: int
    name: str
    probability: int
    outcome: Outcome = Outcome.OPEN
    forecast_category: ForecastCategory = ForecastCategory.AUTO


# ---- pipelines ----


class _PipelineStages(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[PipelineStage]:
        if obj is None:
            return self  # type: ignore[return-value]
        sid, name, n = ffi.new("uint32_t*"), ffi.new("const char**"), ffi.new("size_t*")
        probability, outcome = ffi.new("int*"), ffi.new("int*")
        stages = []
        with obj._lock:
            for i in range(lib.crm_pipeline_stage_count(obj._h)):
                check(lib.crm_pipeline_stage(obj._h, i, sid, name, n, probability, outcome))
                category = ForecastCategory(lib.crm_pipeline_stage_forecast(obj._h, i, ffi.NULL))
                stages.append(PipelineStage(sid[0], _text(name[0], n[0]), probability[0], Outcome(outcome[0]), category))
        return stages

    def __set__(self, obj: Any, value: Any) -> None:
        try:
            stages = [s if isinstance(s, PipelineStage) else PipelineStage(*s) for s in _pairs(value, "stages")]
        except TypeError as e:
            raise InvalidError(EINVALID, f"stages: each is a PipelineStage(id, name, probability, outcome, forecast_category): {e}") from None
        _replace_list(obj, "stages", lib.crm_pipeline_clear_stages, stages, lambda stage: Pipeline._add(obj, stage))


class Pipeline(Record):
    """A sales pipeline: a name and ordered stages, each with a default probability and an
    outcome. Stage ids stay the same when stages are renamed or reordered."""

    __slots__ = ()
    _CTYPE = "crm_pipeline"
    _NEW = lib.crm_pipeline_new
    _FREE = lib.crm_pipeline_free
    _CLONE = lib.crm_pipeline_clone

    stages = _PipelineStages(0, "The stages in order, as PipelineStage(id, name, probability, outcome).")
    _FIELDS = ("id", "revision", "name", "stages")

    @property
    def id(self) -> int:
        """The pipeline's id (0 until created)."""
        with self._lock:
            return lib.crm_pipeline_id(self._h)

    @property
    def revision(self) -> int:
        """The stored revision (an update must be based on the current one)."""
        with self._lock:
            return lib.crm_pipeline_revision(self._h)

    @property
    def name(self) -> str:
        """The pipeline's name."""
        with self._lock:
            return _string(lib.crm_pipeline_name(self._h, ffi.NULL)).decode()

    @name.setter
    def name(self, value: str) -> None:
        raw = _encode(value, "name")
        with self._lock:
            check(lib.crm_pipeline_set_name(self._h, raw, len(raw)))

    def _add(self, stage: PipelineStage) -> int:
        raw = _encode(stage.name, "stage name")
        rc = lib.crm_pipeline_add_stage(self._h, stage.id, raw, len(raw), stage.probability, int(stage.outcome))
        if rc != 0:
            return rc
        category = enum_arg(ForecastCategory, stage.forecast_category, "forecast_category")
        return lib.crm_pipeline_set_stage_forecast(self._h, lib.crm_pipeline_stage_count(self._h) - 1, int(category))

    def add_stage(self, name: str, probability: int, outcome: Outcome = Outcome.OPEN, id: int = 0,
                  forecast_category: ForecastCategory | str = ForecastCategory.AUTO) -> None:
        """Appends a stage (``id`` 0: a new one; or the id of one of this pipeline's stages), and
        the forecast category its deals count in (``"commit"`` ...; AUTO: by its outcome)."""
        with self._lock:
            check(self._add(PipelineStage(id, name, probability, outcome, forecast_category)))  # type: ignore[arg-type]

    def stage_id(self, name: str) -> int | None:
        """The id of the stage with this name (case-insensitive), or None."""
        raw = _encode(name, "name")
        with self._lock:
            return lib.crm_pipeline_stage_id(self._h, raw, len(raw)) or None

    def __repr__(self) -> str:
        return f"<Pipeline id={self.id} {self.name!r} {len(self.stages)} stages>"




# ---- operations ----


class PipelineReads(Ops):
    """Reads of pipelines: methods of every transaction and of the database."""

    def pipeline(self, id: int = 0) -> Pipeline:
        """The pipeline with this id (0: the default pipeline); NotFoundError when none."""
        return self._get(lib.crm_pipeline_get, Pipeline, check_id(id, "id"))  # type: ignore[no-any-return]

    def get_pipeline(self, id: int = 0, default: T | None = None) -> Pipeline | T | None:
        """The pipeline with this id (0: the default pipeline), or `default`."""
        return self._get_or(default, lib.crm_pipeline_get, Pipeline, check_id(id, "id"))  # type: ignore[no-any-return]

    def pipelines(self) -> "Listing[Pipeline]":
        """Every pipeline."""
        return self._listing(lib.crm_pipeline_list, lib.crm_iter_take_pipelines, Pipeline)


_CREATE = write_record(lib.crm_pipeline_create)
_UPDATE = write_record(lib.crm_pipeline_update)
_DELETE = write_plain(lib.crm_pipeline_delete)


class PipelineWrites(Ops):
    """Writes of pipelines: methods of a write transaction and of the database."""

    def create_pipeline(self, pipeline: Pipeline, actor: str | None = None) -> Pipeline:
        """Creates a pipeline; returns it with its id and stage ids."""
        return self._in_write(_CREATE, actor, check_record(pipeline, Pipeline, "pipeline"))  # type: ignore[no-any-return]

    def update_pipeline(self, pipeline: Pipeline, actor: str | None = None) -> Pipeline:
        """Stores a changed pipeline (revision checked; a stage that still holds deals cannot be
        removed); returns it as stored."""
        return self._in_write(_UPDATE, actor, check_record(pipeline, Pipeline, "pipeline"))  # type: ignore[no-any-return]

    def delete_pipeline(self, id: int, actor: str | None = None) -> None:
        """Deletes a pipeline that holds no deals."""
        self._in_write(_DELETE, actor, check_id(id, "id"))
