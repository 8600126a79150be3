/*
 * crm_phones.h - phone numbers of the libcrm C ABI (since 0.5): what the store read from each
 * number as entered, through libphonenumber, with the region of crm_options.phone_region for
 * numbers without a country code. Included by crm.h; the conventions of crm.h apply.
 */
#ifndef CRM_PHONES_H
#define CRM_PHONES_H

#ifdef __cplusplus
extern "C" {
#endif

/* Types of line (crm_customer_phone_parsed). */
#define CRM_PHONE_UNKNOWN 0
#define CRM_PHONE_FIXED_LINE 1
#define CRM_PHONE_MOBILE 2
#define CRM_PHONE_FIXED_LINE_OR_MOBILE 3 /* regions whose numbers do not tell (the US, Canada ...) */
#define CRM_PHONE_TOLL_FREE 4
#define CRM_PHONE_PREMIUM_RATE 5
#define CRM_PHONE_SHARED_COST 6
#define CRM_PHONE_VOIP 7
#define CRM_PHONE_PERSONAL 8
#define CRM_PHONE_PAGER 9
#define CRM_PHONE_UAN 10
#define CRM_PHONE_VOICEMAIL 11

/* Phone i of a customer as the store read it when it was written: its E.164 form ("+4930..."; ""
 * unless valid; borrowed like crm_customer_phone's number), type (CRM_PHONE_*) and validity (1: a
 * number libphonenumber knows to be dialable; 0: stored as entered and flagged). A number not yet
 * written, or written before 0.5, reads as "", CRM_PHONE_UNKNOWN, 0. Any output may be NULL;
 * CRM_ENOTFOUND past the last phone. */
CRM_API int crm_customer_phone_parsed(const crm_customer* c, size_t i, const char** e164, size_t* e164_len, int* type,
                                      int* valid);

#ifdef __cplusplus
}
#endif

#endif /* CRM_PHONES_H */
