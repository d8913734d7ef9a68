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
#
# Ends with a plain "N passed, N failed" line; exit code 0 only when nothing failed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ESUS_REPO"

results="$ESUS_REPO/.cache/results"
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

check() {  # check NAME COMMAND...: one pass or one fail
    local name="$1"; shift
    esus_log "check: $name"
    if "$@" >"$results/$name.log" 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); failures+=("$name (log: .cache/results/$name.log)")
        tail -n 40 "$results/$name.log" >&2
    fi
}

run_pytest() {  # run_pytest NAME PATHS...
    local name="$1"; shift
    esus_log "pytest: $name"
    python -m pytest -q -p no:cacheprovider --junitxml="$results/$name.xml" "$@" 2>&1 | tee "$results/$name.log" | tail -n 3
    local status="${PIPESTATUS[0]}"
    if [ -s "$results/$name.xml" ]; then count_junit "$results/$name.xml"; else failed=$((failed + 1)); fi
    if [ "$status" != 0 ] && [ "$status" != 5 ]; then failures+=("pytest $name (log: .cache/results/$name.log)"); fi
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
    check bash-syntax bash -n scripts/*.sh .ci/run
}

step_sanity() { check ansible-test-sanity bash scripts/sanity.sh; }

step_molecule() {
    local scenarios=("$@") named=0
    if [ "${#scenarios[@]}" -eq 0 ]; then
        mapfile -t scenarios < <(find molecule -mindepth 2 -maxdepth 2 -name molecule.yml -printf '%h\n' |
            xargs -n1 basename | sort)
    else
        named=1  # a scenario asked for by name runs even if CI skips it (molecule windows, on a real host)
    fi
    if [ "${scenarios[*]}" = "windows" ]; then  # a real Windows host over WinRM: no container engine
        if molecule test -s windows; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("molecule windows"); fi
        return
    fi
    source "$ESUS_REPO/scripts/container-engine.sh"
    if ! esus_engine_start || ! esus_image_build; then
        failed=$((failed + 1)); failures+=("container engine or image (see the messages above)")
        return
    fi
    trap 'esus_engine_stop' EXIT
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
            failed=$((failed + 1)); failures+=("molecule $scenario (log: .cache/results/molecule-$scenario.log)")
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
        fi
    done
}

main() {
    local step="${1:-all}"
    [ "$#" -gt 0 ] && shift
    esus_need_commands
    esus_venv requirements-dev.txt
    case "$step" in
        units) step_units ;;
        integration) step_integration ;;
        fuzz) step_fuzz ;;
        lint) step_lint ;;
        sanity) step_sanity ;;
        molecule) step_molecule "$@" ;;
        all) step_units; step_integration; step_fuzz; step_lint; step_sanity; step_molecule ;;
        *) esus_log "unknown part '$step': units, integration, fuzz, lint, sanity, molecule [NAME], all"; exit 2 ;;
    esac
    if [ "${#failures[@]}" -gt 0 ]; then
        esus_log "failed:"
        printf '  - %s\n' "${failures[@]}" >&2
    fi
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}

main "$@"
