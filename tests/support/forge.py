# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""node-forge (npm) writing PKCS#12 files, as a state team's Node.js tool would.

node-forge is installed with npm on first use into ``.cache/node-forge/`` (never committed), pinned.
It reads RSA certificates only, so its files carry an RSA key and an RSA chain (``rsa_chain``).
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / ".cache" / "node-forge"
SCRIPT = Path(__file__).resolve().parent / "node" / "forge_pkcs12.js"
VERSION = "1.3.1"


class ForgeUnavailable(RuntimeError):
    """node or npm is missing, or npm could not install node-forge."""


def installed() -> Path:
    """The folder node-forge is installed in; installs it with npm the first time."""
    if (FOLDER / "node_modules" / "node-forge" / "package.json").exists():
        return FOLDER
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        raise ForgeUnavailable("node and npm (Debian: nodejs, npm) are needed to write node-forge files")
    FOLDER.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(FOLDER), "node-forge@" + VERSION],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise ForgeUnavailable("npm could not install node-forge: %s" % done.stderr[-500:])
    return FOLDER


def rsa_chain(cn: str = "MUNICIPIO DE TESTE:12345678000195", days: int = 300) -> tuple:
    """(key, certificate, CA certificate), all RSA: what node-forge can read."""
    now = datetime.datetime.now(datetime.timezone.utc)

    def make(name: str, key, issuer: x509.Name | None, issuer_key, ca: bool):
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer or subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days))
        )
        if ca:
            builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        return builder.sign(issuer_key or key, hashes.SHA256())

    ca_key = rsa.generate_private_key(65537, 2048)
    ca = make("AC TESTE node-forge", ca_key, None, None, True)
    key = rsa.generate_private_key(65537, 2048)
    return key, make(cn, key, ca.subject, ca_key, False), ca


def pkcs12(key, certificates: list, password: str, **options) -> bytes:
    """``forge.pkcs12.toPkcs12Asn1(key, certificates, password, options)`` as DER bytes."""
    folder = installed()
    job = {
        "key_pem": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        ).decode(),
        "cert_pems": [c.public_bytes(serialization.Encoding.PEM).decode() for c in certificates],
        "password": password,
        "options": options,
    }
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "ESUS_FORGE_DIR": str(folder)}
    done = subprocess.run(
        ["node", str(SCRIPT)], input=json.dumps(job), capture_output=True, text=True, env=env, timeout=60
    )
    if done.returncode != 0:
        raise RuntimeError("node-forge failed: %s" % done.stderr[-800:])
    return base64.b64decode(done.stdout)
