#!/usr/bin/env python3
"""mkdocx.py KIND OUT: writes a small .docx test file of the given kind (deterministic bytes).

Teams' .docx transcript: a title paragraph, the date, the length, "X started transcription",
then one paragraph per turn: the name, the time ("   0:03") in its own run, a line break, the
text. The older layout has a "0:0:0.0 --> 0:0:5.320" paragraph, then the name, then the text.
Kinds: teams, arrow, prose, nodoc, corrupt, bomb (document.xml inflates past 64 MiB), huge
(document.xml declares 4 GiB), entries (10,001 entries), dtd (document.xml with a DTD), badxml (cut XML), stored (teams, not
compressed: the same call in other bytes).
The text is written for these tests.
"""
import struct
import sys
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
      'officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def run(text):
    return '<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % esc(text)


def para(*parts):
    return "<w:p>%s</w:p>" % "".join(parts)


def document(paras, prolog=""):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n%s'
            '<w:document xmlns:w="%s"><w:body>%s<w:sectPr/></w:body></w:document>'
            % (prolog, W, "".join(paras)))


TURNS = [
    ("Dana Whitfield", "0:03", "Thanks for joining, everyone. Let's go through the pricing questions."),
    ("Omar Reyes", "0:15", "Sure. Finance wants the three-year option & a break clause."),
    ("Dana Whitfield", "0:41", "I'll send the revised order form by Friday."),
    ("Omar Reyes", "1:02:07", "Great, then I will get legal to review it next week."),
]


def teams():
    ps = [para(run("Pricing review-20260310_150000-Meeting Recording")),
          para(run("March 10, 2026, 3:00PM")),
          para(run("32m 5s")),
          para(run("Dana Whitfield started transcription"))]
    for i, (name, at, text) in enumerate(TURNS):
        if i == 1:  # the text in a paragraph of its own, a tab inside
            ps.append(para(run(name), run("   " + at)))
            ps.append(para(run("Sure."), "<w:r><w:tab/></w:r>", run(text[6:])))
        else:
            ps.append(para(run(name), run("   " + at), "<w:r><w:br/></w:r>", run(text)))
    ps.append(para(run("Dana Whitfield stopped transcription")))
    return document(ps)


def arrow():
    stamps = ["0:0:0.0 --> 0:0:5.320", "0:0:6.100 --> 0:0:12.0", "0:0:12.500 --> 0:0:20.0",
              "0:1:2.0 --> 0:1:9.500"]
    ps = []
    for (name, _, text), st in zip(TURNS, stamps):
        ps += [para(run(st)), para(run(name)), para(run(text))]
    return document(ps)


def prose():
    return document([para(run("Quarterly business review")),
                     para(run("Revenue grew in every region, and the renewal rate held at 94%.")),
                     para(run("Next quarter we focus on onboarding and the partner program."))])


def write(out, files, compress=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(out, "w", compress) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 10, 15, 0, 0))
            info.compress_type = compress
            z.writestr(info, data)


def base(doc):
    return [("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("word/document.xml", doc)]


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "teams":
        write(out, base(teams()))
    elif kind == "arrow":
        write(out, base(arrow()))
    elif kind == "prose":
        write(out, base(prose()))
    elif kind == "nodoc":
        write(out, [("[Content_Types].xml", CT), ("xl/workbook.xml", "<workbook/>")])
    elif kind == "corrupt":
        write(out, base(teams()))
        data = open(out, "rb").read()
        open(out, "wb").write(data[: len(data) // 2])
    elif kind == "bomb":
        body = document([para(run(" " * (65 << 20)))])
        write(out, base(body))
    elif kind == "huge":
        write(out, base(teams()))
        data = bytearray(open(out, "rb").read())
        for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            at = 0
            while (at := data.find(sig, at)) >= 0:
                nlen = struct.unpack_from("<H", data, at + (26 if sig == b"PK\x03\x04" else 28))[0]
                name = data[at + (30 if sig == b"PK\x03\x04" else 46):][:nlen]
                if name == b"word/document.xml":
                    struct.pack_into("<I", data, at + off, 0xFFFFFFF0)
                at += 4
        open(out, "wb").write(bytes(data))
    elif kind == "entries":
        write(out, [("word/media/x%05d.txt" % i, "") for i in range(10001)] + base(teams()),
              zipfile.ZIP_STORED)
    elif kind == "badxml":
        write(out, base(teams()[:-40]))
    elif kind == "stored":
        write(out, base(teams()), zipfile.ZIP_STORED)
    elif kind == "dtd":
        write(out, base(document([para(run("&a;"))],
                                 '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">]>\n')))
    else:
        sys.exit("mkdocx.py: unknown kind '%s'" % kind)


main()
