/*
 * names.c: the CRMs' names (mk_crm_name, mk_crm_title, mk_crm_parse) and which backend
 * serves each. Does not talk to a CRM. Invariant: the names are the store's CHECK values
 * (store/schema.c migration 14) and the CLI's words.
 */
#include "crm/crm.h"

#include <string.h>

static const char *const crm_names[MK_CRM_COUNT] = { "salesforce", "hubspot" };
static const char *const crm_titles[MK_CRM_COUNT] = { "Salesforce", "HubSpot" };

const char *mk_crm_name(enum mk_crm c)
{
	return (unsigned)c < MK_CRM_COUNT ? crm_names[c] : "?";
}

const char *mk_crm_title(enum mk_crm c)
{
	return (unsigned)c < MK_CRM_COUNT ? crm_titles[c] : "?";
}

enum mk_err mk_crm_parse(const char *s, enum mk_crm *out)
{
	for (int i = 0; s && i < MK_CRM_COUNT; i++) {
		if (!strcmp(s, crm_names[i])) {
			*out = (enum mk_crm)i;
			return MK_OK;
		}
	}
	return MK_EARG;
}

const struct crm_backend *crm_backend_of(enum mk_crm crm)
{
	return crm == MK_CRM_HUBSPOT ? &crm_hubspot : &crm_salesforce;
}
