"""``matchsim compare --html`` and ``--png``: the comparison as a page to look at, print or send.

:func:`advice_html` turns an :class:`~matchsim.advisor.advice.Advice` into one
self-contained HTML file: inline CSS and SVG only, no script, no font, no
image and no address outside the file, so it opens from a USB stick or an
e-mail attachment, on a phone or printed. Every figure on the page is read
from the document of :func:`matchsim.advisor.export.advice_to_json` (the same
one ``--json`` prints), never recomputed; the document is embedded in the
page (``<script type="application/json" id="matchsim-advice">``) and every
number shown carries its place in it (``data-key``, a JSON pointer) and its
value (``data-value``), which is how the tests check the page against
``--json``.

:func:`write_advice_png` draws the main chart (where each list matches you) with
matplotlib, imported only then.

Examples
--------
>>> from matchsim.advisor.advice import advise
>>> from matchsim.io.rank_file import parse_rank_text
>>> a = advise(parse_rank_text("program,preference,chance,honest,swap\\nA,1,50%,1,2\\nB,2,50%,2,1\\n"),
...            samples=0, correlation=0.0)
>>> page = advice_html(a)
>>> page.startswith("<!DOCTYPE html>") and 'data-key="/lists/1/worse"' in page and "http" not in page
True
"""

from __future__ import annotations

import html

from matchsim.io.escape import json_for_script

__all__ = ["advice_html", "write_advice_html", "write_advice_png", "couple_html", "write_couple_html", "bar_segments",
           "pointer", "COLORS"]

#: Colours of the chart (colour-blind safe: a blue ramp for your programs, orange and purple apart).
COLORS = {
    "best": (8, 48, 107),        # your first choice: darkest blue
    "last": (158, 202, 225),     # your last acceptable program: lightest blue
    "without pgy1": "#d95f02",   # an advanced program with no PGY-1 year
    "pgy1 only": "#7570b3",      # a PGY-1 year only
    "unacceptable": "#a6761d",   # a program you would rather not match at
    "unmatched": "#bdbdbd",
    "worse": "#d95f02",
    "same": "#9ecae1",
    "better": "#1b9e77",
}


def pointer(*parts) -> str:
    """A JSON pointer (RFC 6901) to a value of the ``--json`` document.

    Examples
    --------
    >>> pointer("lists", 0, "p_program", "A/B ~ C")
    '/lists/0/p_program/A~1B ~0 C'
    """
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _pct(x) -> str:
    from matchsim.advisor.findings import pct

    return pct(x)


def _num(value, *key, text=None) -> str:
    """A number as shown, with its place in the JSON document."""
    shown = _pct(value) if text is None else text
    return (f'<span class="n" data-key="{html.escape(pointer(*key))}" data-value="{float(value)!r}">'
            f"{html.escape(shown)}</span>")


def _ramp(i, k):
    lo, hi = COLORS["best"], COLORS["last"]
    t = 0.0 if k <= 1 else i / (k - 1)
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(lo, hi))


def bar_segments(doc, row) -> list:
    """The segments of one list's "where you match" bar: ``(label, JSON key, value, colour)``.

    Your acceptable programs in your true order (darkest = most wanted; for an
    advanced program, the share with its PGY-1 year), then "advanced, no PGY-1
    year", "PGY-1 year only", programs you would rather not match at, and
    "unmatched". ``row`` is ``("lists", i)`` or ``("true_order",)``. Only
    segments with a chance above 0 are returned.
    """
    o = doc
    for part in row:
        o = o[part]
    programs = doc["programs"]
    tracks = "p_complete_path" in o
    primary = [p for p in programs if p["track"] not in ("preliminary", "transitional")]
    order = sorted((p for p in primary if p["preference"]), key=lambda p: p["preference"])
    segs = []
    for i, p in enumerate(order):
        name = p["name"]
        if tracks and name in o["p_program_with_pgy1"]:
            segs.append((f"{name} (with a PGY-1 year)", (*row, "p_program_with_pgy1", name),
                         o["p_program_with_pgy1"][name], _ramp(i, len(order))))
        elif tracks and p["track"] == "advanced":
            continue  # not on this list
        else:
            segs.append((name, (*row, "p_program", name), o["p_program"][name], _ramp(i, len(order))))
    if tracks:
        segs.append(("advanced, no PGY-1 year", (*row, "p_advanced_without_pgy1"),
                     o["p_advanced_without_pgy1"], COLORS["without pgy1"]))
        segs.append(("a PGY-1 year only", (*row, "p_pgy1_only"), o["p_pgy1_only"], COLORS["pgy1 only"]))
    bad = [p["name"] for p in primary if not p["preference"]]
    for name in bad:
        segs.append((f"{name} (would rather not)", (*row, "p_program", name), o["p_program"][name],
                     COLORS["unacceptable"]))
    segs.append(("unmatched", (*row, "p_unmatched"), o["p_unmatched"], COLORS["unmatched"]))
    return [s for s in segs if s[2] > 0]


