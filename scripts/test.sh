#!/usr/bin/env bash
# The whole test suite, or one part of it. Works on a fresh machine: it makes its own virtualenv,
# installs what is missing (Debian packages as root), starts a private Docker engine for Molecule
# and stops it at the end.
#
#   scripts/test.sh                  everything (what CI runs)
#   scripts/test.sh units            pytest unit tests (seconds)
#   scripts/test.sh integration      real ansible-playbook runs on localhost, keytool, the PKCS#12 repros
#   scripts/test.sh fuzz             fixed-budget fuzz of the PKCS#12 core (ESUS_FUZZ_SECONDS, default 90)
#   scripts/test.sh lint             ruff, ansible-lint (production profile), changelog lint
#   scripts/test.sh sanity           ansible-test sanity on the shipped collection
#   scripts/test.sh molecule [NAME]  Molecule scenarios (all, or the named ones)
#   scripts/test.sh ee               the execution environment built (ansible-builder, docker) and run as AWX runs it
#   scripts/test.sh matrix [CORE]    units, sanity and the demo's playbooks on each ansible-core 2.17-2.21 (nox)
#
# Ends with a plain "N passed, N failed" line; exit code 0 only when nothing failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ESUS_REPO"

results="${ESUS_RESULTS:-$ESUS_REPO/.cache/results}"  # tests/unit/test_test_command.py sources this file elsewhere
rm -rf "$results" && mkdir -p "$results"
passed=0
failed=0
skipped=0
failures=()

count_junit() {  # add the counts of a pytest junit file
    local counts
    counts="$(python - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
suites = ET.parse(sys.argv[1]).getroot()
suites = [suites] if suites.tag == "testsuite" else list(suites)
tests = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skip = sum(int(s.get("skipped", 0)) for s in suites)
print(tests - bad - skip, bad, skip)
PY
)" || counts="0 1 0"
    read -r p f s <<<"$counts"
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

show_junit_failures() {  # show_junit_failures XML: each failing test and the last lines of its message (CI shows only this)
    python - "$1" <<'PY' >&2 || true
import sys, xml.etree.ElementTree as ET
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    for bad in list(case.findall("failure")) + list(case.findall("error")):
        print("  FAILED %s::%s" % (case.get("classname"), case.get("name")))
        text = (bad.get("message") or "") + "\n" + (bad.text or "")
        for line in [line for line in text.splitlines() if line.strip()][-12:]:
            print("    | " + line[:300])
PY
}

check() {  # check NAME COMMAND...: one pass or one fail
    local name="$1"; shift
    esus_log "check: $name"
    if "$@" >"$results/$name.log" 2>&1; then
        passed=$((passed + 1))
    else
        fail_part "$name (log: .cache/results/$name.log)"
        tail -n 40 "$results/$name.log" >&2
    fi
}

fail_part() {  # fail_part WHY: one failure, named in the closing list
    failed=$((failed + 1)); failures+=("$1")
}

run_pytest() {  # run_pytest NAME PATHS...: the junit counts; a part that fails otherwise counts one failure more
    local name="$1"; shift
    esus_log "pytest: $name"
    rm -f "$results/$name.xml"
    python -m pytest -q -p no:cacheprovider --junitxml="$results/$name.xml" "$@" 2>&1 | tee "$results/$name.log" | tail -n 3
    local status="${PIPESTATUS[0]}" before="$failed" before_passed="$passed"
    if [ -s "$results/$name.xml" ]; then count_junit "$results/$name.xml"; fi
    [ "$failed" -ne "$before" ] && show_junit_failures "$results/$name.xml"
    local log="(log: .cache/results/$name.log)"
    if [ "$status" = 5 ]; then
        fail_part "pytest $name collected no test $log"  # an emptied or mistyped part is not a pass
    elif [ "$passed" -eq "$before_passed" ] && [ "$failed" -eq "$before" ]; then
        fail_part "pytest $name ran no test (status $status) $log"
    elif [ "$status" != 0 ]; then
        # pytest said no while its junit showed no failing test (an internal or collection error, an interrupt)
        [ "$failed" -eq "$before" ] && failed=$((failed + 1))
        failures+=("pytest $name exited $status $log")
    fi
}

step_units() { run_pytest units tests/unit; }
step_integration() { run_pytest integration tests/integration; }
step_fuzz() { run_pytest fuzz -s tests/fuzz; }  # -s: the fuzzer's counts go to fuzz.log

