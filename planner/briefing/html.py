"""A briefing as one self-contained HTML file: the same document the PDF is made from.

Every text is HTML-escaped; maps are the same SVG files, embedded as ``data:`` images (no
script can run from them, and nothing is loaded from anywhere). Each section prints on its
own pages with the marking above and below it.
"""
from __future__ import annotations

import base64
from html import escape

from planner.domain.holdings import LineStyle

STYLE = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 10pt; margin: 0 auto;
       max-width: 190mm; color: #111; }
.page { padding: 4mm 0 8mm; break-after: page; }
.marking { text-align: center; font-weight: bold; font-size: 8pt; }
.running { display: flex; justify-content: space-between; font-size: 8pt;
           border-bottom: 0.4pt solid #000; margin-bottom: 4mm; }
.foot { border-top: 0.4pt solid #000; margin-top: 6mm; font-size: 8pt; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 2mm 0 4mm; }
th { background: #d9d9d9; text-align: left; }
th, td { padding: 1.5pt 3pt; border-bottom: 0.3pt solid #b4b4b4; vertical-align: top; }
td.r { text-align: right; } td.c { text-align: center; }
tr.hard td { background: #fde0dd; } tr.soft td { background: #fff4d6; }
tr.total td { background: #e8e8e8; }
p.hard { color: #b2182b; } p.soft { color: #8c510a; } p.ok { color: #1b7837; }
.disclaimer { border: 0.5pt solid #999; background: #f5f5f5; padding: 3mm; }
.legend { display: grid; grid-template-columns: repeat(3, 1fr); gap: 2pt 8pt; font-size: 8pt; }
.swatch { display: inline-block; width: 9pt; height: 6.5pt; margin-right: 4pt;
          border: 0.4pt solid #3c3c3c; vertical-align: middle; }
.map img { width: 100%; height: auto; }
.caption { font-size: 7pt; color: #3c3c3c; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3pt 10pt; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
"""


def _text(value) -> str:
    return escape(str(value), quote=True)


def _swatch(e: dict) -> str:
    colour = _text(e["colour"])
    styles = {"fill": f"background:{colour}", "outline": f"border:1.5pt solid {colour}",
              "hatch": f"background:repeating-linear-gradient(45deg,{colour} 0 1pt,"
                       "#fff 1pt 3pt)",
              "handover": "background:repeating-linear-gradient(-45deg,"
                          f"{_text(e.get('ink', '#000000'))} 0 0.8pt,{colour} 0.8pt 3pt)",
              "line": f"border:none;border-top:1.5pt solid {colour};height:0",
              "dash": f"border:none;border-top:1.5pt dashed {colour};height:0",
              "point": f"background:{colour};border-radius:50%;width:6pt;height:6pt"}
    if e["swatch"] == "dash" and e.get("dash"):  # a named line: its own dash pattern
        styles["dash"] = LineStyle(e["colour"], tuple(e["dash"])).swatch_css(1.5, "pt") + \
            ";width:14pt"
    return f'<span class="swatch" style="{styles.get(e["swatch"], "")}"></span>'


def _table(b: dict) -> str:
    cls = {"r": ' class="r"', "c": ' class="c"', "l": ""}
    head = "".join(f"<th>{_text(c)}</th>" for c in b["columns"])
    rows = []
    for row, tone in zip(b["rows"], b["tones"]):
        cells = "".join(f"<td{cls[a]}>{_text(c)}</td>" for c, a in zip(row, b["align"]))
        rows.append(f'<tr class="{_text(tone)}">{cells}</tr>' if tone else f"<tr>{cells}</tr>")
    caption = f"<caption>{_text(b['caption'])}</caption>" if b.get("caption") else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _facts(rows) -> str:
    return '<dl class="facts">' + "".join(f"<dt>{_text(k)}</dt><dd>{_text(v)}</dd>"
                                          for k, v in rows) + "</dl>"


def _image(b: dict, images: dict[str, bytes]) -> str:
    data = base64.b64encode(images[b["image"]]).decode("ascii")
    caption = f'<p class="caption">{_text(b["caption"])}</p>' if b.get("caption") else ""
    return (f'<div class="chart"><img alt="{_text(b.get("caption") or b["image"])}" '
            f'style="width:{float(b["width-in"]):g}in;max-width:100%" '
            f'src="data:image/svg+xml;base64,{data}"></div>{caption}')


def _block(b: dict, images: dict[str, bytes]) -> str:
    kind = b["type"]
    if kind == "para":
        tone = f' class="{_text(b["tone"])}"' if b.get("tone") else ""
        return f"<p{tone}>{_text(b['text'])}</p>"
    if kind == "heading":
        return f"<h3>{_text(b['text'])}</h3>"
    if kind == "list":
        return "<ul>" + "".join(f"<li>{_text(i)}</li>" for i in b["items"]) + "</ul>"
    if kind == "facts":
        return _facts(b["rows"])
    if kind == "table":
        return _table(b)
    if kind == "image":
        return _image(b, images)
    raise ValueError(f"unknown block type {kind!r}")


def _map(s: dict, images: dict[str, bytes]) -> str:
    data = base64.b64encode(images[s["image"]]).decode("ascii")
    legend = "".join(f"<div>{_swatch(e)}{_text(e['label'])}</div>" for e in s["legend"])
    notes = "".join(f"<p>{_text(f)}</p>" for f in s["facts"])
    return (f'<div class="map"><img alt="{_text(s["title"])}" '
            f'src="data:image/svg+xml;base64,{data}"></div><div class="legend">{legend}</div>'
            f'{notes}<p class="caption">{_text(s["caption"])}</p>')


def _page(doc: dict, title: str, body: str, anchor: str = "cover") -> str:
    marking = f'<div class="marking">{_text(doc["marking"])}</div>' if doc["marking"] else ""
    return (f'<section class="page" id="{anchor}">{marking}<div class="running"><span>'
            f'{_text(doc["scenario"])}</span><span>{_text(title)}</span></div>{body}'
            f'<div class="foot">{_text(doc["plan-label"])}</div>{marking}</section>')


def _cover(doc: dict) -> str:
    c = doc["cover"]
    contents = "".join(f'<li><a href="#s{i}">{_text(s["title"])}</a></li>'
                       for i, s in enumerate(doc["sections"], start=1))
    others = "".join(f"<p>{_text(line)}</p>" for line in c["others"])
    body = (f"<p>{_text(c['kicker'].upper())}</p><h1>{_text(c['title'])}</h1>"
            f"<h2>{_text(c['scenario'])}</h2><p>{_text(c['description'])}</p>"
            f"{_facts(c['facts'])}<p class=\"{_text(c['verdict-tone'])}\"><strong>"
            f"{_text(c['verdict'])}</strong></p>{others}<div class=\"disclaimer\"><strong>"
            f"Disclaimer.</strong> {_text(c['disclaimer'])}</div><h3>Contents</h3>"
            f"<ol>{contents}</ol>")
    return _page(doc, "", body)


def briefing_document_html(doc: dict, images: dict[str, bytes]) -> str:
    """The whole briefing as an HTML document (text)."""
    pages = [_cover(doc)] if doc.get("cover") else []
    for i, s in enumerate(doc["sections"], start=1):
        inner = (_map(s, images) if s["kind"] == "map"
                 else "".join(_block(b, images) for b in s["blocks"]))
        pages.append(_page(doc, s["title"], f"<h2>{_text(s['title'])}</h2>{inner}", f"s{i}"))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{_text(doc['title'])}</title><style>{STYLE}</style></head><body>"
            + "".join(pages) + "</body></html>\n")