def _svg_bar(parts, label) -> str:
    """A horizontal stacked bar as inline SVG (widths in % of the bar)."""
    x = 0.0
    rects = []
    for name, value, color in parts:
        w = 100.0 * value
        rects.append(f'<rect x="{x:.4f}" y="0" width="{w:.4f}" height="10" fill="{color}">'
                     f"<title>{html.escape(name)}: {_pct(value)}</title></rect>")
        x += w
    return (f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
            f'aria-label="{html.escape(label)}">' + "".join(rects) + "</svg>")


def _legend(segs) -> str:
    items = []
    for name, key, value, color in segs:
        shown = _num(value, *key)
        items.append(f'<li><span class="sw" style="background:{color}"></span>'
                     f'<span class="lab">{html.escape(name)}</span> {shown}</li>')
    return '<ul class="legend">' + "".join(items) + "</ul>"


def _card(doc, row, title, note="") -> str:
    o = doc
    for part in row:
        o = o[part]
    segs = bar_segments(doc, row)
    where = _svg_bar([(s[0], s[2], s[3]) for s in segs], f"Where {title} matches you")
    head = [f'<h3>{html.escape(title)}{note}</h3>',
            '<p class="big">Matched: ' + _num(o["p_match"], *row, "p_match")]
    if "p_complete_path" in o:
        head.append(" &middot; complete training path: " + _num(o["p_complete_path"], *row, "p_complete_path"))
    head.append("</p>")
    body = "".join(head) + '<p class="cap">Where you match</p>' + where + _legend(segs)
    if row[0] == "lists":
        vs = [("worse", o["worse"]), ("same", o["same"]), ("better", o["better"])]
        body += ('<p class="cap">Compared with your true order on the same Match</p>'
                 + _svg_bar([(k, v, COLORS[k]) for k, v in vs], f"{title} against your true order")
                 + '<ul class="legend">' + "".join(
                     f'<li><span class="sw" style="background:{COLORS[k]}"></span><span class="lab">{k}</span> '
                     f"{_num(v, *row, k)}</li>" for k, v in vs) + "</ul>")
    if "p_pgy1_program" in o and any(v > 0 for v in o["p_pgy1_program"].values()):
        cells = "".join(f"<tr><td>{html.escape(name)}</td><td class=\"r\">{_num(v, *row, 'p_pgy1_program', name)}"
                        "</td></tr>" for name, v in o["p_pgy1_program"].items() if v > 0)
        body += ('<details><summary>Your PGY-1 year with an advanced match</summary><table>'
                 f"<tr><th>PGY-1 program</th><th class=\"r\">chance</th></tr>{cells}</table></details>")
    return f'<section class="card">{body}</section>'


_CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:56rem;padding:1rem;font:18px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif;color:#111;background:#fff;overflow-wrap:anywhere}
h1{font-size:1.7rem;line-height:1.2;margin:.5rem 0}
h2{font-size:1.35rem;margin:1.6rem 0 .6rem;border-bottom:2px solid #ddd}
h3{font-size:1.2rem;margin:0 0 .3rem}
.big{font-size:1.15rem;margin:.2rem 0 .6rem}
.cap{margin:.6rem 0 .2rem;font-weight:600}
.card{border:1px solid #ccc;border-radius:.6rem;padding:.8rem 1rem;margin:1rem 0;break-inside:avoid}
.ok{background:#e5f5e0;color:#00441b;padding:0 .4rem;border-radius:.3rem;font-size:.9rem}
svg.bar{display:block;width:100%;height:2.2rem;border-radius:.3rem;background:#f4f4f4}
ul.legend{list-style:none;padding:0;margin:.4rem 0;display:flex;flex-wrap:wrap;gap:.2rem 1.2rem}
ul.legend li{display:flex;align-items:center;gap:.4rem;min-width:0}
.sw{display:inline-block;width:1rem;height:1rem;border-radius:.2rem;flex:none;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
.lab{min-width:0}
.n{font-weight:650;font-variant-numeric:tabular-nums;white-space:nowrap}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #e3e3e3;vertical-align:top}
.r{text-align:right}
.scroll{overflow-x:auto}
ul.say li{margin:.35rem 0}
.meta{color:#444;font-size:.95rem}
.glance{margin:.4rem 0 .9rem}.glance p{margin:.1rem 0}
details{margin:.5rem 0}
summary{cursor:pointer;font-weight:600}
@media (max-width:30rem){body{font-size:17px;padding:.6rem}h1{font-size:1.45rem}.card{padding:.6rem}}
@media print{body{max-width:none;font-size:12pt;padding:0}.card{border-color:#999}
details{display:block}details>summary{list-style:none}h2{break-after:avoid}
svg.bar rect{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def _overview(doc) -> str:
    """Every list's bar one below the other, with its chance of matching and of doing worse."""
    rows = [(("lists", i), f'"{o["name"]}"') for i, o in enumerate(doc["lists"])]
    if doc["true_order_list"] is None:
        rows.append((("true_order",), "your complete true order"))
    out = []
    for row, title in rows:
        o = doc
        for part in row:
            o = o[part]
        segs = bar_segments(doc, row)
        worse = (" &middot; worse than your true order: " + _num(o["worse"], *row, "worse")
                 if row[0] == "lists" else "")
        out.append(f'<div class="glance"><p><b>{html.escape(title)}</b>: matched '
                   f'{_num(o["p_match"], *row, "p_match")}{worse}</p>'
                   + _svg_bar([(s[0], s[2], s[3]) for s in segs], f"Where {title} matches you") + "</div>")
    return ("<h2>At a glance</h2><p>Each bar is every possible Match: darker blue is a program you want "
            "more" + (", orange an advanced program with no PGY-1 year" if "p_complete_path" in doc["lists"][0]
                      else "") + ", grey no match.</p>" + "".join(out))


def _sensitivity(doc) -> str:
    rows = doc.get("sensitivity")
    if not rows:
        return ""
    names = [x["name"] for x in doc["lists"]]
    head = "".join(f'<th class="r">x{r["scale"]:g}</th>' for r in rows)
    body = []
    for i, name in enumerate(names):
        cells = "".join(
            f'<td class="r">{_num(r["lists"][i]["p_match"], "sensitivity", k, "lists", i, "p_match")}'
            f'<br><small>worse {_num(r["lists"][i]["worse"], "sensitivity", k, "lists", i, "worse")}'
            f', better {_num(r["lists"][i]["better"], "sensitivity", k, "lists", i, "better")}</small></td>'
            for k, r in enumerate(rows))
        body.append(f"<tr><td>{html.escape(name)}</td>{cells}</tr>")
    return ("<h2>If every chance were scaled</h2><p>Your chances are guesses. Here every chance is "
            "multiplied by each factor (a chance above 100% counts as 100%): the chance of matching "
            "moves, the advice does not.</p>"
            f'<div class="scroll"><table><tr><th>list: matched</th>{head}</tr>{"".join(body)}</table></div>')


def advice_html(advice) -> str:
    """The report page (a string holding one complete HTML document)."""
    from matchsim.advisor.export import advice_to_json

    doc = advice_to_json(advice)
    esc = html.escape
    n_l = len(doc["lists"])
    method = {"exact": "the menu model, computed exactly", "sample": "the menu model, from sampled Matches",
              "market": "simulated markets run with the Match algorithm"}[doc["method"]]
    cards = []
    for i, o in enumerate(doc["lists"]):
        note = ' <span class="ok">your true order</span>' if o["is_true_order"] else ""
        cards.append(_card(doc, ("lists", i), f'"{o["name"]}"', note))
    if doc["true_order_list"] is None:
        cards.append(_card(doc, ("true_order",), "Your complete true order (for reference)"))
    lead = next((x for x in doc["findings"] if x["kind"] in ("true order", "no true order")), None)

    def items(values, cls="say"):
        return f'<ul class="{cls}">' + "".join(f"<li>{esc(v)}</li>" for v in values) + "</ul>"

    checks = [("ok: " if c["ok"] else "! ") + c["message"] for c in doc["checks"]]
    data = json_for_script(doc)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Which rank list? {esc(doc['file'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Which of your rank lists is best?</h1>",
        f'<p class="meta">{esc(doc["file"])}: {n_l} candidate {"list" if n_l == 1 else "lists"}, '
        f'{len(doc["programs"])} programs. Figures from {method}.</p>',
        f"<p class=\"big\">{esc(lead['text'])}</p>" if lead else "",
        _overview(doc),
        "<h2>Each list</h2>",
        *cards,
        _sensitivity(doc),
        "<h2>What this means</h2>", items(x["text"] for x in doc["findings"]),
        "<h2>List checks</h2>", items(checks) if checks else "<p>Nothing to flag.</p>",
        "<h2>Assumptions and method</h2>", items(doc["assumptions"] + _method_notes(doc)),
        '<p class="meta">Made by matchsim compare. Ranking programs in your true order is always your best '
        "list when you apply alone; a program's message cannot change the algorithm.</p>",
        f'<script type="application/json" id="matchsim-advice">{data}</script>',
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def _method_notes(doc) -> list:
    out = []
    if doc["method"] != "market":
        out.append(f"Menu model: each program takes you with the chance shown; programs' decisions are "
                   f"correlated (correlation {doc['correlation']:g}).")
    cc = doc.get("cross_check")
    if cc:
        out.append(f"Checked against {cc['samples']:,} sampled Matches (seed {doc['seed']}): largest "
                   f"difference {100 * cc['max_abs_difference']:.2f} percentage points.")
    mk = doc.get("market")
    if mk:
        out.append(f"{mk['markets']:,} simulated markets ({mk['generator']} generator), the full Match "
                   "algorithm run once per list against the same market.")
        if mk.get("menu_violations") is not None:
            ok = mk["verified_markets"] - mk["menu_violations"]
            out.append(f"Menu check: in {ok:,} of {mk['verified_markets']:,} checked markets every list got "
                       "exactly what the model predicts from your menus found with the algorithm.")
    return out


def write_advice_html(advice, path) -> None:
    """Write :func:`advice_html` to ``path`` (UTF-8)."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(advice_html(advice))


def write_advice_png(advice, path) -> None:
    """Write the "where each list matches you" chart to ``path`` as a PNG image (matplotlib)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from matchsim.advisor.export import advice_to_json

    doc = advice_to_json(advice)
    rows = [("lists", i) for i in range(len(doc["lists"]))]
    labels = [o["name"] for o in doc["lists"]]
    if doc["true_order_list"] is None:
        rows.append(("true_order",))
        labels.append("your true order")
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.7 * len(rows)), dpi=120)
    seen = {}
    for y, row in enumerate(rows):
        left = 0.0
        for name, _, value, color in bar_segments(doc, row):
            key = "unmatched" if name == "unmatched" else name
            ax.barh(y, value, left=left, color=color, edgecolor="white", linewidth=0.5,
                    label=None if key in seen else key)
            seen[key] = True
            left += value
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("share of possible Matches" if doc["method"] != "market" else "share of simulated Matches")
    ax.set_title("Where each list matches you (darker = a program you want more)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(rows) < 4 else -0.2), ncol=3,
              fontsize=7, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.savefig(path, format="png", bbox_inches="tight")
    plt.close(fig)


def _page(title, body, data) -> str:
    payload = json_for_script(data)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        body,
        f'<script type="application/json" id="matchsim-advice">{payload}</script>',
        "</body></html>",
    ])


def _couple_card(doc, i) -> str:
    o = doc["joint_lists"][i]
    true = next(x for x in doc["joint_lists"] if x["name"] == doc["true_joint_order"])
    order = {(p["me"], p["partner"]): k for k, p in enumerate(true["pairs"])}
    segs = []
    for k, p in enumerate(o["pairs"]):
        if p["p"] <= 0:
            continue
        pos = order.get((p["me"], p["partner"]))
        color = COLORS["unacceptable"] if pos is None else _ramp(pos, len(true["pairs"]))
        label = f"{p['me'] or 'No Match'} + {p['partner'] or 'No Match'}"
        segs.append((label, ("joint_lists", i, "pairs", k, "p"), p["p"], color))
    if o["p_unmatched"] > 0:
        segs.append(("neither matched", ("joint_lists", i, "p_unmatched"), o["p_unmatched"], COLORS["unmatched"]))
    row = ("joint_lists", i)
    note = ' <span class="ok">your true joint order</span>' if o["is_true_order"] else ""
    body = [f'<h3>"{html.escape(o["name"])}"{note}</h3>',
            '<p class="big">You matched ' + _num(o["p_me"], *row, "p_me") + " &middot; your partner "
            + _num(o["p_partner"], *row, "p_partner") + " &middot; both " + _num(o["p_both"], *row, "p_both")
            + " &middot; a No Match pair " + _num(o["p_no_match_pair"], *row, "p_no_match_pair") + "</p>",
            '<p class="cap">Where you match, as a couple</p>',
            _svg_bar([(s[0], s[2], s[3]) for s in segs], f"Where {o['name']} matches you"), _legend(segs)]
    if not o["is_true_order"]:
        vs = [("worse", o["worse"]), ("same", o["same"]), ("better", o["better"])]
        body += ['<p class="cap">Compared with your true joint order on the same Match (menu model)</p>',
                 _svg_bar([(k, v, COLORS[k]) for k, v in vs], f"{o['name']} against your true joint order"),
                 '<ul class="legend">' + "".join(
                     f'<li><span class="sw" style="background:{COLORS[k]}"></span><span class="lab">{k}</span> '
                     f"{_num(v, *row, k)}</li>" for k, v in vs) + "</ul>"]
    return '<section class="card">' + "".join(body) + "</section>"


def _couple_market(doc) -> str:
    mk = doc.get("market")
    if not mk:
        return ""
    rows = []
    for i, x in enumerate(mk["lists"]):
        rows.append((f'"{x["name"]}"', ("market", "lists", i), ""))
    for i, x in enumerate(mk["families"]):
        rows.append((f"one {x['family']} (mean of {x['variants']})", ("market", "families", i), "mean_"))
        rows.append((f"best of the {x['variants']} {x['family']}s", ("market", "families", i), ""))
    body = "".join(
        f"<tr><td>{html.escape(label)}</td>" + "".join(
            f'<td class="r">{_num(_at(doc, key)[prefix + k], *key, prefix + k)}</td>'
            for k in ("worse", "same", "better")) + "</tr>" for label, key, prefix in rows)
    return (f"<h2>In {mk['markets']:,} simulated markets (the NRMP algorithm with couples)</h2>"
            "<p>Each joint list, and reorderings and truncations of your true joint order, against your true "
            "joint order in the same market.</p>"
            '<div class="scroll"><table><tr><th>joint list or variant</th><th class="r">worse</th>'
            f'<th class="r">same</th><th class="r">better</th></tr>{body}</table></div>')


def _at(doc, key):
    node = doc
    for part in key:
        node = node[part]
    return node


def couple_html(advice) -> str:
    """The report page of a couple's joint lists (``compare --couple ... --html``)."""
    from matchsim.advisor.couples import couple_to_json

    doc = couple_to_json(advice)
    esc = html.escape
    n = len(doc["joint_lists"])
    lead = next(x for x in doc["findings"] if x["kind"] == "couples")

    def items(values):
        return '<ul class="say">' + "".join(f"<li>{esc(v)}</li>" for v in values) + "</ul>"

    body = "".join([
        "<h1>Which of your joint lists is best?</h1>",
        f'<p class="meta">{esc(doc["file"])} and {esc(doc["partner_file"])}: {n} joint '
        f'{"list" if n == 1 else "lists"}. Figures from {doc["samples"]:,} sampled Matches.</p>',
        f'<p class="big">{esc(lead["text"])}</p>',
        "<h2>Each joint list</h2>",
        *[_couple_card(doc, i) for i in range(n)],
        _couple_market(doc),
        "<h2>What this means</h2>", items(x["text"] for x in doc["findings"] if x is not lead),
        "<h2>Assumptions and method</h2>", items(doc["assumptions"]),
    ])
    return _page(f"Which joint list? {doc['file']}", body, doc)


def write_couple_html(advice, path) -> None:
    """Write :func:`couple_html` to ``path`` (UTF-8)."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(couple_html(advice))
