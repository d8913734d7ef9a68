# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Java judge on the pairing and bag cases of issue 22 (classes 2 and 3): what Java 17 does with each
file is what ``tests/support/bag_cases.py`` says, and our verdict agrees with it (ok exactly when PEC can use
the file) except the documented decisions. All files in one JVM."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from ansible_collections.esus.pec.plugins.module_utils import pkcs12 as core
from tests.support import bag_cases, forge, java_judge


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def judged(pki, tmp_path_factory) -> dict:
    try:
        java_judge.tools()
        forge.installed()
    except (java_judge.JudgeUnavailable, forge.ForgeUnavailable) as error:
        _missing(str(error))
    folder = tmp_path_factory.mktemp("java-bags")
    made = {name: (case, bag_cases.write(name, case, folder)) for name, case in bag_cases.cases(pki).items()}
    answers = java_judge.judge([(path, bag_cases.PASSWORD) for _case, path in made.values()])
    return {name: (case, path, answer) for (name, (case, path)), answer in zip(made.items(), answers)}


def test_java_does_what_each_case_says_and_we_agree(judged):
    problems = []
    for name, (case, path, answer) in judged.items():
        verdict = core.validate(path.read_bytes(), bag_cases.PASSWORD, label=path.name)["verdict"]
        if answer.result != case.java:
            problems.append("%s: Java answered %s, the case says %s (%s)" % (name, answer.result, case.java, answer))
        if verdict != case.verdict:
            problems.append("%s: we say %s, the case says %s" % (name, verdict, case.verdict))
        if (verdict == "ok") != (answer.result == "usable") and not case.decision:
            problems.append("%s: we say %s and Java %s, and no documented decision covers it" % (name, verdict, answer))
    assert not problems, "\n".join(problems)
    assert sum(case.java == "usable" for case, _path, _answer in judged.values()) >= 8
    assert sum(case.java != "usable" for case, _path, _answer in judged.values()) >= 8


def test_jks_renamed_pfx_is_a_documented_refusal(pki, tmp_path):
    """Decision (docs/verdicts.md): Java 17 opens a JKS keystore through the PKCS12 type; we refuse it, naming
    the conversion. The judge must still see it usable, or the decision is stale."""
    if not shutil.which("keytool"):
        _missing("keytool (openjdk-17-jdk-headless) writes the JKS keystore")
    key, certificate = pki.leaf()
    source = pki.pfx("jks-source.p12", key, certificate, bag_cases.PASSWORD)
    renamed = tmp_path / "certificado.pfx"
    command = ["keytool", "-importkeystore", "-noprompt", "-srckeystore", str(source), "-srcstoretype", "PKCS12"]
    command += ["-srcstorepass:env", "ESUS_PW", "-destkeystore", str(renamed), "-deststoretype", "JKS"]
    command += ["-deststorepass:env", "ESUS_PW"]
    subprocess.run(command, env=dict(os.environ, ESUS_PW=bag_cases.PASSWORD), check=True, capture_output=True)
    assert renamed.read_bytes()[:4] == b"\xfe\xed\xfe\xed"
    answer = java_judge.judge([(renamed, bag_cases.PASSWORD)])[0]
    assert answer.result == "usable", answer
    report = core.validate(renamed.read_bytes(), bag_cases.PASSWORD, label=renamed.name)
    assert report["verdict"] == "not_pkcs12", report["msg"]
    assert report["msg"].startswith("certificado.pfx: a Java JKS keystore") and "-deststoretype PKCS12" in report["msg"]