step_lint() {
    check ruff ruff check .
    check ruff-format ruff format --check .
    check ansible-lint ansible-lint
    check changelog antsibull-changelog lint
    check antsibull-docs bash scripts/docs-lint.sh  # plugin and role docs: schema, markup, references
    check_bash_syntax scripts/*.sh .ci/run
}

check_bash_syntax() {  # bash -n parses only its first file (the rest are its arguments): one check each
    local script
    for script in "$@"; do check "bash-syntax-$(basename "$script")" bash -n "$script"; done
}

step_sanity() { check ansible-test-sanity bash scripts/sanity.sh; }

# The execution environment for real: scripts/ee-build.sh (ansible-builder build on a local Debian 12 base), then
# tests/ee: deploy, readiness, 3 slices and their merge run in it by ansible-runner as AWX runs job templates.
step_ee() {
    local before="$failed"
    # sourced once: sourcing again would forget the engine an earlier part started (and never stop it)
    declare -F esus_engine_start >/dev/null || source "$ESUS_REPO/scripts/container-engine.sh"
    if ! esus_engine_start; then
        fail_part "ee: no container engine (see the messages above)"
        return
    fi
    trap 'esus_engine_stop' EXIT
    check ee-build bash scripts/ee-build.sh
    grep -F '[esus.pec] ee:' "$results/ee-build.log" >&2
    [ "$failed" -eq "$before" ] && run_pytest ee tests/ee  # never on an image left from an earlier build
}

# The ansible-core matrix (scripts/noxfile.py, docs/testing.md): units, sanity and the README demo's playbooks
# against every ansible-core minor requires_ansible admits, or the named ones. The cores whose Python this
# machine lacks (2.20 and later need >= 3.12) run in the Debian 13 controller container, at the same time.
step_matrix() {
    local cores=("$@") listing core python here=() inside=() out="$results/matrix" pid="" start="$SECONDS"
    mkdir -p "$out"
    listing="$(nox -f scripts/noxfile.py -l --json 2>/dev/null | python -c '
import json, sys
pythons = {}
for session in json.load(sys.stdin):
    pythons.setdefault(session["call_spec"]["core"], session["python"])
for core, python in pythons.items():
    print(core, python)
')" || { fail_part "matrix: nox -l failed"; return; }
    [ "${#cores[@]}" -eq 0 ] && mapfile -t cores < <(cut -d' ' -f1 <<<"$listing")
    for core in "${cores[@]}"; do
        python="$(awk -v c="$core" '$1 == c { print $2 }' <<<"$listing")"
        if [ -z "$python" ]; then
            esus_log "matrix: no sessions for ansible-core $core (known: $(cut -d' ' -f1 <<<"$listing" | xargs))"
            fail_part "matrix: unknown ansible-core $core"
        elif "python$python" -c 'import venv' >/dev/null 2>&1; then here+=("$core")  # runs here (not a bare shim)
        else inside+=("$core"); fi
    done
    _matrix_sessions() { local c; for c in "$@"; do printf '%s\n' "units($c)" "sanity($c)" "integration($c)"; done; }
    if [ "${#inside[@]}" -gt 0 ]; then
        declare -F esus_engine_start >/dev/null || source "$ESUS_REPO/scripts/container-engine.sh"  # once: keeps the engine an earlier part started
        if esus_engine_start && esus_controller_image_build; then
            trap 'esus_engine_stop' EXIT
            esus_log "matrix: ansible-core ${inside[*]} in ${ESUS_CONTROLLER_IMAGE} (log: .cache/results/matrix/container.log)"
            local nox_pin sessions=()
            nox_pin="$(grep -E '^nox==' requirements-dev.txt)"
            mapfile -t sessions < <(_matrix_sessions "${inside[@]}")
            esus_controller_run sh -c 'python3 -m venv /tmp/nox && /tmp/nox/bin/pip install --quiet -c constraints.txt "$0" &&
                exec /tmp/nox/bin/nox -f scripts/noxfile.py --envdir "$PWD/.cache/nox-container" \
                --report "$PWD/.cache/results/matrix/container.json" -s "$@"' "$nox_pin" "${sessions[@]}" \
                >"$out/container.log" 2>&1 &
            pid=$!
        else
            esus_log "matrix: no container engine or controller image: ansible-core ${inside[*]} not run"
        fi
    fi
    if [ "${#here[@]}" -gt 0 ]; then
        local sessions=()
        mapfile -t sessions < <(_matrix_sessions "${here[@]}")
        esus_log "matrix: ansible-core ${here[*]} on this machine (log: .cache/results/matrix/host.log)"
        ESUS_MATRIX_RESULTS="$out" nox -f scripts/noxfile.py --report "$out/host.json" -s "${sessions[@]}" \
            >"$out/host.log" 2>&1
    fi
    [ -n "$pid" ] && wait "$pid"
    # the container writes into this checkout's .cache/results/matrix (mounted at its own path): when the results
    # go elsewhere (ESUS_RESULTS), its cores' junit files and report come along
    local shared="$PWD/.cache/results/matrix"
    if [ "${#inside[@]}" -gt 0 ] && [ "$(realpath -m "$out")" != "$(realpath -m "$shared")" ]; then
        for core in "${inside[@]}"; do [ -d "$shared/$core" ] && cp -r "$shared/$core" "$out/"; done
        [ -f "$shared/container.json" ] && cp "$shared/container.json" "$out/"
    fi
    local kind status duration log xml before
    while read -r kind core status duration log; do
        xml="$out/$core/$kind.xml"
        esus_log "matrix $kind($core): $status ($duration s)"
        before="$failed"
        if [ "$kind" != sanity ] && [ -s "$xml" ]; then
            count_junit "$xml"
            if [ "$status" != success ] && [ "$failed" -eq "$before" ]; then failed=$((failed + 1)); fi
        elif [ "$status" = success ]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
        if [ "$status" != success ] || [ "$failed" -ne "$before" ]; then
            failures+=("matrix $kind($core) (log: .cache/results/matrix/$log.log)")
            if [ -s "$xml" ]; then show_junit_failures "$xml"; fi
            # the session's own lines of the nox log (an install or a sanity failure has no junit)
            awk -v s="Running session $kind($core)" 'index($0, s) {on=1} on {print} on && /^nox > Session .* (was successful|failed|aborted)/ {on=0}' \
                "$out/$log.log" | tail -n 40 | sed 's/^/    | /' >&2
        fi
    done < <(python - "$out" "${here[*]}" "${inside[*]}" <<'PY'
import json, sys
from pathlib import Path
out, here, inside = Path(sys.argv[1]), sys.argv[2].split(), sys.argv[3].split()
for log, cores in (("host", here), ("container", inside)):
    report = out / ("%s.json" % log)
    found = {}
    if report.exists():
        for session in json.loads(report.read_text())["sessions"]:
            found[session["name"], session["args"]["core"]] = (session["result"], round(session["duration"]))
    for core in cores:
        for kind in ("units", "sanity", "integration"):
            status, duration = found.get((kind, core), ("not_run", 0))
            print(kind, core, status, duration, log)
PY
)
    esus_log "matrix: $((SECONDS - start)) s in all"
}

step_molecule() {
    local scenarios=("$@") named=0
    if [ "${#scenarios[@]}" -eq 0 ]; then
        mapfile -t scenarios < <(find molecule -mindepth 2 -maxdepth 2 -name molecule.yml -printf '%h\n' |
            xargs -n1 basename | sort)
    else
        named=1  # a scenario asked for by name runs even if CI skips it (molecule windows, on a real host)
    fi
    if [ "${scenarios[*]}" = "windows" ]; then  # a real Windows host over WinRM: no container engine
        if molecule test -s windows; then passed=$((passed + 1)); else fail_part "molecule windows"; fi
        return
    fi
    declare -F esus_engine_start >/dev/null || source "$ESUS_REPO/scripts/container-engine.sh"  # once: keeps the engine an earlier part started
    if ! esus_engine_start || ! esus_image_build || ! esus_systemd_image_build; then
        fail_part "container engine or image (see the messages above)"
        return
    fi
    trap 'esus_engine_stop' EXIT
    if [[ " ${scenarios[*]} " == *" zabbix "* ]] && ! esus_zabbix_image_build; then  # Debian's zabbix-agent2 on 12
        fail_part "the zabbix scenario's image (see the messages above)"
        return
    fi
    local scenario log
    for scenario in "${scenarios[@]}"; do
        if [ -f "molecule/$scenario/.ci-skip" ] && [ "$named" -eq 0 ]; then
            esus_log "molecule $scenario: skipped in CI: $(cat "molecule/$scenario/.ci-skip")"
            skipped=$((skipped + 1))
            continue
        fi
        log="$results/molecule-$scenario.log"
        esus_log "molecule test -s $scenario"
        if molecule test -s "$scenario" >"$log" 2>&1; then
            passed=$((passed + 1))
        else
            fail_part "molecule $scenario (log: .cache/results/molecule-$scenario.log)"
            sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E 'fatal|FAILED|Error|assert|passed|failed' | tail -n 30 >&2
        fi
        # the testinfra verifier's own counts
        local line
        line="$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -oE '=+ [0-9]+ (passed|failed)[^=]*' | tail -n 1)"
        if [ -n "$line" ]; then
            local p f
            p="$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)"
            f="$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0)"
            passed=$((passed + p)); failed=$((failed + f))
            esus_log "molecule $scenario verifier: ${p} passed, ${f} failed"
        elif [ -d "molecule/$scenario/tests" ]; then  # a testinfra verifier that collected nothing is no pass
            fail_part "molecule $scenario: its testinfra verifier ran no test (log: .cache/results/molecule-$scenario.log)"
        fi
    done
}

main() {
    local step="${1:-all}"
    [ "$#" -gt 0 ] && shift
    if ! esus_need_commands || ! esus_venv requirements-dev.txt; then
        echo "0 passed, 1 failed, 0 skipped"  # nothing ran: the tools the suite needs are not there
        exit 1
    fi
    case "$step" in
        units) step_units ;;
        integration) step_integration ;;
        fuzz) step_fuzz ;;
        lint) step_lint ;;
        sanity) step_sanity ;;
        matrix) step_matrix "$@" ;;
        molecule) step_molecule "$@" ;;
        ee) step_ee ;;
        all) step_units; step_integration; step_fuzz; step_lint; step_sanity; step_matrix; step_molecule; step_ee ;;
        *) esus_log "unknown part '$step': units, integration, fuzz, lint, sanity, matrix [CORE], molecule [NAME], ee, all"; exit 2 ;;
    esac
    if [ "${#failures[@]}" -gt 0 ]; then
        esus_log "failed:"
        printf '  - %s\n' "${failures[@]}" >&2
    fi
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}

# sourced by tests/unit/test_test_command.py to run its functions on planted parts; run, it runs the suite
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
