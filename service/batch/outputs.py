"""results.csv, summary.json and report.html, rebuilt from results.jsonl after every run."""

from __future__ import annotations

import csv
import html
import json
from collections import Counter
from pathlib import Path

from ..profile import load_profile
from ..words import plural, say
from .store import RESULTS, THUMBS, latest_records, read_records

MAX_CARDS = 5000  # report.html stays usable in a browser; every photo is in results.csv
GROUPS = ("reject", "review", "accept", "error", "duplicate")  # the report's sections, in this order


def _group_title(group: str, lang: str) -> str:
    if group in ("error", "duplicate"):
        return say("batch_report", "unreadable" if group == "error" else "duplicates", lang)
    return say("verdicts", group, lang)


def group_of(record: dict) -> str:
    if "duplicate_of" in record:
        return "duplicate"
    report = record.get("report")
    if record.get("error") or report is None or report.get("error"):
        return "error"
    return report["verdict"]


def error_of(record: dict) -> dict | None:
    return record.get("error") or (record.get("report") or {}).get("error")


def fixed_outcome(record: dict) -> tuple[dict | None, list[str]]:
    """With --fix: the fixed photo's report (only written ones exist), or the rules that kept
    auto-fix from writing one."""
    info = record.get("fix")
    if not info:
        return None, []
    if info.get("written"):
        return record.get("fixed_report"), []
    return None, [r["id"] for r in info.get("reasons", [])]


