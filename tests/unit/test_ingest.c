/* test_ingest.c: the small pieces of ingest/: timestamps, entities, cue text, labels, sniffing, limits. */
#include "ingest/ingest.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cue_ms(const char *s, int64_t *ms)
{
	const char *p = s;
	return stamp_cue(&p, s + strlen(s), ms) && p == s + strlen(s);
}

static int clock_ms(const char *s, int64_t *ms)
{
	const char *p = s;
	int bare;
	return stamp_bracketed(&p, s + strlen(s), 1, ms, &bare) && p == s + strlen(s);
}

static void test_stamp_cue(void)
{
	int64_t ms = -1;
	CHECK(cue_ms("00:00:01.000", &ms) && ms == 1000);
	CHECK(cue_ms("01:02:03.456", &ms) && ms == 3723456);
	CHECK(cue_ms("00:00:01,250", &ms) && ms == 1250);     /* SRT comma */
	CHECK(cue_ms("02:03.004", &ms) && ms == 123004);      /* mm:ss.ttt */
	CHECK(cue_ms("100:00:00.000", &ms) && ms == 360000000);
	CHECK(cue_ms("00:00:01.5", &ms) && ms == 1500);       /* short fraction */
	CHECK(cue_ms("00:00:07", &ms) && ms == 7000);         /* no fraction */
	CHECK(!cue_ms("00:01:0x.000", &ms));
	CHECK(!cue_ms("00:60:00.000", &ms));
	CHECK(!cue_ms("00:00:60.000", &ms));
	CHECK(!cue_ms("00:00:01.0000", &ms));
	CHECK(!cue_ms("00:0", &ms));
	CHECK(!cue_ms("1.000", &ms));
	CHECK(!cue_ms("", &ms));
	CHECK(!cue_ms("aa:bb:cc.ddd", &ms));
	/* Microsoft Graph's documented form: one digit where it can */
	CHECK(cue_ms("0:0:0.0", &ms) && ms == 0);
	CHECK(cue_ms("0:0:5.320", &ms) && ms == 5320);
	CHECK(cue_ms("0:0:5.32", &ms) && ms == 5320);
	CHECK(cue_ms("1:2:3.4", &ms) && ms == 3723400);
	CHECK(cue_ms("0:12:3.4", &ms) && ms == 723400);
	CHECK(!cue_ms("0:0:60.0", &ms));
	CHECK(!cue_ms("0:60:0.0", &ms));
	CHECK(!cue_ms("2:3.004", &ms));                       /* mm:ss wants two digits */
	CHECK(!cue_ms("0:0:", &ms));
	CHECK(!cue_ms("00:00:0", &ms));                        /* a cut stamp, not Graph's */
	CHECK(!cue_ms("0:05:3.0", &ms));
	/* the cursor stays put on failure and stops before what follows */
	const char *s = "00:00:02.000 --> x", *p = s;
	CHECK(stamp_cue(&p, s + strlen(s), &ms) && p == s + 12);
	s = "00:00:0x", p = s;
	CHECK(!stamp_cue(&p, s + strlen(s), &ms) && p == s);
}

static void test_stamp_clock(void)
{
	int64_t ms = -1;
	CHECK(clock_ms("1:02", &ms) && ms == 62000);
	CHECK(clock_ms("0:05", &ms) && ms == 5000);
	CHECK(clock_ms("75:30", &ms) && ms == 4530000);       /* minutes past the hour */
	CHECK(clock_ms("1:02:03", &ms) && ms == 3723000);
	CHECK(clock_ms("[00:01:02]", &ms) && ms == 62000);
	CHECK(clock_ms("(00:01:02)", &ms) && ms == 62000);
	CHECK(clock_ms("[10:15.5]", &ms) && ms == 615500);
	CHECK(!clock_ms("[00:01:02", &ms));
	CHECK(!clock_ms("10:30am", &ms));
	CHECK(!clock_ms("1:2", &ms));
	CHECK(!clock_ms("1:60:00", &ms));
	CHECK(!clock_ms("12", &ms));
}

