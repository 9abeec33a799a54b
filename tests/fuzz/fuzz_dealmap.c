/*
 * fuzz_dealmap.c: libFuzzer target for the deal-map parser and matcher
 * (pipeline/dealmap.c through mapkeeper.h): any bytes as a deal-map file; when it loads,
 * the same bytes as a meeting's topic and as an attendee's e-mail are routed through it.
 * A map must load, or fail with MK_EFORMAT and one line naming the file and line; a match
 * is one of the map's deal names. Leaks (a pattern not freed) are findings.
 * Seeds: corpus/fuzz_dealmap/ (maps as docs/sync.md and t81 write them, and bad lines).
 */
#include "fuzz_check.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mk_deal_map *m = NULL;
	struct mk_source_call c;
	struct mk_diag d;
	char *text = malloc(size + 1), *attendees[1];
	enum mk_err err;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	mk_diag_clear(&d);
	err = mk_deal_map_parse("fuzz.map", (const char *)data, size, &m, &d);
	if (err) {
		FUZZ_ASSERT(err == MK_EFORMAT && m == NULL);
		FUZZ_ASSERT(strncmp(d.msg, "sync: fuzz.map:", 15) == 0);
	} else {
		memset(&c, 0, sizeof c);
		c.topic = text;
		attendees[0] = text;
		c.attendees = attendees;
		c.nattendees = 1;
		const char *deal = mk_deal_map_match(m, &c);
		FUZZ_ASSERT(!deal || (mk_deal_map_size(m) > 0 && strlen(deal) > 0));
		FUZZ_ASSERT(!deal || (deal[0] != ' ' && deal[strlen(deal) - 1] != ' '));
	}
	mk_deal_map_free(m);
	free(text);
	return 0;
}