def write_outputs(out_dir: Path, run: dict, lang: str = "pl", profile: str | None = None) -> dict:
    """Rebuilds the three outputs from results.jsonl; report.html speaks `lang`."""
    by_group: Counter = Counter()
    failed_by_rule: Counter = Counter()
    warned_by_rule: Counter = Counter()
    errors: Counter = Counter()
    fixed_by_verdict: Counter = Counter()
    not_fixed_by_rule: Counter = Counter()
    # UTF-8 with a BOM and ";" between fields: what Polish Excel opens correctly by a double click
    with open(out_dir / "results.csv", "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(
            ["path", "verdict", "score", "failed", "warned", "error", "duplicate_of", "fixed", "fixed_verdict",
             "fixed_score", "not_fixed_because"]
        )
        for record in latest_records(out_dir / RESULTS):
            group = group_of(record)
            by_group[group] += 1
            report = record.get("report") or {}
            failed = [c["id"] for c in report.get("checks", []) if c["status"] == "fail"]
            warned = [c["id"] for c in report.get("checks", []) if c["status"] == "warn"]
            failed_by_rule.update(failed)
            warned_by_rule.update(warned)
            error = error_of(record)
            if error:
                errors[error["code"]] += 1
            fixed, not_fixed = fixed_outcome(record)
            if fixed:
                fixed_by_verdict[fixed["verdict"]] += 1
            not_fixed_by_rule.update(not_fixed)
            writer.writerow(
                [
                    record["path"],
                    report.get("verdict") or group,
                    report.get("score", ""),
                    ";".join(failed),
                    ";".join(warned),
                    error["code"] if error else "",
                    record.get("duplicate_of", ""),
                    record.get("fixed_path") or "",
                    fixed["verdict"] if fixed else "",
                    fixed["score"] if fixed else "",
                    ";".join(not_fixed),
                ]
            )
    summary = {
        "photos": sum(by_group.values()),
        "by_verdict": {g: by_group.get(g, 0) for g in GROUPS},
        "failed_by_rule": dict(failed_by_rule.most_common()),
        "warned_by_rule": dict(warned_by_rule.most_common()),
        "errors_by_code": dict(errors.most_common()),
        "fixed": {
            "written_by_verdict": {v: fixed_by_verdict.get(v, 0) for v in ("accept", "review")},
            "not_fixed_by_rule": dict(not_fixed_by_rule.most_common()),
        },
        "last_run": run,
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    write_html(out_dir, summary, lang, profile)
    return summary


def write_html(out_dir: Path, summary: dict, lang: str = "pl", profile: str | None = None) -> None:
    thumbs = {t["sha256"]: t["jpeg"] for t in read_records(out_dir / THUMBS)}
    titles = _rule_titles(profile, lang)
    cards: dict[str, list[str]] = {g: [] for g in GROUPS}
    shown = 0
    for record in latest_records(out_dir / RESULTS):
        group = group_of(record)
        if shown >= MAX_CARDS:
            continue
        cards[group].append(_card(record, thumbs.get(record.get("sha256")), lang, titles))
        shown += 1
    rules = sorted(set(summary["failed_by_rule"]) | set(summary["warned_by_rule"]), key=lambda r: titles.get(r, r))
    sections = "\n".join(
        f'<section id="{g}"><h2>{html.escape(_group_title(g, lang))} <span class="count">({summary["by_verdict"][g]})</span></h2>'
        f'<div class="cards">{"".join(cards[g])}</div></section>'
        for g in GROUPS
        if cards[g]
    )
    options = "".join(f'<option value="{html.escape(r)}">{html.escape(titles.get(r, r))}</option>' for r in rules)
    more = (
        f'<p class="note">{html.escape(say("batch_report", "shown_first", lang, shown=MAX_CARDS, photos=plural(summary["photos"], "photo", lang)))}</p>'
        if summary["photos"] > MAX_CARDS
        else ""
    )
    counts = " · ".join(say("batch_report", "group_count", lang, group=_group_title(g, lang), count=summary["by_verdict"][g]) for g in GROUPS)
    page = _PAGE.format(
        lang=lang, title=html.escape(say("batch_report", "title", lang)), counts=html.escape(counts, quote=False),
        filter=html.escape(say("batch_report", "filter", lang)), all=html.escape(say("batch_report", "filter_all", lang)),
        options=options, sections=sections, more=more,
    )
    (out_dir / "report.html").write_text(page, encoding="utf-8")


def _rule_titles(profile: str | None, lang: str) -> dict[str, str]:
    """Rule id -> its title in `lang`: people read titles, never ids."""
    messages = load_profile(profile) if profile else load_profile()
    return {rule.id: messages.messages[rule.id]["title"][lang] for rule in messages.rules}


def _card(record: dict, thumb: str | None, lang: str, titles: dict[str, str]) -> str:
    report = record.get("report") or {}
    checks = [c for c in report.get("checks", []) if c["status"] not in ("pass", "info")]
    checks.sort(key=lambda c: c["status"] != "fail")
    flagged = " ".join(c["id"] for c in checks)
    hints = "".join(
        f'<li class="{c["status"]}"><b>{html.escape(c["title"])}</b>: {html.escape(c["message"])}</li>' for c in checks
    )
    error = error_of(record)
    if error:
        hints = f'<li class="fail">{html.escape(error["message"])}</li>'
    if "duplicate_of" in record:
        hints = f'<li>{html.escape(say("batch_report", "duplicate_of", lang, path=record["duplicate_of"]))}</li>'
    fixed, not_fixed = fixed_outcome(record)
    if fixed:
        text = say("batch_report", "fixed", lang, verdict=say("verdicts", fixed["verdict"], lang), score=fixed["score"], path=record["fixed_path"])
        hints += f'<li class="fixed">{html.escape(text)}</li>'
    elif not_fixed:
        text = say("batch_report", "not_fixed", lang, rules=", ".join(titles.get(r, r) for r in not_fixed))
        hints += f'<li class="fail">{html.escape(text)}</li>'
    image = f'<img src="data:image/jpeg;base64,{thumb}" alt="" loading="lazy">' if thumb else '<div class="noimg">?</div>'
    score = f'<span class="score">{report["score"]}</span>' if report.get("score") is not None else ""
    return (
        f'<article class="card" data-rules="{html.escape(flagged)}">{image}<div>'
        f'<p class="path">{html.escape(record["path"])} {score}</p><ul>{hints}</ul></div></article>'
    )


_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font:15px/1.4 system-ui,sans-serif;margin:0;padding:1rem 1.5rem;color:#1a1a1a;background:#fafafa}}
h1{{font-size:1.4rem}} h2{{font-size:1.15rem;margin-top:1.5rem}} .count{{color:#555;font-weight:normal}}
.cards{{display:grid;grid-template-columns:repeat(auto-fill,minmax(22rem,1fr));gap:.6rem}}
.card{{display:flex;gap:.7rem;background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5rem}}
.card img,.noimg{{width:75px;height:96px;object-fit:cover;flex:none;background:#eee;text-align:center;line-height:96px}}
.path{{margin:0;font-weight:600;word-break:break-all}} .score{{float:right;font-weight:normal;color:#333}}
ul{{margin:.3rem 0 0;padding-left:1.1rem}} li.fail{{color:#a40000}} li.warn{{color:#7a5200}}
label{{font-weight:600}} select{{font:inherit;padding:.2rem}} .hidden{{display:none}} .note{{color:#555}}
</style></head><body>
<h1>{title}</h1>
<p>{counts}</p>{more}
<p><label for="rule">{filter}</label>
<select id="rule"><option value="">{all}</option>{options}</select></p>
{sections}
<script>
document.getElementById('rule').addEventListener('change', function (e) {{
  var rule = e.target.value;
  document.querySelectorAll('.card').forEach(function (card) {{
    var rules = card.getAttribute('data-rules').split(' ');
    card.classList.toggle('hidden', rule !== '' && rules.indexOf(rule) < 0);
  }});
}});
</script>
</body></html>
"""