static void test_format_ms(void)
{
	char b[32];
	mk_format_ms(0, b, sizeof b);
	CHECK_STR(b, "00:00:00.000");
	mk_format_ms(3723456, b, sizeof b);
	CHECK_STR(b, "01:02:03.456");
	mk_format_ms(-5, b, sizeof b);
	CHECK_STR(b, "00:00:00.000");
	mk_format_ms(360000000, b, sizeof b);
	CHECK_STR(b, "100:00:00.000");
	CHECK_STR(mk_format_name(MK_FMT_ZOOM_VTT), "zoom-vtt");
	CHECK_STR(mk_format_name(MK_FMT_TEAMS_VTT), "teams-vtt");
	CHECK_STR(mk_format_name(MK_FMT_VTT), "webvtt");
	CHECK_STR(mk_format_name(MK_FMT_SRT), "srt");
	CHECK_STR(mk_format_name(MK_FMT_PLAIN), "plain");
	CHECK_STR(mk_format_name((enum mk_format)99), "unknown");
}

static void test_meeting_start(void)
{
	char b[40];
	CHECK(stamp_from_zoom_name("x/GMT20240124-202901_Recording.transcript.vtt", b, sizeof b));
	CHECK_STR(b, "2024-01-24T20:29:01Z");
	CHECK(!stamp_from_zoom_name("GMT20240124-202901/other.vtt", b, sizeof b)); /* basename only */
	CHECK(!stamp_from_zoom_name("GMT20241324-202901.vtt", b, sizeof b));       /* month 13 */
	CHECK(!stamp_from_zoom_name("GMT2024012-202901.vtt", b, sizeof b));
	/* a plain date in the file name gives the meeting's day */
	CHECK(stamp_from_zoom_name("calls/ethereum-bal-2026-02-11_012.vtt", b, sizeof b));
	CHECK_STR(b, "2026-02-11");
	CHECK(!stamp_from_zoom_name("calls/2026-13-11.vtt", b, sizeof b));
	CHECK(!stamp_from_zoom_name("calls/v12026-02-11.vtt", b, sizeof b));
	CHECK(!stamp_from_zoom_name("2026-02-11/call.vtt", b, sizeof b));
	const char *s = "X-Meeting-Start: 2024-03-05 14:00:00+01:00 end";
	CHECK(stamp_find_iso(s, strlen(s), b, sizeof b));
	CHECK_STR(b, "2024-03-05T14:00:00+01:00");
	s = "start 2024-03-05T14:00Z";
	CHECK(stamp_find_iso(s, strlen(s), b, sizeof b));
	CHECK_STR(b, "2024-03-05T14:00Z");
	s = "start 2024-13-05T14:00:00Z";
	CHECK(!stamp_find_iso(s, strlen(s), b, sizeof b));
}

static size_t ent(const char *s, uint32_t *cp)
{
	return entity_decode(s, strlen(s), cp);
}

static void test_entities(void)
{
	uint32_t cp = 0;
	CHECK(ent("amp;x", &cp) == 4 && cp == '&');
	CHECK(ent("lt;", &cp) == 3 && cp == '<');
	CHECK(ent("gt;", &cp) == 3 && cp == '>');
	CHECK(ent("nbsp;", &cp) == 5 && cp == 0xA0);
	CHECK(ent("lrm;", &cp) == 4 && cp == 0x200E);
	CHECK(ent("rlm;", &cp) == 4 && cp == 0x200F);
	CHECK(ent("quot;", &cp) == 5 && cp == '"');
	CHECK(ent("#39;", &cp) == 4 && cp == '\'');
	CHECK(ent("#x27;", &cp) == 5 && cp == '\'');
	CHECK(ent("#X1F600;", &cp) == 8 && cp == 0x1F600);
	CHECK(ent("#0;", &cp) == 3 && cp == 0xFFFD);
	CHECK(ent("#xD800;", &cp) == 7 && cp == 0xFFFD);
	CHECK(ent("#x110000;", &cp) == 9 && cp == 0xFFFD);
	CHECK(ent("amp", &cp) == 0);      /* no ';' */
	CHECK(ent("bogus;", &cp) == 0);
	CHECK(ent("#;", &cp) == 0);
	CHECK(ent("#x;", &cp) == 0);
	CHECK(ent("T stays", &cp) == 0);
	CHECK(ent("", &cp) == 0);
	char u[4];
	CHECK(utf8_put(0xE9, u) == 2 && !memcmp(u, "\xc3\xa9", 2));
	CHECK(utf8_put(0x1F600, u) == 4 && !memcmp(u, "\xf0\x9f\x98\x80", 4));
}

