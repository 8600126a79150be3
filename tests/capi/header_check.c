/* crm.h must compile on its own as strict C99 (the build fails otherwise). */
#include <crm.h>

int crm_header_check_dummy(void);
int crm_header_check_dummy(void) {
  crm_options opts = CRM_OPTIONS_INIT;
  crm_customer_query q = CRM_CUSTOMER_QUERY_INIT;
  crm_timeline_query t = CRM_TIMELINE_QUERY_INIT;
  crm_opportunity_query o = CRM_OPPORTUNITY_QUERY_INIT;
  return (int)(opts.version + q.version + t.version + o.version);
}
