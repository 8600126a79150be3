"""Explained deal scores: the win probability of an open deal from a naive-Bayes model of its
pipeline's closed deals, with the factors that made it (how deals are counted and scored is told
in crm/scoring.hpp).

``db.score_deal(42)`` returns a :class:`DealScore`; ``db.set_scoring_options(["owner", "team",
"custom.product"], minimum_closed=20)`` chooses what the model reads and counts every deal again.
"""
from __future__ import annotations

from typing import Any, NamedTuple, Sequence

from ._native import ffi, lib
from ._ops import Ops, check_id, text_arg, write_plain
from .errors import EINVALID, InvalidError, check

#: crm_sales.h's CRM_SCORE_*: what a score rests on
BASES = {1: "model", 2: "stage probability", 3: "closed"}


class ScoreFactor(NamedTuple):
    """A reason of a score: the field ("stage", "owner", "team", "amount", "custom.<name>"), the
    deal's value, the closed deals counted with that value, and the weight (its term of the
    log-odds: above 0 for won)."""

    field: str
    value: str
    won: int
    lost: int
    weight: float


class DealScore(NamedTuple):
    """A deal's win probability in percent; ``basis`` is "model", "stage probability" (too few
    closed deals) or "closed"; ``factors`` strongest first (empty unless from the model)."""

    opportunity: int
    probability: float
    basis: str
    explanation: str
    won: int
    lost: int
    prior: float
    factors: tuple


class ScoringOptions(NamedTuple):
    """What the model reads besides the stage, and the closed deals a pipeline needs."""

    fields: tuple
    minimum_closed: int


def _score(opportunity: int) -> Any:
    def run(txn: Any) -> DealScore:
        out = ffi.new("crm_deal_score**")
        check(lib.crm_deal_score_get(out, txn, opportunity))
        s = out[0]
        try:
            probability, prior, weight = ffi.new("double*"), ffi.new("double*"), ffi.new("double*")
            basis = ffi.new("int*")
            won, lost, fw, fl = (ffi.new("uint64_t*") for _ in range(4))
            check(lib.crm_deal_score_read(s, probability, basis, won, lost, prior))
            n, m = ffi.new("size_t*"), ffi.new("size_t*")
            explanation = ffi.unpack(lib.crm_deal_score_explanation(s, n), n[0]).decode()
            field, value = ffi.new("char**"), ffi.new("char**")
            factors = []
            for i in range(lib.crm_deal_score_factor_count(s)):
                check(lib.crm_deal_score_factor(s, i, field, n, value, m, fw, fl, weight))
                factors.append(ScoreFactor(ffi.unpack(field[0], n[0]).decode(), ffi.unpack(value[0], m[0]).decode(),
                                           fw[0], fl[0], weight[0]))
            return DealScore(opportunity, probability[0], BASES[basis[0]], explanation, won[0], lost[0], prior[0],
                             tuple(factors))
        finally:
            lib.crm_deal_score_free(s)

    return run


def _options(txn: Any) -> ScoringOptions:
    out, n, minimum = ffi.new("char**"), ffi.new("size_t*"), ffi.new("uint32_t*")
    check(lib.crm_scoring_get(txn, out, n, minimum))
    try:
        text = ffi.unpack(out[0], n[0]).decode()
    finally:
        lib.crm_free(out[0])
    return ScoringOptions(tuple(f for f in text.split(",") if f), minimum[0])


_SET_SCORING = write_plain(lib.crm_scoring_set)


class ScoringReads(Ops):
    """Deal scores: methods of every transaction and of the database."""

    def score_deal(self, opportunity: int) -> DealScore:
        """The win probability of a deal with its factors (NotFoundError when there is none)."""
        return self._with_read(_score(check_id(opportunity, "opportunity")))

    def scoring_options(self) -> ScoringOptions:
        """What the model reads."""
        return self._with_read(_options)


class ScoringWrites(Ops):
    """The scoring options: methods of a write transaction and of the database."""

    def set_scoring_options(self, fields: Sequence[str], *, minimum_closed: int = 20,
                            actor: str | None = None) -> None:
        """Sets the fields the model reads besides the stage ("owner", "team", "amount", "product",
        "product.family", "custom.<name>") and the closed deals a pipeline needs, and counts
        every deal again."""
        if isinstance(fields, str):
            raise InvalidError(EINVALID, "fields: expected a list of field names, got a string")
        for f in fields:
            if not isinstance(f, str) or "," in f:
                raise InvalidError(EINVALID, f"fields: {f!r} is not a field name")
        if isinstance(minimum_closed, bool) or not isinstance(minimum_closed, int) or not 0 <= minimum_closed < 2**32:
            raise InvalidError(EINVALID, f"minimum_closed: expected a whole number from 1 to 1000000, got {minimum_closed!r}")
        keep: list = []
        raw, n = text_arg(keep, ",".join(fields), "fields")
        self._in_write(_SET_SCORING, actor, raw, n, minimum_closed)
