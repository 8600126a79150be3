/*
 * crm_leads.h - lead conversion in the libcrm C ABI (since 0.20). Included by crm.h.
 *
 * A lead (a person at stage subscriber or lead) becomes, in one transaction, a person at a later
 * stage, a member of an organization (the one given, else one found by the lead's work email
 * domain or by the company name, else a new one) and, when a deal title is given, the contact of
 * a new opportunity. The lead keeps its id, and so its campaign history (crm/lead.hpp).
 */
#ifndef CRM_LEADS_H
#define CRM_LEADS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crm_lead_conversion {
  unsigned int version;     /* 1 */
  uint64_t lead;            /* required */
  uint64_t organization;    /* an organization to join; 0: by the company name */
  const char* company;      /* NULL or empty: the lead's custom field "company" */
  size_t company_len;
  const char* role;         /* the person's role in the organization and on the deal */
  size_t role_len;
  int stage;                /* CRM_STAGE_*; 0: opportunity with a deal, else prospect */
  const char* deal_title;   /* NULL or empty: no deal */
  size_t deal_title_len;
  uint64_t pipeline;        /* 0: the default pipeline */
  int64_t amount;           /* minor units of `currency`; with an empty currency: no amount */
  const char* currency;
  size_t currency_len;
  int64_t expected_close;   /* 0: none */
  const char* owner;        /* the deal's owner; NULL or empty: the lead's */
  size_t owner_len;
} crm_lead_conversion;

#define CRM_LEAD_CONVERSION_INIT {1, 0, 0, NULL, 0, NULL, 0, 0, NULL, 0, 0, 0, NULL, 0, 0, NULL, 0}

/* Converts; each output may be NULL, and receives a new record (crm_customer_free,
 * crm_opportunity_free) or NULL when there is none (no organization, no deal).
 * *organization_created (may be NULL): 1 when the organization was made. CRM_ENOTFOUND for a lead,
 * organization or pipeline that does not exist; CRM_EINVALID naming the field; CRM_ECONFLICT for
 * a customer that is not a lead (converted already). */
CRM_API int crm_lead_convert(crm_customer** person, crm_customer** organization, crm_opportunity** deal,
                             int* organization_created, crm_txn* txn, const crm_lead_conversion* conversion);

#ifdef __cplusplus
}
#endif

#endif /* CRM_LEADS_H */