static char *seg_text(struct clean *c, size_t i)
{
	static char b[256];
	snprintf(b, sizeof b, "%.*s", (int)c->seg[i].txt_len, c->buf.s + c->seg[i].txt_off);
	return b;
}

static char *seg_spk(struct clean *c, size_t i)
{
	static char b[256];
	snprintf(b, sizeof b, "%.*s", (int)c->seg[i].spk_len, c->buf.s + c->seg[i].spk_off);
	return b;
}

static void clean_s(struct clean *c, const char *s, unsigned flags)
{
	clean_text(c, s, strlen(s), flags);
}

static void test_clean(void)
{
	struct clean c;
	clean_init(&c);
	clean_s(&c, "  <c.yellow>Hi</c>\r\n  <i>there</i> &amp; <b>you</b>  ", CLEAN_MARKUP);
	CHECK(c.nseg == 1 && !c.seg[0].has_speaker);
	CHECK_STR(seg_text(&c, 0), "Hi there & you");
	clean_s(&c, "<v Ann Lee>One.</v> <v.loud Bob>Two</v>", CLEAN_MARKUP);
	CHECK(c.nseg == 3 && c.seg[0].txt_len == 0);
	CHECK(c.seg[1].has_speaker);
	CHECK_STR(seg_spk(&c, 1), "Ann Lee");
	CHECK_STR(seg_text(&c, 1), "One.");
	CHECK_STR(seg_spk(&c, 2), "Bob");
	CHECK_STR(seg_text(&c, 2), "Two");
	clean_s(&c, "<ruby>漢<rt>kan</rt></ruby><00:00:01.000>x", CLEAN_MARKUP);
	CHECK_STR(seg_text(&c, 0), "漢x");
	clean_s(&c, "a < b <3 <> <", CLEAN_MARKUP);
	CHECK_STR(seg_text(&c, 0), "a < b <3 <> <");
	clean_s(&c, "&lrm;\xe2\x80\x8f" "a\xc2\xa0" "b\xef\xbb\xbf" "c&nbsp;d", CLEAN_MARKUP);
	CHECK_STR(seg_text(&c, 0), "a bc d");
	clean_s(&c, "{\\an8}top", CLEAN_MARKUP | CLEAN_ASS);
	CHECK_STR(seg_text(&c, 0), "top");
	clean_s(&c, "<b>kept &amp; as is</b>", 0);
	CHECK_STR(seg_text(&c, 0), "<b>kept &amp; as is</b>");
	clean_s(&c, "", CLEAN_MARKUP);
	CHECK(c.nseg == 1 && c.seg[0].txt_len == 0);
	/* many '<' with no '>' stay linear (and literal) */
	size_t n = 200000;
	char *big = malloc(n + 1);
	memset(big, '<', n);
	big[n] = '\0';
	clean_text(&c, big, n, CLEAN_MARKUP);
	CHECK(c.seg[0].txt_len == n);
	free(big);
	clean_release(&c);
	clean_release(&c);
}

static int kind(const char *s)
{
	return label_kind(s, strlen(s));
}

