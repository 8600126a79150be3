// The C ABI: the error message and codes, the version, money.
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

#include <optional>

// The definitions below take their C linkage from their declarations in crm.h.

const char* crm_errmsg(void) { return g_errmsg.c_str(); }

const char* crm_strerror(int code) {
  switch (code) {
    case CRM_OK: return "ok";
    case CRM_ENOTFOUND: return "not found";
    case CRM_EEXISTS: return "already exists";
    case CRM_EINVALID: return "invalid argument";
    case CRM_ECONFLICT: return "conflict with the current state";
    case CRM_ECORRUPT: return "stored data is corrupt";
    case CRM_EFULL: return "disk or database full";
    case CRM_EIO: return "input/output error";
    case CRM_EBUSY: return "busy";
    case CRM_ENOMEM: return "out of memory";
    case CRM_EINTERNAL: return "internal error";
    case CRM_EREADONLY: return "the database is open read-only";
    case CRM_EVERSION: return "the file was written by a newer libcrm";
    case CRM_EDEPENDENTS: return "other records still depend on it";
    case CRM_ENOTDB: return "the file is not a libcrm database";
    case CRM_ESUPPRESSED: return "an email or phone is suppressed";
    case CRM_EWITHDRAWN: return "consent was withdrawn: an import cannot grant it again";
    case CRM_ETRIMMED: return "the changes asked for were removed by the retention policy";
    case CRM_EKEY: return "the database is encrypted, and its key is missing or wrong";
    case CRM_EDUPLICATE: return "the duplicate rule blocks the write: likely a duplicate";
    case CRM_ITEROVER: return "iteration over";
    default: return "unknown result code";
  }
}

void crm_free(void* p) { std::free(p); }

const char* crm_version(int* major, int* minor, int* patch) {
  Set(major, CRM_VERSION_MAJOR);
  Set(minor, CRM_VERSION_MINOR);
  Set(patch, CRM_VERSION_PATCH);
  return CRM_VERSION_STRING;
}


// ---- money ----

int crm_currency_digits(const char* code, size_t len) {
  return Guard([&] {
    std::string c;
    if (int rc = Text(code, len, "currency", &c); rc != CRM_OK) return rc;
    std::optional<int> digits = crm::CurrencyMinorDigits(c);
    if (!digits) return Fail(CRM_EINVALID, "currency: '" + c + "' is not a known ISO 4217 code");
    return *digits;
  });
}
