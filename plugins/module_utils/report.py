# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report: readiness records in, JSON, CSV and one self-contained HTML page out (plain functions)."""

from __future__ import annotations

import csv
import html
import io
import json

FIELDS = (
    "host",
    "ready",
    "verdict",
    "days_left",
    "pec_status",
    "municipality",
    "ibge",
    "uf",
    "pec_version",
    "not_after",
    "cnpj",
    "reasons",
)


def record(host: str, readiness: dict | None) -> dict:
    """One report row; a host with no readiness (unreachable, audit failed) has ready = None."""
    if readiness is None:
        return dict(
            dict.fromkeys(FIELDS),
            host=host,
            reasons=["the host could not be audited (unreachable or the audit failed)"],
        )
    row = {field: readiness.get(field) for field in FIELDS}
    row["host"] = host
    row["reasons"] = list(readiness.get("reasons") or [])
    return row


def summary(rows: list) -> dict:
    def expiring(limit: int) -> int:
        return sum(1 for r in rows if r["days_left"] is not None and 0 <= r["days_left"] <= limit)

    return {
        "hosts": len(rows),
        "ready": sum(1 for r in rows if r["ready"] is True),
        "not_ready": sum(1 for r in rows if r["ready"] is False),
        "unknown": sum(1 for r in rows if r["ready"] is None),
        "expiring_30": expiring(30),
        "expiring_90": expiring(90),
    }


def to_json(rows: list, generated: str) -> str:
    return (
        json.dumps({"generated": generated, "summary": summary(rows), "hosts": rows}, indent=2, ensure_ascii=False)
        + "\n"
    )


def to_csv(rows: list) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow(["" if row[f] is None else " | ".join(row[f]) if f == "reasons" else row[f] for f in FIELDS])
    return out.getvalue()


_STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1b1b}
h1{font-size:1.4rem;margin:0 0 .3rem}.generated{color:#555;margin:0 0 1rem}
.cards{display:flex;gap:.8rem;flex-wrap:wrap;margin-bottom:1rem}
.card{border:1px solid #ccc;border-radius:8px;padding:.6rem 1rem;min-width:8rem}
.card b{display:block;font-size:1.6rem}.ready b{color:#1a7f37}.not_ready b{color:#c62828}.unknown b{color:#8a6d00}
input{padding:.4rem;width:22rem;margin-bottom:.6rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #e3e3e3;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f4f4f4;user-select:none}th.sorted::after{content:" \\25B4"}
tr.no td:first-child{border-left:4px solid #c62828}tr.yes td:first-child{border-left:4px solid #1a7f37}
tr.unknown td:first-child{border-left:4px solid #8a6d00}
"""

_SCRIPT = """
(function(){
  var table=document.getElementById('hosts'),body=table.tBodies[0],filter=document.getElementById('filter');
  function key(cell){var v=cell.getAttribute('data-sort');return v===null?cell.textContent.trim().toLowerCase():
    (isNaN(parseFloat(v))?v:parseFloat(v));}
  function sortBy(index){
    var rows=Array.prototype.slice.call(body.rows),asc=table.getAttribute('data-sort-col')!==String(index)||
      table.getAttribute('data-sort-dir')==='desc';
    rows.sort(function(a,b){var x=key(a.cells[index]),y=key(b.cells[index]);return (x<y?-1:x>y?1:0)*(asc?1:-1);});
    rows.forEach(function(r){body.appendChild(r);});
    Array.prototype.forEach.call(table.tHead.rows[0].cells,function(c,i){c.classList.toggle('sorted',i===index);});
    table.setAttribute('data-sort-col',index);table.setAttribute('data-sort-dir',asc?'asc':'desc');
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(c,i){c.addEventListener('click',function(){sortBy(i);});});
  filter.addEventListener('input',function(){var q=filter.value.toLowerCase(),shown=0;
    Array.prototype.forEach.call(body.rows,function(r){var hit=r.textContent.toLowerCase().indexOf(q)>=0;
      r.style.display=hit?'':'none';shown+=hit?1:0;});document.getElementById('shown').textContent=shown;});
  sortBy(5);
  document.body.setAttribute('data-ready','yes');
})();
"""


def _cell(value, sort=None, css: str = "") -> str:
    text = "" if value is None else str(value)
    attribute = ' class="%s"' % css if css else ""
    attribute += ' data-sort="%s"' % html.escape(str(sort)) if sort is not None else ""
    return "<td%s>%s</td>" % (attribute, html.escape(text))


def to_html(rows: list, generated: str) -> str:
    counts = summary(rows)
    cards = [
        ("ready", "Ready", counts["ready"]),
        ("not_ready", "Not ready", counts["not_ready"]),
        ("unknown", "Unknown", counts["unknown"]),
        ("expiring_30", "Expire in 30 days", counts["expiring_30"]),
        ("expiring_90", "Expire in 90 days", counts["expiring_90"]),
    ]
    body = []
    for row in rows:
        state = {True: "yes", False: "no", None: "unknown"}[row["ready"]]
        days = row["days_left"]
        body.append(
            '<tr class="%s">%s</tr>'
            % (
                state,
                "".join(
                    [
                        _cell(row["host"]),
                        _cell(row["municipality"]),
                        _cell(row["ibge"]),
                        _cell(row["uf"]),
                        _cell(state, sort={"no": 0, "unknown": 1, "yes": 2}[state]),
                        _cell(days, sort=days if days is not None else 99999, css="days"),
                        _cell(row["verdict"]),
                        _cell(row["pec_status"]),
                        _cell(" ".join(row["reasons"])),
                    ]
                ),
            )
        )
    headers = "".join(
        "<th>%s</th>" % h
        for h in ("Host", "Município", "IBGE", "UF", "Ready", "Days left", "Verdict", "PEC would show", "Reasons")
    )
    return """<!DOCTYPE html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>RNDS readiness</title><style>%s</style></head>
<body>
<h1>RNDS readiness of the PEC servers</h1>
<p class="generated">Generated %s by esus.pec</p>
<div class="cards">%s</div>
<input id="filter" type="search" placeholder="Filter by host, município, UF, verdict, reason">
<span><span id="shown">%d</span> of %d hosts shown</span>
<table id="hosts"><thead><tr>%s</tr></thead><tbody>
%s
</tbody></table>
<script>%s</script>
</body></html>
""" % (
        _STYLE,
        html.escape(generated),
        "".join(
            '<div class="card %s" id="count-%s"><b>%d</b>%s</div>' % (key, key, number, label)
            for key, label, number in cards
        ),
        len(rows),
        len(rows),
        headers,
        "\n".join(body),
        _SCRIPT,
    )
