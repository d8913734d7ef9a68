# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report at country size: building it in Python, and loading its page in headless Chromium.

One simulated fleet of N hosts (default 5,570, Brazil's municipalities; made by the real readiness checks, as
in tests/unit/plugins/plugin_utils/test_report.py), measured in one run against named baselines:

Python (median of --repeat runs, records + JSON + CSV + page):
- ``ours``: plugins/plugin_utils/report.py and the role's page template;
- ``json.dump of the same rows, same run``: the report's rows written with json.dump to a file, the least a
  report can cost (ours / it is the ratio printed);
- ``previous-builder``: report.py as it was before the history/merge/pt-BR page (git --baseline-ref), the
  same hosts; it wrote a plainer page and no groups, changes or timeline.

Chromium (median of --repeat loads, each in a fresh headless Chromium):
- ``ours``: the page as written, its script run (no filter): ``script-done`` is performance.now() when the
  script has finished (navigation start to rows indexed, HTML parsed), written by the page into
  body[data-ready-ms]; ``dump-dom`` and ``screenshot`` are the wall times of the whole Chromium process (start,
  parse, script, and for the screenshot layout and paint too);
- ``static-rows``: the same HTML with the script replaced by a one-line timing mark: the rows as plain static
  HTML, what the page costs before any behaviour;
- ``previous-page``: the page of the previous builder for the same hosts (its script sorted all rows on load);
- ``ours #q=``, ``#group=``, ``#sort=``: the page opened with a text filter, a problem filter or a sort in its
  address, applied synchronously on load: minus ``ours``, the cost of that one interaction on every row.

ansible-playbook (once, unless --no-playbook): the role's report task (roles/rnds_readiness/tasks/report.yml)
over an inventory of N hosts, each host's audit result set per host first (set_fact stores it where register
does): the task's wall time (profile_tasks) and the run's peak RSS, against the same run without the report
(rnds_readiness_write_report: false): the difference is what the report costs in Ansible.

Usage: .venv/bin/python benchmarks/bench_report.py [--hosts 5570] [--repeat 5] [--baseline-ref COMMIT]
       [--no-playbook] [--no-chromium]
Writes benchmarks/output/report.json. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.collection import collections_path  # noqa: E402

sys.path.insert(0, str(collections_path()))

from ansible_collections.esus.pec.plugins.plugin_utils import report  # noqa: E402
from tests.support.chromium import CHROMIUM, FLAGS  # noqa: E402
from tests.support.collection import ansible_env  # noqa: E402
from tests.unit.plugins.plugin_utils.test_report import fleet  # noqa: E402

BEFORE = "1e779a2a5b5a5b07bbdd467975e6363ff784c7d1"  # the last commit with the first report builder
GENERATED = "2026-11-25T06:00:00Z"
TEMPLATE = REPO / "roles" / "rnds_readiness" / "templates" / "readiness.html.j2"
TIMING_MARK = 'document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));'


