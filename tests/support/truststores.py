# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Java trust stores made by Java's own keytool at test time, and Java's word on them (java/TrustJudge.java);
``jks`` lays one out in Python, for the runs without a JDK.

``keytool_store`` writes a JKS, JCEKS or PKCS#12 store holding the given CA certificates as trusted entries and,
optionally, a key entry (whose certificate Java does not trust); ``password_less`` makes the PKCS#12 one as JDK 18+
ships cacerts (certificates not encrypted, no MAC). ``java_says`` runs the judge: the store's trusted entries as
Java counts them and, per endpoint, whether a handshake checked by Java's PKIX trust manager succeeds.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import struct
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives import serialization

JUDGE = Path(__file__).resolve().parent / "java" / "TrustJudge.java"
JKS_MAGIC = 0xFEEDFEED
STOREPASS = "changeit"  # Java's well-known cacerts password: not a secret of this project


def utf(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack(">H", len(data)) + data


def jks(trusted: list, key_chain: list | None = None, version: int = 2) -> bytes:
    """A JKS laid out as sun.security.provider.JavaKeyStore writes one (the trailing digest is not checked by a JVM
    that loads cacerts without a password, nor by the reader): for the unit tests' hostile bytes and the runs that
    have no keytool (the matrix's containers). keytool's own stores are judged by Java in test_jre_trust.py."""
    entries = []
    for index, der in enumerate(trusted):
        entry = struct.pack(">i", 2) + utf("ca%d" % index) + struct.pack(">q", 0)
        entry += (utf("X.509") if version == 2 else b"") + struct.pack(">i", len(der)) + der
        entries.append(entry)
    if key_chain is not None:
        entry = struct.pack(">i", 1) + utf("own") + struct.pack(">q", 0) + struct.pack(">i", 3) + b"key"
        entry += struct.pack(">i", len(key_chain))
        for der in key_chain:
            entry += (utf("X.509") if version == 2 else b"") + struct.pack(">i", len(der)) + der
        entries.append(entry)
    head = struct.pack(">IIi", JKS_MAGIC, version, len(entries))
    return head + b"".join(entries) + b"\0" * 20


def keytool() -> str | None:
    """keytool, when javac is there too (the judge is compiled once with it)."""
    return shutil.which("keytool") if shutil.which("javac") else None


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS")}
    env["LC_ALL"] = "C.UTF-8"
    return env


def keytool_store(path: Path, cas: dict, storetype: str, *, key_entry: bool = False, password_less: bool = False):
    """Write ``path``: each of ``cas`` (alias -> cryptography certificate) a trusted entry, with keytool."""
    tool = keytool()
    props = []
    if password_less:
        props = ["-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE", "-J-Dkeystore.pkcs12.macAlgorithm=NONE"]
    base = [tool, *props, "-noprompt", "-keystore", str(path), "-storetype", storetype, "-storepass", STOREPASS]
    for alias, cert in cas.items():
        pem = path.with_name("%s.%s.pem" % (path.name, alias))
        pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        subprocess.run(
            [*base, "-importcert", "-alias", alias, "-file", str(pem)],
            check=True,
            capture_output=True,
            env=_env(),
            timeout=120,
        )
    if key_entry:
        subprocess.run(
            [*base, "-genkeypair", "-alias", "own-key", "-keyalg", "EC", "-dname", "CN=own key", "-keypass", STOREPASS],
            check=True,
            capture_output=True,
            env=_env(),
            timeout=120,
        )
    return path


def compiled() -> Path:
    """The folder holding TrustJudge.class, built once per version of the source (javac, as java_judge.py does)."""
    digest = hashlib.sha256(JUDGE.read_bytes()).hexdigest()[:16]
    folder = Path(__file__).resolve().parents[2] / ".cache" / "trust-judge" / digest
    if (folder / "TrustJudge.class").exists():
        return folder
    building = folder.parent / ("%s.building-%s" % (digest, secrets.token_hex(4)))
    building.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["javac", "-J-XX:+UseSerialGC", "-Xlint:all", "-Werror", "-d", str(building), str(JUDGE)],
        check=True,
        capture_output=True,
        env=_env(),
        timeout=180,
    )
    try:
        building.rename(folder)  # atomic: a parallel build that finished first wins, both are the same class
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
    return folder


def java_says(store: Path, storetype: str, endpoints: list) -> tuple:
    """(Java's count of trusted entries, ["OK" | "FAIL ..." per endpoint "host:port"])."""
    classes = str(compiled())
    done = subprocess.run(
        [
            "java",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            classes,
            "TrustJudge",
            str(store),
            storetype,
            *endpoints,
        ],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=180,
        check=True,
    )
    lines = done.stdout.splitlines()
    return int(lines[0].split()[1]), lines[1:]


def rnds_standin(out: Path) -> dict:
    """What molecule/pec_service's stand-in for the RNDS needs: its TLS certificate (the production names of the
    auth and SP's EHR hosts) and key from a test CA, a JKS trusting that CA and one trusting another CA only."""
    from tests.support.pki import Pki
    from tests.support.tls import server_files

    rnds, other = Pki(out / "rnds", "AC RNDS TESTE"), Pki(out / "other", "AC OUTRA TESTE")
    names = ("ehr-auth.saude.gov.br", "sp-ehr-services.saude.gov.br")
    cert_file, key_file, _ca = server_files(rnds, rnds.ca_cert, names, stem="rnds-standin")
    made = {"cert": str(cert_file), "key": str(key_file)}
    for name, pki in (("trusted", rnds), ("other", other)):
        (out / ("%s.jks" % name)).write_bytes(jks([pki.ca_cert.public_bytes(serialization.Encoding.DER)]))
        made[name] = str(out / ("%s.jks" % name))
    return made


if __name__ == "__main__":  # python tests/support/truststores.py OUTDIR: prints what rnds_standin made, as JSON
    import json
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    json.dump(rnds_standin(Path(sys.argv[1])), sys.stdout)
