"""libcrm for Python: customers, their interactions and a sales pipeline in a local database.

    import crm

    with crm.open("customers.crm") as db:
        with db.write(actor="ann") as txn:
            ada = txn.create_customer(crm.Customer(given_name="Ada", family_name="Lovelace",
                                                   emails=["ada@example.com"]))
        print(db.customer_by_email("ADA@example.com").display_name)

The package calls libcrm's stable C ABI (libcrm.so.0) through cffi. It finds the library
bundled in the package, through CRM_LIBRARY (a path), or where the system's loader looks.
"""
from ._native import LIBRARY_PATH, LIBRARY_VERSION
from .database import Database, Listing, ReadTxn, WriteTxn, open
from .errors import (
    BusyError,
    ClosedError,
    ConflictError,
    CorruptError,
    DependentsError,
    Error,
    ExistsError,
    FullError,
    InternalError,
    InvalidError,
    NotDatabaseError,
    NotFoundError,
    OutOfMemoryError,
    ReadOnlyError,
    StorageError,
    SuppressedError,
    ConsentWithdrawnError,
    DuplicateError,
    TrimmedError,
    KeyRequiredError,
    VersionError,
)
from .analytics import ChurnRisk, ChurnRiskFactor, ChurnRiskOptions, LifetimeValue, PurchaseFacts, RfmScore
from .duplicates import (DuplicateCandidate, DuplicatePair, DuplicateRule, DuplicateScan, DuplicateSet, DuplicateSets,
                         MatchEvidence, Merge)
from .changes import RetentionReport, RetentionRule
from .consent import Channel, ConsentRecord, ConsentSource, ContactDecision, Verdict
from .imports import ImportCounts, ImportJob, ImportProgress, ImportRowError, ImportState, presets as import_presets
from .maintenance import Statistics, VerifyReport
from .privacy import Erasure
from .sales import ExchangeRate, Quota, Report, reports_html
from .scoring import DealScore, ScoreFactor, ScoringOptions
from .segments import Segment, SegmentKind
from .campaigns import AudienceEntry, Campaign, CampaignEvent, CampaignMember, CampaignStatus, EventKind
from .tickets import (Author, Milestone, Priority, SlaMetric, StatusChange, Ticket, TicketChannel, TicketDue, TicketEntry,
                      TicketStatus)
from .sla import BusinessCalendar, Holiday, SlaPolicy, WorkingHours, office_hours
from .leads import LeadConversion
from .query import F, Field, Index, Plan, Row, Where
from .records import (  # noqa: I001 - the record kinds
    Change,
    Contact,
    Customer,
    CustomFields,
    Email,
    FieldChange,
    Interaction,
    LineItem,
    Membership,
    Opportunity,
    Phone,
    Pipeline,
    PipelineStage,
    Product,
    Record,
    StageChange,
    Team,
    User,
)
from .values import (
    AccountType,
    Direction,
    Entity,
    ForecastCategory,
    InteractionKind,
    Kind,
    LegalBasis,
    LifecycleStage,
    Money,
    Op,
    Outcome,
    PhoneType,
    currency_digits,
)

__version__ = "0.23.0"

#: The version of the libcrm library in use (its C ABI), e.g. "0.23.0".
library_version = LIBRARY_VERSION
#: Where that library was loaded from.
library_path = LIBRARY_PATH

__all__ = [
    "AccountType", "BusyError", "Change", "Channel", "ClosedError", "ConflictError", "ConsentRecord", "ConsentSource",
    "ConsentWithdrawnError", "ContactDecision", "RetentionReport", "RetentionRule", "TrimmedError", "KeyRequiredError", "Verdict", "Contact", "CorruptError", "Customer",
    "CustomFields", "Database", "DependentsError", "Direction", "Email", "Entity", "Erasure", "Error", "ExchangeRate", "ExistsError", "F",
    "Field", "FieldChange", "FullError", "ImportCounts", "ImportJob", "ImportProgress", "ImportRowError", "ImportState", "Index", "Interaction", "InteractionKind", "InternalError", "InvalidError", "Kind", "LegalBasis",
    "LifecycleStage", "LineItem", "Listing", "Membership", "Money", "NotDatabaseError", "NotFoundError", "Op", "Opportunity",
    "OutOfMemoryError", "Outcome", "Phone", "PhoneType", "Pipeline", "PipelineStage", "Plan", "Product", "ReadOnlyError", "ReadTxn",
    "DealScore", "ForecastCategory", "Quota", "Record", "Report", "Row", "ScoreFactor", "ScoringOptions", "StageChange", "Statistics", "StorageError", "SuppressedError", "Team", "User", "VerifyReport", "VersionError", "Where", "WriteTxn", "currency_digits", "reports_html",
    "ChurnRisk", "ChurnRiskFactor", "ChurnRiskOptions", "LifetimeValue", "PurchaseFacts", "RfmScore",
    "DuplicateCandidate", "DuplicatePair", "DuplicateRule", "DuplicateScan", "DuplicateSet", "DuplicateSets", "MatchEvidence", "Merge",
    "DuplicateError", "Segment", "SegmentKind", "AudienceEntry", "Campaign", "CampaignEvent", "CampaignMember", "CampaignStatus", "EventKind",
    "Author", "BusinessCalendar", "Holiday", "Milestone", "Priority", "SlaMetric", "SlaPolicy", "StatusChange", "Ticket",
    "TicketChannel", "TicketDue", "TicketEntry", "TicketStatus", "WorkingHours", "office_hours", "LeadConversion",
    "import_presets", "library_path", "library_version", "open",
]  # fmt: skip
