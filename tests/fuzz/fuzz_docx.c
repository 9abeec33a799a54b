/*
 * fuzz_docx.c: libFuzzer target for the Teams .docx reader. An input whose first byte is
 * even is a whole .docx, read through mk_transcript_parse (zip with libarchive, caps,
 * XML, layout); an odd first byte makes the rest word/document.xml itself (docx_xml_text,
 * then docx_parse), so mutations reach the XML and layout code past the zip's checksums.
 * A result must satisfy fuzz_check.h, hold valid UTF-8 (libxml2 decodes to it) and a digest.
 * Seeds: corpus/fuzz_docx/ (zips from tests/cases/transcript/mkdocx.py, and XML).
 */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mk_transcript t;
	struct mk_diag d;
	struct mk_buf text;
	enum mk_err err;

	if (size < 1)
		return 0;
	mk_transcript_init(&t);
	mk_diag_clear(&d);
	if (data[0] % 2 == 0) {
		err = mk_transcript_parse(&t, "call.docx", (const char *)data + 1, size - 1, &d);
		if (!err && t.format == MK_FMT_TEAMS_DOCX)
			FUZZ_ASSERT(strlen(t.sha256) == 64);
	} else {
		mk_buf_init(&text);
		err = docx_xml_text(&t, (const char *)data + 1, size - 1, &text, &d);
		if (!err) {
			FUZZ_ASSERT(mk_utf8_valid(text.s ? text.s : "", text.len, NULL));
			FUZZ_ASSERT(!text.s || strlen(text.s) == text.len);
			err = docx_parse(&t, text.s ? text.s : "", text.len, &d);
		}
		mk_buf_release(&text);
	}
	fuzz_check(&t, err, &d, (const uint8_t *)"", 0);	/* "" in: UTF-8 out is checked */
	mk_transcript_release(&t);
	return 0;
}