static void test_labels(void)
{
	CHECK(kind("Srijani Ghosh") == LABEL_NAME);
	CHECK(kind("Dr. Melissa Ko") == LABEL_NAME);
	CHECK(kind("Akash | ECH") == LABEL_NAME);
	CHECK(kind("Karim T. (matkt)") == LABEL_NAME);
	CHECK(kind("Marius van der Wijden") == LABEL_NAME);
	CHECK(kind("potuz") == LABEL_NAME);
	CHECK(kind("Łukasz Rozmej") == LABEL_NAME);
	CHECK(kind("Speaker 1") == LABEL_NAME);
	CHECK(kind("and the answer is") == LABEL_MAYBE);
	CHECK(kind("Note") == LABEL_NO);
	CHECK(kind("Action items") == LABEL_NO);
	CHECK(kind("so") == LABEL_NO);
	CHECK(kind("Why?") == LABEL_NO);
	CHECK(kind("10") == LABEL_NO);
	CHECK(kind("") == LABEL_NO);
	CHECK(kind("one two three four five six seven") == LABEL_NO);
	CHECK(kind("A name that is far too long to be anybody's display name in Zoom") == LABEL_NO);
	CHECK(label_prefix("Ann: hi", 7) == 3);
	CHECK(label_prefix("Ann:hi", 6) == 0);
	CHECK(label_prefix("at 10:30 we", 11) == 0);
	CHECK(label_prefix(": x", 3) == 0);

	struct labelset ls;
	labelset_init(&ls);
	labelset_add(&ls, "Ann Lee", 7, LABEL_NAME);
	labelset_add(&ls, "we said", 7, LABEL_MAYBE);
	labelset_add(&ls, "so then", 7, LABEL_MAYBE);
	labelset_add(&ls, "so then", 7, LABEL_MAYBE);
	labelset_add(&ls, "Note", 4, LABEL_NO);
	labelset_resolve(&ls);
	CHECK(labelset_accepts(&ls, "Ann Lee", 7));
	CHECK(!labelset_accepts(&ls, "we said", 7));
	CHECK(labelset_accepts(&ls, "so then", 7));
	CHECK(!labelset_accepts(&ls, "Note", 4));
	CHECK(!labelset_accepts(&ls, "Ann", 3));
	labelset_release(&ls);
	labelset_release(&ls);
}

static enum mk_format sniff(const char *s)
{
	return transcript_sniff(s, strlen(s));
}

static void test_sniff(void)
{
	CHECK(sniff("WEBVTT\n\n") == MK_FMT_VTT);
	CHECK(sniff("\xef\xbb\xbf\r\n\r\nWEBVTT - title\r\n") == MK_FMT_VTT);
	CHECK(sniff("1\n00:00:01,000 --> 00:00:02,000\nx\n") == MK_FMT_SRT);
	CHECK(sniff("00:00:01,000 --> 00:00:02,000\nx\n") == MK_FMT_SRT);
	CHECK(sniff("Ann: hi\n") == MK_FMT_PLAIN);
	CHECK(sniff("12\nAnn: hi\n") == MK_FMT_PLAIN);
	CHECK(sniff("") == MK_FMT_PLAIN);
	/* Markdown: its speaker lines, not any bold text */
	CHECK(sniff("**Ann:** hi\n") == MK_FMT_MARKDOWN);
	CHECK(sniff("# Sync\n\n**Ann** (00:01:02):\nhi\n") == MK_FMT_MARKDOWN);
	CHECK(sniff("**Ann** [1:02] hi\n") == MK_FMT_MARKDOWN);
	CHECK(sniff("### Ann Lee (00:01:02)\nhi\n") == MK_FMT_MARKDOWN);
	CHECK(sniff("- **Ann**: hi\n") == MK_FMT_MARKDOWN);
	CHECK(sniff("**Date:** 2026-03-10\nAnn: hi\n") == MK_FMT_PLAIN);
	CHECK(sniff("Ann: the **big** one\nBo: ok\n") == MK_FMT_PLAIN);
	CHECK(sniff("**Ann:** hi\nBo: a\nCy: b\n") == MK_FMT_PLAIN);
	CHECK(sniff("## Agenda\n") == MK_FMT_PLAIN);
	/* line numbers: CRLF, LF and a lone CR each end one line */
	struct lines l;
	const char *s;
	size_t n;
	lines_init(&l, "a\r\nb\rc\n\nd", 9);
	CHECK(lines_next(&l, &s, &n) && n == 1 && s[0] == 'a' && l.no == 1);
	CHECK(lines_next(&l, &s, &n) && n == 1 && s[0] == 'b' && l.no == 2);
	CHECK(lines_next(&l, &s, &n) && n == 1 && s[0] == 'c' && l.no == 3);
	CHECK(lines_next(&l, &s, &n) && n == 0 && l.no == 4);
	CHECK(lines_next(&l, &s, &n) && n == 1 && s[0] == 'd' && l.no == 5);
	CHECK(!lines_next(&l, &s, &n));
	CHECK(lines_number_at("a\r\nb\rc\n\nd", 9, 8) == 5);
}

static enum mk_err parse(struct mk_transcript *t, const char *s, struct mk_diag *d)
{
	return mk_transcript_parse(t, "t.vtt", s, strlen(s), d);
}

