// How the data model's records are written by Boost.Serialization (non-intrusive, so the public
// headers stay free of Boost.Serialization). Bump a BOOST_CLASS_VERSION when a struct gains a
// member, and read the new member only when `version` says it is there.
#pragma once

#include <boost/serialization/nvp.hpp>
#include <boost/serialization/version.hpp>

#include "codec/archive.h"
#include "crm/change.hpp"
#include "crm/consent.hpp"
#include "crm/customer.hpp"
#include "crm/interaction.hpp"
#include "crm/opportunity.hpp"
#include "crm/pipeline.hpp"
#include "crm/product.hpp"
#include "crm/privacy.hpp"
#include "crm/segment.hpp"
#include "crm/campaign.hpp"
#include "crm/ticket.hpp"
#include "crm/user.hpp"
#include "crm/types.hpp"

namespace boost::serialization {

template <class Archive>
void serialize(Archive& ar, crm::Money& m, unsigned) {
  ar& make_nvp("minor_units", m.minor_units);
  ar& make_nvp("currency", m.currency);
}

template <class Archive>
void serialize(Archive& ar, crm::DateTime& d, unsigned) {
  ar& make_nvp("micros", d.micros);
}

template <class Archive>
void serialize(Archive& ar, crm::Email& e, unsigned) {
  ar& make_nvp("address", e.address);
  ar& make_nvp("label", e.label);
  ar& make_nvp("primary", e.primary);
}

template <class Archive>
void serialize(Archive& ar, crm::Phone& p, unsigned version) {
  ar& make_nvp("number", p.number);
  ar& make_nvp("label", p.label);
  ar& make_nvp("primary", p.primary);
  if (version >= 1) {  // since libcrm 0.5
    ar& make_nvp("e164", p.e164);
    ar& make_nvp("type", p.type);
    ar& make_nvp("valid", p.valid);
  } else {
    p.e164.clear();
    p.type = crm::PhoneType::kUnknown;
    p.valid = false;
  }
}

template <class Archive>
void serialize(Archive& ar, crm::PostalAddress& a, unsigned) {
  ar& make_nvp("street", a.street);
  ar& make_nvp("city", a.city);
  ar& make_nvp("region", a.region);
  ar& make_nvp("postal_code", a.postal_code);
  ar& make_nvp("country", a.country);
}

template <class Archive>
void serialize(Archive& ar, crm::Membership& m, unsigned) {
  ar& make_nvp("organization", m.organization);
  ar& make_nvp("role", m.role);
}

template <class Archive>
void serialize(Archive& ar, crm::Consent& c, unsigned) {
  ar& make_nvp("email_opt_in", c.email_opt_in);
  ar& make_nvp("email_legal_basis", c.email_legal_basis);
  ar& make_nvp("email_opt_in_at", c.email_opt_in_at);
  ar& make_nvp("do_not_call", c.do_not_call);
}

template <class Archive>
void serialize(Archive& ar, crm::Customer& c, unsigned version) {
  ar& make_nvp("id", c.id);
  ar& make_nvp("revision", c.revision);
  ar& make_nvp("created_at", c.created_at);
  ar& make_nvp("updated_at", c.updated_at);
  ar& make_nvp("archived", c.archived);
  ar& make_nvp("archived_at", c.archived_at);
  ar& make_nvp("kind", c.kind);
  ar& make_nvp("display_name", c.display_name);
  ar& make_nvp("given_name", c.given_name);
  ar& make_nvp("family_name", c.family_name);
  ar& make_nvp("emails", c.emails);
  ar& make_nvp("phones", c.phones);
  ar& make_nvp("address", c.address);
  ar& make_nvp("stage", c.stage);
  ar& make_nvp("owner", c.owner);
  ar& make_nvp("tags", c.tags);
  ar& make_nvp("custom", c.custom);
  ar& make_nvp("consent", c.consent);
  ar& make_nvp("external_id", c.external_id);
  ar& make_nvp("memberships", c.memberships);
  if (version >= 1) {  // since libcrm 0.5
    ar& make_nvp("job_title", c.job_title);
    ar& make_nvp("department", c.department);
    ar& make_nvp("industry", c.industry);
    ar& make_nvp("website", c.website);
    ar& make_nvp("domains", c.domains);
    ar& make_nvp("annual_revenue", c.annual_revenue);
    ar& make_nvp("employees", c.employees);
    ar& make_nvp("account_type", c.account_type);
    ar& make_nvp("parent", c.parent);
  } else {  // an older record has none; the object may hold the previous record's
    c.job_title.clear();
    c.department.clear();
    c.industry.clear();
    c.website.clear();
    c.domains.clear();
    c.annual_revenue = {};
    c.employees = {};
    c.account_type = {};
    c.parent = {};
  }
}

template <class Archive>
void serialize(Archive& ar, crm::Interaction& i, unsigned version) {
  ar& make_nvp("id", i.id);
  ar& make_nvp("revision", i.revision);
  ar& make_nvp("created_at", i.created_at);
  ar& make_nvp("updated_at", i.updated_at);
  ar& make_nvp("customer", i.customer);
  ar& make_nvp("kind", i.kind);
  ar& make_nvp("kind_label", i.kind_label);
  ar& make_nvp("direction", i.direction);
  ar& make_nvp("occurred_at", i.occurred_at);
  ar& make_nvp("duration_seconds", i.duration_seconds);
  ar& make_nvp("subject", i.subject);
  ar& make_nvp("body", i.body);
  ar& make_nvp("outcome", i.outcome);
  ar& make_nvp("satisfaction", i.satisfaction);
  ar& make_nvp("amount", i.amount);
  ar& make_nvp("owner", i.owner);
  ar& make_nvp("opportunity", i.opportunity);
  ar& make_nvp("due_at", i.due_at);
  ar& make_nvp("done", i.done);
  if (version >= 1) {  // since libcrm 0.5
    ar& make_nvp("external_id", i.external_id);
    ar& make_nvp("custom", i.custom);
  } else {
    i.external_id.clear();
    i.custom.clear();
  }
}

template <class Archive>
void serialize(Archive& ar, crm::Stage& s, unsigned version) {
  ar& make_nvp("id", s.id);
  ar& make_nvp("name", s.name);
  ar& make_nvp("probability", s.probability);
  ar& make_nvp("outcome", s.outcome);
  if (version >= 1) {  // since libcrm 0.13
    ar& make_nvp("forecast_category", s.forecast_category);
  } else {
    s.forecast_category = crm::ForecastCategory::kAuto;
  }
}

template <class Archive>
void serialize(Archive& ar, crm::Pipeline& p, unsigned) {
  ar& make_nvp("id", p.id);
  ar& make_nvp("revision", p.revision);
  ar& make_nvp("created_at", p.created_at);
  ar& make_nvp("updated_at", p.updated_at);
  ar& make_nvp("name", p.name);
  ar& make_nvp("stages", p.stages);
}

template <class Archive>
void serialize(Archive& ar, crm::User& u, unsigned) {
  ar& make_nvp("id", u.id);
  ar& make_nvp("revision", u.revision);
  ar& make_nvp("created_at", u.created_at);
  ar& make_nvp("updated_at", u.updated_at);
  ar& make_nvp("name", u.name);
  ar& make_nvp("login", u.login);
  ar& make_nvp("email", u.email);
  ar& make_nvp("active", u.active);
  ar& make_nvp("team", u.team);
  ar& make_nvp("manager", u.manager);
}

template <class Archive>
void serialize(Archive& ar, crm::Team& t, unsigned) {
  ar& make_nvp("id", t.id);
  ar& make_nvp("revision", t.revision);
  ar& make_nvp("created_at", t.created_at);
  ar& make_nvp("updated_at", t.updated_at);
  ar& make_nvp("name", t.name);
  ar& make_nvp("region", t.region);
  ar& make_nvp("manager", t.manager);
}

template <class Archive>
void serialize(Archive& ar, crm::ContactRole& c, unsigned) {
  ar& make_nvp("person", c.person);
  ar& make_nvp("role", c.role);
}

template <class Archive>
void serialize(Archive& ar, crm::StageChange& s, unsigned) {
  ar& make_nvp("from", s.from);
  ar& make_nvp("to", s.to);
  ar& make_nvp("at", s.at);
  ar& make_nvp("actor", s.actor);
  ar& make_nvp("amount", s.amount);
  ar& make_nvp("probability", s.probability);
}

template <class Archive>
void serialize(Archive& ar, crm::Opportunity& o, unsigned version) {
  ar& make_nvp("id", o.id);
  ar& make_nvp("revision", o.revision);
  ar& make_nvp("created_at", o.created_at);
  ar& make_nvp("updated_at", o.updated_at);
  ar& make_nvp("closed_at", o.closed_at);
  ar& make_nvp("history", o.history);
  ar& make_nvp("title", o.title);
  ar& make_nvp("customer", o.customer);
  ar& make_nvp("pipeline", o.pipeline);
  ar& make_nvp("stage", o.stage);
  ar& make_nvp("amount", o.amount);
  ar& make_nvp("probability", o.probability);
  ar& make_nvp("probability_overridden", o.probability_overridden);
  ar& make_nvp("expected_close", o.expected_close);
  ar& make_nvp("owner", o.owner);
  ar& make_nvp("contacts", o.contacts);
  ar& make_nvp("lost_reason", o.lost_reason);
  if (version >= 1) {  // since libcrm 0.5
    ar& make_nvp("external_id", o.external_id);
    ar& make_nvp("custom", o.custom);
  } else {
    o.external_id.clear();
    o.custom.clear();
  }
  if (version >= 2) {  // since libcrm 0.13
    ar& make_nvp("forecast_category", o.forecast_category);
  } else {
    o.forecast_category = crm::ForecastCategory::kAuto;
  }
  if (version >= 3) {  // since libcrm 0.15
    ar& make_nvp("lines", o.lines);
  } else {
    o.lines.clear();
  }
}

template <class Archive>
void serialize(Archive& ar, crm::LineItem& l, unsigned) {
  ar& make_nvp("product", l.product);
  ar& make_nvp("quantity_milli", l.quantity_milli);
  ar& make_nvp("unit_price", l.unit_price);
  ar& make_nvp("discount_bp", l.discount_bp);
  ar& make_nvp("description", l.description);
  ar& make_nvp("total", l.total);
}

template <class Archive>
void serialize(Archive& ar, crm::Product& p, unsigned) {
  ar& make_nvp("id", p.id);
  ar& make_nvp("revision", p.revision);
  ar& make_nvp("created_at", p.created_at);
  ar& make_nvp("updated_at", p.updated_at);
  ar& make_nvp("code", p.code);
  ar& make_nvp("name", p.name);
  ar& make_nvp("family", p.family);
  ar& make_nvp("description", p.description);
  ar& make_nvp("active", p.active);
  ar& make_nvp("prices", p.prices);
}

// A segment's member count is a counter of its own (segments/segments.h), not part of the record.
template <class Archive>
void serialize(Archive& ar, crm::Segment& s, unsigned) {
  ar& make_nvp("id", s.id);
  ar& make_nvp("revision", s.revision);
  ar& make_nvp("created_at", s.created_at);
  ar& make_nvp("updated_at", s.updated_at);
  ar& make_nvp("name", s.name);
  ar& make_nvp("description", s.description);
  ar& make_nvp("kind", s.kind);
  ar& make_nvp("filter", s.filter);
  ar& make_nvp("include_archived", s.include_archived);
  ar& make_nvp("frozen_at", s.frozen_at);
  ar& make_nvp("frozen_from", s.frozen_from);
}

template <class Archive>
void serialize(Archive& ar, crm::CampaignStatus& s, unsigned) {
  ar& make_nvp("name", s.name);
  ar& make_nvp("responded", s.responded);
}

// A campaign's member count is a counter of its own (campaigns/campaigns.h).
template <class Archive>
void serialize(Archive& ar, crm::Campaign& c, unsigned) {
  ar& make_nvp("id", c.id);
  ar& make_nvp("revision", c.revision);
  ar& make_nvp("created_at", c.created_at);
  ar& make_nvp("updated_at", c.updated_at);
  ar& make_nvp("name", c.name);
  ar& make_nvp("description", c.description);
  ar& make_nvp("channel", c.channel);
  ar& make_nvp("purpose", c.purpose);
  ar& make_nvp("starts_at", c.starts_at);
  ar& make_nvp("ends_at", c.ends_at);
  ar& make_nvp("budget", c.budget);
  ar& make_nvp("actual_cost", c.actual_cost);
  ar& make_nvp("parent", c.parent);
  ar& make_nvp("owner", c.owner);
  ar& make_nvp("statuses", c.statuses);
  ar& make_nvp("default_status", c.default_status);
}

template <class Archive>
void serialize(Archive& ar, crm::CampaignMember& m, unsigned) {
  ar& make_nvp("campaign", m.campaign);
  ar& make_nvp("customer", m.customer);
  ar& make_nvp("status", m.status);
  ar& make_nvp("responded", m.responded);
  ar& make_nvp("added_at", m.added_at);
  ar& make_nvp("updated_at", m.updated_at);
  ar& make_nvp("first_responded_at", m.first_responded_at);
}

template <class Archive>
void serialize(Archive& ar, crm::CampaignEvent& e, unsigned) {
  ar& make_nvp("id", e.id);
  ar& make_nvp("campaign", e.campaign);
  ar& make_nvp("customer", e.customer);
  ar& make_nvp("kind", e.kind);
  ar& make_nvp("at", e.at);
  ar& make_nvp("detail", e.detail);
}

template <class Archive>
void serialize(Archive& ar, crm::WorkingHours& h, unsigned) {
  ar& make_nvp("weekday", h.weekday);
  ar& make_nvp("start_minute", h.start_minute);
  ar& make_nvp("end_minute", h.end_minute);
}

template <class Archive>
void serialize(Archive& ar, crm::Holiday& h, unsigned) {
  ar& make_nvp("date", h.date);
  ar& make_nvp("name", h.name);
}

template <class Archive>
void serialize(Archive& ar, crm::BusinessCalendar& c, unsigned) {
  ar& make_nvp("id", c.id);
  ar& make_nvp("revision", c.revision);
  ar& make_nvp("created_at", c.created_at);
  ar& make_nvp("updated_at", c.updated_at);
  ar& make_nvp("name", c.name);
  ar& make_nvp("time_zone", c.time_zone);
  ar& make_nvp("hours", c.hours);
  ar& make_nvp("holidays", c.holidays);
  ar& make_nvp("team", c.team);
}

template <class Archive>
void serialize(Archive& ar, crm::SlaPolicy& p, unsigned) {
  ar& make_nvp("id", p.id);
  ar& make_nvp("revision", p.revision);
  ar& make_nvp("created_at", p.created_at);
  ar& make_nvp("updated_at", p.updated_at);
  ar& make_nvp("name", p.name);
  ar& make_nvp("active", p.active);
  ar& make_nvp("priorities", p.priorities);
  ar& make_nvp("teams", p.teams);
  ar& make_nvp("channels", p.channels);
  ar& make_nvp("customer_tag", p.customer_tag);
  ar& make_nvp("first_response_minutes", p.first_response_minutes);
  ar& make_nvp("resolution_minutes", p.resolution_minutes);
  ar& make_nvp("pause_statuses", p.pause_statuses);
}

template <class Archive>
void serialize(Archive& ar, crm::SlaMilestone& m, unsigned) {
  ar& make_nvp("metric", m.metric);
  ar& make_nvp("policy", m.policy);
  ar& make_nvp("target_minutes", m.target_minutes);
  ar& make_nvp("due_at", m.due_at);
  ar& make_nvp("completed_at", m.completed_at);
  ar& make_nvp("violated", m.violated);
  ar& make_nvp("elapsed_seconds", m.elapsed_seconds);
}

template <class Archive>
void serialize(Archive& ar, crm::TicketStatusChange& c, unsigned) {
  ar& make_nvp("status", c.status);
  ar& make_nvp("at", c.at);
}

template <class Archive>
void serialize(Archive& ar, crm::Ticket& t, unsigned) {
  ar& make_nvp("id", t.id);
  ar& make_nvp("revision", t.revision);
  ar& make_nvp("created_at", t.created_at);
  ar& make_nvp("updated_at", t.updated_at);
  ar& make_nvp("customer", t.customer);
  ar& make_nvp("subject", t.subject);
  ar& make_nvp("description", t.description);
  ar& make_nvp("priority", t.priority);
  ar& make_nvp("channel", t.channel);
  ar& make_nvp("assignee", t.assignee);
  ar& make_nvp("team", t.team);
  ar& make_nvp("opened_at", t.opened_at);
  ar& make_nvp("status", t.status);
  ar& make_nvp("first_response_at", t.first_response_at);
  ar& make_nvp("solved_at", t.solved_at);
  ar& make_nvp("closed_at", t.closed_at);
  ar& make_nvp("satisfaction", t.satisfaction);
  ar& make_nvp("satisfaction_comment", t.satisfaction_comment);
  ar& make_nvp("history", t.history);
  ar& make_nvp("milestones", t.milestones);
  ar& make_nvp("due_at", t.due_at);
  ar& make_nvp("interaction", t.interaction);
}

template <class Archive>
void serialize(Archive& ar, crm::TicketEntry& e, unsigned) {
  ar& make_nvp("id", e.id);
  ar& make_nvp("ticket", e.ticket);
  ar& make_nvp("author_kind", e.author_kind);
  ar& make_nvp("author", e.author);
  ar& make_nvp("at", e.at);
  ar& make_nvp("body", e.body);
}

template <class Archive>
void serialize(Archive& ar, crm::FieldChange& f, unsigned) {
  ar& make_nvp("field", f.field);
  ar& make_nvp("before", f.before);
  ar& make_nvp("after", f.after);
}

template <class Archive>
void serialize(Archive& ar, crm::Erasure& e, unsigned) {
  ar& make_nvp("seq", e.seq);
  ar& make_nvp("at", e.at);
  ar& make_nvp("actor", e.actor);
  ar& make_nvp("customer", e.customer);
  ar& make_nvp("masked", e.masked);
  ar& make_nvp("interactions", e.interactions);
  ar& make_nvp("deals_erased", e.deals_erased);
  ar& make_nvp("deals_kept", e.deals_kept);
  ar& make_nvp("changes_redacted", e.changes_redacted);
}

template <class Archive>
void serialize(Archive& ar, crm::ConsentRecord& r, unsigned) {
  ar& make_nvp("id", r.id);
  ar& make_nvp("recorded_at", r.recorded_at);
  ar& make_nvp("actor", r.actor);
  ar& make_nvp("customer", r.customer);
  ar& make_nvp("purpose", r.purpose);
  ar& make_nvp("channel", r.channel);
  ar& make_nvp("granted", r.granted);
  ar& make_nvp("legal_basis", r.legal_basis);
  ar& make_nvp("source", r.source);
  ar& make_nvp("captured_at", r.captured_at);
  ar& make_nvp("valid_from", r.valid_from);
  ar& make_nvp("valid_to", r.valid_to);
  ar& make_nvp("confirmed_at", r.confirmed_at);
  ar& make_nvp("evidence", r.evidence);
}

template <class Archive>
void serialize(Archive& ar, crm::Change& c, unsigned version) {
  ar& make_nvp("seq", c.seq);
  ar& make_nvp("at", c.at);
  ar& make_nvp("actor", c.actor);
  ar& make_nvp("entity", c.entity);
  ar& make_nvp("entity_id", c.entity_id);
  ar& make_nvp("op", c.op);
  ar& make_nvp("fields", c.fields);
  if (version >= 1) {
    ar& make_nvp("imported", c.imported);  // since libcrm 0.5
  } else {
    c.imported = false;
  }
  if (version >= 2) {
    ar& make_nvp("redacted", c.redacted);  // since libcrm 0.6
  } else {
    c.redacted = false;
  }
  if (version >= 3) {
    ar& make_nvp("trimmed", c.trimmed);  // since libcrm 0.7
  } else {
    c.trimmed = false;
  }
}

}  // namespace boost::serialization

