# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Java judge: what e-SUS PEC can do with a PKCS#12 file, asked of a real JVM.

``java/PfxJudge.java`` loads each file with ``KeyStore.getInstance("PKCS12")``, takes every key entry
with ``getKey``, signs with the key and verifies with ``chain[0]``, then completes a mutual-TLS handshake on
127.0.0.1 (TLS 1.3 and 1.2) with the file as the client certificate through a SunX509 key manager, as PEC
does. It is compiled with ``javac`` on first use into ``.cache/java-judge/`` (never committed) and judges a
whole batch of files in one JVM. Passwords reach the JVM on stdin, never argv; its answers hold no password
and no key material.

Classes (``JudgeAnswer.result``): ``usable``; ``load_password`` (Java: "keystore password was incorrect"),
``load_integrity`` ("Integrity check failed": the right password, a damaged file), ``load_other``;
``no_key_entry``; ``getkey_failed``; ``no_chain`` (a key Java pairs with no certificate: the key manager
skips it); ``sign_failed`` (the key does not sign what chain[0] verifies); ``handshake_failed``.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import json
import os
import secrets
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

REPO = Path(__file__).resolve().parents[2]
SOURCE = Path(__file__).resolve().parent / "java" / "PfxJudge.java"
LOAD_FAILURES = frozenset({"load_password", "load_integrity", "load_other"})
JAVA_OPTION_VARIABLES = ("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS")
# English messages (the classes read Java's words); a quicker start that changes nothing Java decides
JVM_OPTIONS = ("-Duser.language=en", "-Duser.country=US", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")


class JudgeUnavailable(RuntimeError):
    """No JDK to build or run the judge (the caller fails under CI, skips elsewhere)."""


@dataclasses.dataclass(frozen=True)
class JudgeAnswer:
    result: str
    detail: str
    load_error: str  # Java's load exception, "" when the file loaded
    key_entries: int
    entries: tuple[dict, ...]  # per key entry: alias, key algorithm, getkey_error, chain_length, signature
    handshakes: tuple[str, ...]
    ms: dict  # time spent: load, entries (getKey and the signature), handshakes

    @property
    def loaded(self) -> bool:
        return self.result not in LOAD_FAILURES

    @property
    def key_taken(self) -> bool:
        """getKey returned a key with this password (so the password is proven right)."""
        return any(entry["key"] and not entry["getkey_error"] for entry in self.entries)

    def __str__(self) -> str:
        return "Java judge: %s (%s)" % (self.result, self.detail[:400])


def tools() -> tuple[str, str]:
    """(java, javac) of the JDK on PATH; raises JudgeUnavailable."""
    java, javac = shutil.which("java"), shutil.which("javac")
    if not java or not javac:
        raise JudgeUnavailable(
            "java and javac (Debian: openjdk-17-jdk-headless) are needed to build and run the Java judge"
        )
    return java, javac


def _java_env() -> dict:
    env = {name: value for name, value in os.environ.items() if name not in JAVA_OPTION_VARIABLES}
    env["LC_ALL"] = "C.UTF-8"
    return env


def compiled() -> Path:
    """The folder holding PfxJudge.class, built once per version of the source."""
    _java, javac = tools()
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16]
    folder = REPO / ".cache" / "java-judge" / digest
    if (folder / "PfxJudge.class").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = folder.parent / ("%s.building-%s" % (digest, secrets.token_hex(4)))
    command = [javac, "-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1", "-Xlint:all", "-Werror"]
    result = subprocess.run(
        [*command, "-d", str(building), str(SOURCE)], env=_java_env(), capture_output=True, text=True, timeout=180
    )
    if result.returncode != 0:
        raise RuntimeError("javac failed on %s:\n%s%s" % (SOURCE, result.stdout, result.stderr))
    try:
        building.rename(folder)  # atomic: a parallel build that finished first wins, both are the same class
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
    return folder


def _server_identity() -> tuple[bytes, str]:
    """A throwaway key and self-signed certificate for the loopback server, as PKCS#12 bytes (never on disk)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    password = secrets.token_urlsafe(16)
    protection = serialization.BestAvailableEncryption(password.encode())
    return pkcs12.serialize_key_and_certificates(b"server", key, cert, None, protection), password


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def judge(files: Sequence[tuple[Path, str]], timeout: float = 0.0) -> list[JudgeAnswer]:
    """Judge (path, password) pairs in one JVM; one answer per pair, in order."""
    java, _javac = tools()
    classes = compiled()
    server, server_password = _server_identity()
    lines = ["server %s %s" % (_b64(server), _b64(server_password.encode()))]
    lines += ["%s %s" % (_b64(str(path).encode()), _b64(password.encode("utf-8"))) for path, password in files]
    result = subprocess.run(
        [java, *JVM_OPTIONS, "-cp", str(classes), "PfxJudge"],
        input="\n".join(lines) + "\n",
        env=_java_env(),
        capture_output=True,
        text=True,
        timeout=timeout or 30 + 5 * len(files),
    )
    answers = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or len(answers) != len(files):
        raise RuntimeError(
            "the Java judge stopped (status %d, %d answers for %d files): %s"
            % (result.returncode, len(answers), len(files), result.stderr[-2000:])
        )
    return [
        JudgeAnswer(
            answer["result"],
            answer["detail"],
            answer["load_error"],
            answer["key_entries"],
            tuple(answer["entries"]),
            tuple(answer["handshakes"]),
            answer["ms"],
        )
        for answer in answers
    ]
