"""The record kinds, gathered from their concept modules (crm.Customer and the rest are the
usual way to name them)."""
from ._fields import BATCH, Record, encode
from .changes import Change, FieldChange
from .custom import CustomFields
from .customers import Customer, Email, Membership, Phone
from .interactions import Interaction
from .opportunities import Contact, Opportunity, StageChange
from .pipelines import Pipeline, PipelineStage
from .products import LineItem, Product
from .users import Team, User

__all__ = [
    "BATCH", "Change", "Contact", "CustomFields", "Customer", "Email", "FieldChange", "Interaction", "LineItem", "Membership",
    "Opportunity", "Phone", "Pipeline", "PipelineStage", "Product", "Record", "StageChange", "Team", "User", "encode",
]  # fmt: skip