BOOST_CLASS_VERSION(crm::Money, 0)
BOOST_CLASS_VERSION(crm::DateTime, 0)
BOOST_CLASS_VERSION(crm::Email, 0)
BOOST_CLASS_VERSION(crm::Phone, 1)
BOOST_CLASS_VERSION(crm::PostalAddress, 0)
BOOST_CLASS_VERSION(crm::Membership, 0)
BOOST_CLASS_VERSION(crm::Consent, 0)
// last_interaction_at is not part of the record: it changes with every interaction logged, so it
// is kept in a table of its own (customer_contact) and filled in when a customer is read.
BOOST_CLASS_VERSION(crm::Customer, 1)
BOOST_CLASS_VERSION(crm::Interaction, 1)
BOOST_CLASS_VERSION(crm::Stage, 1)
BOOST_CLASS_VERSION(crm::Pipeline, 0)
BOOST_CLASS_VERSION(crm::User, 0)
BOOST_CLASS_VERSION(crm::Team, 0)
BOOST_CLASS_VERSION(crm::ContactRole, 0)
BOOST_CLASS_VERSION(crm::StageChange, 0)
BOOST_CLASS_VERSION(crm::Opportunity, 3)
BOOST_CLASS_VERSION(crm::LineItem, 0)
BOOST_CLASS_VERSION(crm::Product, 0)
BOOST_CLASS_VERSION(crm::Segment, 0)
BOOST_CLASS_VERSION(crm::CampaignStatus, 0)
BOOST_CLASS_VERSION(crm::Campaign, 0)
BOOST_CLASS_VERSION(crm::CampaignMember, 0)
BOOST_CLASS_VERSION(crm::CampaignEvent, 0)
BOOST_CLASS_VERSION(crm::WorkingHours, 0)
BOOST_CLASS_VERSION(crm::Holiday, 0)
BOOST_CLASS_VERSION(crm::BusinessCalendar, 0)
BOOST_CLASS_VERSION(crm::SlaPolicy, 0)
BOOST_CLASS_VERSION(crm::SlaMilestone, 0)
BOOST_CLASS_VERSION(crm::TicketStatusChange, 0)
BOOST_CLASS_VERSION(crm::Ticket, 0)
BOOST_CLASS_VERSION(crm::TicketEntry, 0)
BOOST_CLASS_VERSION(crm::FieldChange, 0)
BOOST_CLASS_VERSION(crm::Change, 3)
BOOST_CLASS_VERSION(crm::Erasure, 0)
BOOST_CLASS_VERSION(crm::ConsentRecord, 0)