static void test_parse(void)
{
	struct mk_transcript t, *heap;
	struct mk_diag d;
	mk_transcript_init(&t);
	CHECK(parse(&t, "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nAnn Lee: Hi &amp; bye\n", &d) == MK_OK);
	CHECK(t.format == MK_FMT_ZOOM_VTT && t.n == 1 && t.utt[0].line == 3);
	CHECK_STR(t.utt[0].speaker, "Ann Lee");
	CHECK_STR(t.utt[0].text, "Hi & bye");
	CHECK(t.utt[0].start_ms == 1000 && t.utt[0].end_ms == 2000);
	CHECK_STR(t.path, "t.vtt");
	CHECK(strlen(t.sha256) == 64 && t.start == NULL);
	/* a second parse into the same struct replaces the first */
	CHECK(parse(&t, "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Bo>Yo</v>\n", &d) == MK_OK);
	CHECK(t.format == MK_FMT_TEAMS_VTT && t.n == 1 && t.utt[0].line == 3);
	/* errors: one diag, no utterances left behind */
	CHECK(parse(&t, "WEBVTT\n\n00:01.000 --> 00:0x.000\nhi\n", &d) == MK_EFORMAT);
	CHECK(t.n == 0 && t.utt == NULL && d.line == 3);
	CHECK_STR(d.file, "t.vtt");
	CHECK_STR(d.msg, "malformed timestamp '00:0x.000'");
	CHECK(parse(&t, "", &d) == MK_EEMPTY);
	CHECK_STR(d.msg, "empty file");
	CHECK(mk_transcript_parse(&t, "t.vtt", "WEBVTT\n\0", 8, &d) == MK_EFORMAT);
	CHECK_STR(d.msg, "not a transcript (binary data)");
	CHECK(parse(&t, "Ann: caf\xc3\n", &d) == MK_EUTF8 && d.line == 1);
	mk_transcript_release(&t);
	mk_transcript_release(&t);

	heap = mk_calloc(1, sizeof *heap);
	CHECK(parse(heap, "Ann: hi\nBo: yo\n", &d) == MK_OK && heap->n == 2);
	CHECK(heap->format == MK_FMT_PLAIN);
	mk_transcript_free(heap);
	mk_transcript_free(NULL);
}

static void test_limits(void)
{
	struct mk_transcript t;
	struct mk_diag d;
	size_t n = MK_MAX_LINE_BYTES;
	char *s = mk_malloc(n + 16);
	mk_transcript_init(&t);
	/* a line of exactly MK_MAX_LINE_BYTES is fine, one more byte is not */
	memcpy(s, "Ann: ", 5);
	memset(s + 5, 'a', n - 5);
	s[n] = '\n';
	CHECK(mk_transcript_parse(&t, "x.txt", s, n + 1, &d) == MK_OK && t.n == 1);
	CHECK(strlen(t.utt[0].text) == n - 5);
	memset(s + 5, 'a', n - 4);
	s[n + 1] = '\n';
	CHECK(mk_transcript_parse(&t, "x.txt", s, n + 2, &d) == MK_ETOOBIG && d.line == 1);
	CHECK_STR(d.msg, "line is longer than 64 KiB");
	free(s);
	mk_transcript_release(&t);
}

/* A ten-hour transcript (~6 MB) parses whole; its time is printed, and `make bench` measures it. */
static void test_speed(void)
{
	struct mk_buf b;
	struct mk_transcript t;
	struct mk_diag d;
	struct timespec a, z;
	mk_buf_init(&b);
	mk_buf_adds(&b, "WEBVTT\n\n");
	for (int i = 0; i < 36000; i++)
		mk_buf_addf(&b, "%d\n%02d:%02d:%02d.000 --> %02d:%02d:%02d.500\n%s: we will send the "
			    "contract &amp; the <i>pricing</i> by Friday, okay?\n\n", i + 1,
			    i / 3600, i / 60 % 60, i % 60, i / 3600, i / 60 % 60, i % 60,
			    i % 3 ? "Ann Lee" : "Bob Marsh");
	mk_transcript_init(&t);
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(mk_transcript_parse(&t, "big.vtt", b.s, b.len, &d) == MK_OK);
	clock_gettime(CLOCK_MONOTONIC, &z);
	double ms = (double)(z.tv_sec - a.tv_sec) * 1e3 + (double)(z.tv_nsec - a.tv_nsec) / 1e6;
	printf("# %zu bytes, %zu utterances in %.1f ms\n", b.len, t.n, ms);
	CHECK(t.n == 36000 && t.format == MK_FMT_ZOOM_VTT);
	/* No time limit here: a loaded CI machine or the sanitizer build would make it flaky;
	 * ingest speed is measured by `make bench` (docs/bench.md). */
	mk_transcript_release(&t);
	mk_buf_release(&b);
}