def previous_builder(ref: str) -> types.ModuleType:
    source = subprocess.run(
        # where the report lived then (it is plugins/plugin_utils/report.py and its _report_*.py files now)
        ["git", "-C", str(REPO), "show", "%s:plugins/module_utils/report.py" % ref],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("previous_report")
    exec(compile(source, "previous_report.py", "exec"), module.__dict__)  # our own file, at a named commit
    return module


def build_ours(hosts: list, readiness: dict, template: str) -> tuple:
    rows = [report.record(host, readiness.get(host), GENERATED) for host in hosts]
    document = report.build(rows, GENERATED)
    return report.to_json(document), report.to_csv(document), report.to_html(document, template)


def dump_rows(hosts: list, readiness: dict, folder: Path) -> int:
    """The baseline: the same rows, written with json.dump (no history, no CSV, no page)."""
    rows = [report.record(host, readiness.get(host), GENERATED) for host in hosts]
    with open(folder / "rows.json", "w", encoding="utf-8") as handle:
        json.dump(rows, handle, ensure_ascii=False)
    return len(rows)


REPORT_PLAY = """- name: The fleet report alone, after each host's audit result is in place
  hosts: all
  gather_facts: false
  tasks:
    - name: Set each host's audit result where register puts it
      ansible.builtin.set_fact:
        __rnds_readiness_audit: "{{ bench_result }}"
      when: bench_result is defined
    - name: Write the report
      ansible.builtin.import_role:
        name: esus.pec.rnds_readiness
        tasks_from: report.yml
        rolespec_validate: false
"""
# The peak RSS of a command and all it starts (ansible-playbook and its workers), read by a small parent.
PEAK_RSS = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
    "print('peak-rss-kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def playbook_run(hosts: list, readiness: dict, work: Path, write_report: bool) -> dict:
    """One ansible-playbook run of the report task over ``hosts``: the task's seconds and the run's peak RSS."""
    inventory = {"all": {"hosts": {}}}
    for host in hosts:
        variables = {"ansible_connection": "local", "rnds_readiness_municipality": "M %s" % host}
        if host in readiness:
            variables["bench_result"] = {"changed": False, "rnds_readiness": readiness[host]}
        inventory["all"]["hosts"][host] = variables
    (work / "inventory.json").write_text(json.dumps(inventory))
    (work / "report.yml").write_text(REPORT_PLAY)
    env = dict(ansible_env(), ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", ANSIBLE_FORKS="10")
    playbook = Path(sys.executable).with_name("ansible-playbook")  # the venv's, whatever PATH says
    command = [sys.executable, "-c", PEAK_RSS, str(playbook)]
    command += ["-i", str(work / "inventory.json"), str(work / "report.yml")]
    command += [
        "-e",
        json.dumps({"rnds_readiness_write_report": write_report, "rnds_readiness_report_dir": str(work / "out")}),
    ]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=7200, check=False)
    if run.returncode != 0:  # say why: the run's own last lines
        raise SystemExit("the report play failed (exit %d):\n%s" % (run.returncode, (run.stdout + run.stderr)[-3000:]))
    found = run.stdout
    task = re.search(r"Write the fleet report on the controller.*? -+ ([\d.]+)s$", found, re.M)
    return {
        "report_task_s": float(task.group(1)) if task else None,
        "peak_rss_mb": int(re.search(r"peak-rss-kb (\d+)", found).group(1)) / 1024,
    }


def build_previous(module: types.ModuleType, hosts: list, readiness: dict) -> tuple:
    rows = sorted((module.record(host, readiness.get(host)) for host in hosts), key=lambda row: row["host"])
    return module.to_json(rows, GENERATED), module.to_csv(rows), module.to_html(rows, GENERATED)


def peak_mb(function) -> float:
    """The most memory ``function`` held at once (tracemalloc, one run of its own: not timed)."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def timed(function, repeat: int) -> tuple:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def static_rows(page: str) -> str:
    """Our page without its behaviour: no script but the timing mark, no policy (which would block the mark)."""
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", page)
    return re.sub(r"<script>.*?</script>", lambda _m: "<script>%s</script>" % TIMING_MARK, page, flags=re.S)


def previous_page(page: str) -> str:
    marked = page.replace(
        "document.body.setAttribute('data-ready','yes');",
        "document.body.setAttribute('data-ready','yes');" + TIMING_MARK,
    )
    assert marked != page, "the previous page's script changed: cannot add the timing mark"
    return marked


def load(chromium: str, page: Path, fragment: str, action: str, work: Path) -> tuple:
    """(process wall ms, the page's own script-done ms or None) of one load in a fresh Chromium profile."""
    profile = Path(tempfile.mkdtemp(dir=work, prefix="profile-"))
    if action == "dump-dom":
        extra = ["--dump-dom"]
    else:
        extra = ["--window-size=1400,1000", "--screenshot=%s" % (work / "shot.png")]
    command = [chromium, *FLAGS, "--user-data-dir=%s" % profile, *extra, page.as_uri() + fragment]
    start = time.perf_counter()
    output = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True).stdout
    wall = (time.perf_counter() - start) * 1000
    shutil.rmtree(profile, ignore_errors=True)
    found = re.search(r'data-ready-ms="(\d+)"', output)
    return wall, int(found.group(1)) if found else None


def median_load(chromium: str, page: Path, fragment: str, action: str, work: Path, repeat: int) -> dict:
    walls, marks = [], []
    for _ in range(repeat):
        wall, mark = load(chromium, page, fragment, action, work)
        walls.append(wall)
        if mark is not None:
            marks.append(mark)
    return {"wall_ms": statistics.median(walls), "script_done_ms": statistics.median(marks) if marks else None}


def ratio(a: float | None, b: float | None) -> str:
    return "%.2fx" % (a / b) if a and b else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=5570)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-ref", default=BEFORE)
    parser.add_argument("--no-playbook", action="store_true", help="skip the ansible-playbook run of the task")
    parser.add_argument("--no-chromium", action="store_true", help="skip the page loads in Chromium")
    options = parser.parse_args()
    chromium = None if options.no_chromium else CHROMIUM
    template = TEMPLATE.read_text(encoding="utf-8")
    hosts, readiness, _groups = fleet(options.hosts)
    previous = previous_builder(options.baseline_ref)

    ours_ms, (ours_json, ours_csv, ours_html) = timed(lambda: build_ours(hosts, readiness, template), options.repeat)
    previous_ms, (_json, _csv, previous_html) = timed(
        lambda: build_previous(previous, hosts, readiness), options.repeat
    )
    scratch = Path(tempfile.mkdtemp(prefix="esus-bench-report-rows-"))
    try:
        dump_ms, _count = timed(lambda: dump_rows(hosts, readiness, scratch), options.repeat)
        dump_peak = peak_mb(lambda: dump_rows(hosts, readiness, scratch))
        ours_peak = peak_mb(lambda: build_ours(hosts, readiness, template))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results = {
        "hosts": options.hosts,
        "repeat": options.repeat,
        "baseline_ref": options.baseline_ref,
        "python": {"ours_ms": ours_ms, "previous_builder_ms": previous_ms, "json_dump_same_rows_ms": dump_ms},
        "python_peak_mb": {"ours": ours_peak, "json_dump_same_rows": dump_peak},
        "sizes": {
            "ours_json": len(ours_json.encode()),
            "ours_csv": len(ours_csv.encode()),
            "ours_html": len(ours_html.encode()),
            "previous_html": len(previous_html.encode()),
        },
        "chromium": {},
    }
    print("%d hosts, median of %d" % (options.hosts, options.repeat))
    print(
        "python build (records, JSON, CSV, page): ours %.0f ms, previous-builder %.0f ms: %s"
        % (ours_ms, previous_ms, ratio(ours_ms, previous_ms))
    )
    print(
        "python build: ours %.0f ms, json.dump of the same rows, same run %.0f ms: %s"
        % (ours_ms, dump_ms, ratio(ours_ms, dump_ms))
    )
    print(
        "python peak memory (tracemalloc): ours %.1f MB, json.dump of the same rows %.1f MB: %s"
        % (ours_peak, dump_peak, ratio(ours_peak, dump_peak))
    )
    if not options.no_playbook:
        work = Path(tempfile.mkdtemp(prefix="esus-bench-report-play-"))
        try:
            with_report = playbook_run(hosts, readiness, work, True)
            without = playbook_run(hosts, readiness, work, False)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        results["playbook"] = {"with_report": with_report, "without_report": without}
        print(
            "ansible-playbook, the report task: %s s; peak RSS %.0f MB with the report, %.0f MB without (+%.0f MB)"
            % (
                with_report["report_task_s"],
                with_report["peak_rss_mb"],
                without["peak_rss_mb"],
                with_report["peak_rss_mb"] - without["peak_rss_mb"],
            )
        )
    print(
        "page size: ours %.2f MB, previous-page %.2f MB"
        % (results["sizes"]["ours_html"] / 1e6, results["sizes"]["previous_html"] / 1e6)
    )
    if chromium is None:
        print("chromium skipped (--no-chromium) or not installed: page load not measured")
    else:
        work = Path(tempfile.mkdtemp(prefix="esus-bench-report-"))
        try:
            pages = {
                "ours": ours_html,
                "static-rows": static_rows(ours_html),
                "previous-page": previous_page(previous_html),
            }
            for name, text in pages.items():
                (work / ("%s.html" % name)).write_text(text, encoding="utf-8")
            runs = [
                ("ours", "ours", "", "dump-dom"),
                ("static-rows", "static-rows", "", "dump-dom"),
                ("previous-page", "previous-page", "", "dump-dom"),
                ("ours #q=sao paulo", "ours", "#q=sao%20paulo", "dump-dom"),
                ("ours #group=expired", "ours", "#group=expired", "dump-dom"),
                ("ours #sort=days", "ours", "#sort=days", "dump-dom"),
                ("ours screenshot", "ours", "", "screenshot"),
                ("static-rows screenshot", "static-rows", "", "screenshot"),
                ("previous-page screenshot", "previous-page", "", "screenshot"),
            ]
            for label, name, fragment, action in runs:
                page = work / ("%s.html" % name)
                results["chromium"][label] = median_load(chromium, page, fragment, action, work, options.repeat)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        measured = results["chromium"]
        print("\n| load | script done (ms) | Chromium wall (ms) | script vs static-rows | wall vs static-rows |")
        print("|---|---|---|---|---|")
        for label, found in measured.items():
            base = measured["static-rows screenshot" if "screenshot" in label else "static-rows"]
            print(
                "| %s | %s | %.0f | %s | %s |"
                % (
                    label,
                    "-" if found["script_done_ms"] is None else found["script_done_ms"],
                    found["wall_ms"],
                    ratio(found["script_done_ms"], base["script_done_ms"]),
                    ratio(found["wall_ms"], base["wall_ms"]),
                )
            )
        base = measured["ours"]["script_done_ms"]
        for label in ("ours #q=sao paulo", "ours #group=expired", "ours #sort=days"):
            print("%s: +%d ms over the plain load" % (label, measured[label]["script_done_ms"] - base))
        print(
            "ours vs previous-page: script %s, dump-dom wall %s, screenshot wall %s"
            % (
                ratio(measured["ours"]["script_done_ms"], measured["previous-page"]["script_done_ms"]),
                ratio(measured["ours"]["wall_ms"], measured["previous-page"]["wall_ms"]),
                ratio(measured["ours screenshot"]["wall_ms"], measured["previous-page screenshot"]["wall_ms"]),
            )
        )
    output = REPO / "benchmarks" / "output" / "report.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print("\nwritten: %s" % os.path.relpath(output, REPO))


if __name__ == "__main__":
    main()
