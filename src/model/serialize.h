// How the data model's records are written by Boost.Serialization (non-intrusive, so the public
// headers stay free of Boost.Serialization). Bump a BOOST_CLASS_VERSION when a struct gains a
// member, and read the new member only when `version` says it is there.
#pragma once

#include <boost/serialization/nvp.hpp>
#include <boost/serialization/version.hpp>

#include "codec/archive.h"
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
void serialize(Archive& ar, crm::Phone& p, unsigned) {
  ar& make_nvp("number", p.number);
  ar& make_nvp("label", p.label);
  ar& make_nvp("primary", p.primary);
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
void serialize(Archive& ar, crm::Customer& c, unsigned) {
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
}

}  // namespace boost::serialization

BOOST_CLASS_VERSION(crm::Money, 0)
BOOST_CLASS_VERSION(crm::DateTime, 0)
BOOST_CLASS_VERSION(crm::Email, 0)
BOOST_CLASS_VERSION(crm::Phone, 0)
BOOST_CLASS_VERSION(crm::PostalAddress, 0)
BOOST_CLASS_VERSION(crm::Membership, 0)
BOOST_CLASS_VERSION(crm::Consent, 0)
BOOST_CLASS_VERSION(crm::Customer, 0)