/* The language of "Name: text" lines. */
static const char *lang_of(const char *text, int *english)
{
	struct mk_transcript t;
	struct mk_diag d;
	struct mk_language l;
	static char name[32];
	mk_transcript_init(&t);
	if (parse(&t, text, &d) != MK_OK) {
		*english = -1;
		return "unreadable";
	}
	mk_transcript_language(&t, &l);
	*english = l.english;
	snprintf(name, sizeof name, "%s", l.name);
	mk_transcript_release(&t);
	return name;
}

static void test_language(void)
{
	int en;
	CHECK_STR(lang_of("Ann Lee: Yes, I will send the pricing over by Friday, and we can review it "
			  "with your team next week if that works for you.\nBo Chen: That works. I think the "
			  "legal review is the only thing that could slow us down here.\n", &en), "English");
	CHECK(en == 1);
	CHECK_STR(lang_of("Ann Lee: Ja, ich schicke Ihnen die Preise bis Freitag, und wir können das in "
			  "der nächsten Woche mit Ihrem Team besprechen.\nBo Chen: Das passt. Ich denke, die "
			  "Rechtsabteilung ist das Einzige, was uns noch aufhalten kann.\n", &en), "German");
	CHECK(en == 0);
	CHECK_STR(lang_of("Ann Lee: Oui, je vous envoie les prix avant vendredi, et nous pouvons en parler "
			  "avec votre équipe la semaine prochaine si cela vous convient.\nBo Chen: C'est bien. "
			  "Je pense que le service juridique est le seul point qui peut nous ralentir.\n", &en),
		  "French");
	CHECK_STR(lang_of("Ann Lee: Sí, le envío los precios antes del viernes, y podemos revisarlo con su "
			  "equipo la próxima semana si le parece bien.\nBo Chen: Perfecto. Creo que la revisión "
			  "legal es lo único que nos puede retrasar.\n", &en), "Spanish");
	CHECK_STR(lang_of("佐藤: 金曜日までに見積書をお送りします。来週、チームと一緒に確認しましょう。\n"
			  "田中: ありがとうございます。法務の確認だけが心配です。\n", &en), "Japanese");
	CHECK(en == 0);
	CHECK_STR(lang_of("王: 我们周五之前把报价发给你们。下周和你们的团队一起讨论合同的细节问题。\n"
			  "李: 好的。法务审查可能需要一些时间。\n", &en), "Chinese");
	CHECK_STR(lang_of("Анна: Да, я отправлю вам цены до пятницы, и мы обсудим их с вашей командой.\n"
			  "Борис: Хорошо. Юридическая проверка может занять время.\n", &en), "Russian");
	CHECK_STR(lang_of("김: 금요일까지 견적서를 보내드리겠습니다. 다음 주에 팀과 함께 검토해요.\n", &en),
		  "Korean");
	/* too little to tell is English; names in another script do not make a call foreign */
	CHECK_STR(lang_of("Ann: Danke schön.\nBo: Bitte.\n", &en), "English");
	CHECK(en == 1);
	CHECK_STR(lang_of("佐藤 健: Thanks, I will send the quote to 田中さん by Friday and we can go over "
			  "it together with the team on the call next week.\nBo Chen: Great, that works for "
			  "us, and I will loop in legal as well.\n", &en), "English");
	CHECK(en == 1);
}

int main(void)
{
	RUN(test_stamp_cue);
	RUN(test_stamp_clock);
	RUN(test_format_ms);
	RUN(test_meeting_start);
	RUN(test_entities);
	RUN(test_clean);
	RUN(test_labels);
	RUN(test_sniff);
	RUN(test_parse);
	RUN(test_language);
	RUN(test_limits);
	RUN(test_speed);
	return tap_done();
}
