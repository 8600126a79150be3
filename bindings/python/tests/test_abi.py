"""The package against capi/crm.h: every C function declared and used, every constant equal."""
import re
from pathlib import Path

import pytest

import crm
from crm import _cdef, errors

PACKAGE = Path(crm.__file__).resolve().parent
HEADER = Path(__file__).resolve().parents[3] / "capi" / "crm.h"


def header_text():
    """crm.h and the per-concept headers it includes (crm_query.h ...)."""
    return "".join(p.read_text() for p in [HEADER, *sorted(HEADER.parent.glob("crm_*.h"))])


# C functions the package has no use for, and why.
NOT_USED = {
    "crm_db_export_customers": "db.export_customers calls crm_db_export with CRM_IMPORT_RECORDS_CUSTOMERS",
    "crm_iter_next": "the package moves items out in batches (crm_iter_take_<kinds>)",
    "crm_iter_customer": "borrowed views: the package takes items instead",
    "crm_iter_interaction": "borrowed views: the package takes items instead",
    "crm_iter_pipeline": "borrowed views: the package takes items instead",
    "crm_iter_opportunity": "borrowed views: the package takes items instead",
    "crm_iter_change": "borrowed views: the package takes items instead",
    "crm_iter_take_customer": "one at a time: the package takes batches",
    "crm_iter_take_interaction": "one at a time: the package takes batches",
    "crm_iter_take_pipeline": "one at a time: the package takes batches",
    "crm_iter_take_opportunity": "one at a time: the package takes batches",
    "crm_iter_take_change": "one at a time: the package takes batches",
    "crm_customer_get_int": "the package passes only the field numbers of its own table (checked against crm.h "
    "below), so it reads them with crm_customer_int, without an out-pointer",
    "crm_interaction_get_int": "as crm_customer_get_int",
    "crm_opportunity_get_int": "as crm_customer_get_int",
    "crm_user_get_int": "as crm_customer_get_int",
    "crm_team_get_int": "as crm_customer_get_int",
    "crm_product_get_int": "as crm_customer_get_int",
    "crm_consent_get_int": "as crm_customer_get_int",
    "crm_segment_get_int": "as crm_customer_get_int",
    "crm_campaign_get_int": "as crm_customer_get_int",
    "crm_ticket_get_int": "as crm_customer_get_int",
    "crm_calendar_get_int": "as crm_customer_get_int",
    "crm_sla_policy_get_int": "as crm_customer_get_int",
}

pytestmark = pytest.mark.skipif(not HEADER.exists(), reason="needs the source tree's capi/crm.h")


def header_functions():
    text = re.sub(r"/\*.*?\*/", "", header_text(), flags=re.S)
    return set(re.findall(r"CRM_API\s+[^;(]*?\b(crm_\w+)\s*\(", text))


def test_every_function_of_the_header_is_declared_and_used():
    functions = header_functions()
    assert len(functions) > 120
    declared = set(re.findall(r"\b(crm_\w+)\s*\(", _cdef.CDEF))
    assert functions - declared == set(), "declare these in crm/_cdef.py"
    assert declared - functions == set(), "crm/_cdef.py declares functions crm.h does not have"
    source = "".join(p.read_text() for p in PACKAGE.glob("*.py") if p.name != "_cdef.py")
    used = set(re.findall(r"\b(?:lib|library)\.(crm_\w+)", source))
    unused = functions - used - set(NOT_USED)
    assert unused == set(), "bind these in the package (or say in NOT_USED why not)"
    assert set(NOT_USED) <= functions


def header_defines():
    return {m[0]: int(m[1]) for m in re.findall(r"#define (CRM_\w+) \(?(-?\d+)\)?\s", header_text())}


@pytest.mark.parametrize(
    "prefix,enum",
    [
        ("CRM_STAGE_", crm.LifecycleStage), ("CRM_BASIS_", crm.LegalBasis), ("CRM_KIND_", crm.InteractionKind),
        ("CRM_ACCOUNT_", crm.AccountType),
        ("CRM_DIRECTION_", crm.Direction), ("CRM_OUTCOME_", crm.Outcome), ("CRM_ENTITY_", crm.Entity),
        ("CRM_OP_", crm.Op),
    ],
)  # fmt: skip
def test_enums_equal_the_header(prefix, enum):
    defines = {k[len(prefix):]: v for k, v in header_defines().items() if k.startswith(prefix)}
    assert {m.name: m.value for m in enum} == defines


def test_kinds_and_codes_equal_the_header():
    d = header_defines()
    assert d["CRM_PERSON"] == crm.Kind.PERSON and d["CRM_ORGANIZATION"] == crm.Kind.ORGANIZATION
    for name in ("ENOTFOUND", "EEXISTS", "EINVALID", "ECONFLICT", "ECORRUPT", "EFULL", "EIO", "EBUSY", "ENOMEM",
                 "EINTERNAL", "EREADONLY", "EVERSION", "EDEPENDENTS", "ENOTDB", "ITEROVER"):  # fmt: skip
        assert getattr(errors, name) == d["CRM_" + name]
    assert crm.library_version == f"{d['CRM_VERSION_MAJOR']}.{d['CRM_VERSION_MINOR']}.{d['CRM_VERSION_PATCH']}"


@pytest.mark.parametrize("record", [crm.Customer, crm.Interaction, crm.Opportunity, crm.User, crm.Team, crm.Product])
def test_record_field_numbers_equal_the_header(record):
    """Every attribute read through a C field number uses the number crm.h gives that field."""
    from crm._fields import _Amount, _Field

    d = header_defines()
    prefix = "CRM_" + record.__name__.upper() + "_"
    checked = 0
    for name, attr in vars(record).items():
        if not isinstance(attr, _Field) or not isinstance(getattr(attr, "field", None), int):
            continue
        if isinstance(attr, _Amount):
            currency = "REVENUE_CURRENCY" if name == "annual_revenue" else "CURRENCY"
            assert attr.currency_field == d[prefix + currency], name
        if prefix + name.upper() in d or attr.field > 100:
            assert attr.field == d[prefix + name.upper()], name
            checked += 1
    numbered = [n for n in record._FIELDS if getattr(vars(record).get(n), "field", 0)]  # not lists read otherwise
    assert checked >= min(10, len(numbered))
