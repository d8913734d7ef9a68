# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What each Java that PEC has run on opens, as rule sets the core judges a file by.

Private to the collection: no stability promise outside esus.pec.

PEC up to 5.2 ran on Java 8, from 5.3 on a bundled Java 17 (``/etc/pec.config``: ``jreVersion``). From the
OpenJDK sources (``PKCS12KeyStore.engineLoad``, SunJCE's provider list; docs/verdicts.md gives the commits):

- the MAC is checked with ``Mac.getInstance("HmacPBE" + digest)``. SunJCE had only ``HmacPBESHA1`` until
  JDK-8076190 ("Customizing the generation of a PKCS12 keystore") added HmacPBESHA224/256/384/512 and
  SHA512/224, SHA512/256; it reached 11.0.12 and 8u301. Before them a SHA-256 MAC (OpenSSL 3's default)
  fails: "Algorithm HmacPBESHA256 not available" (JDK-8267701);
- Java 8's first PKCS12KeyStore decrypts a certificate part with ``Cipher.getInstance(<the OID>)``, which
  has no PBES2 cipher; ``mapPBEParamsToAlgorithm`` for parts came with JDK-8202299 (11.0.1; in 8u by
  8u301 at the latest). Before 8u301 a PBES2 (AES) certificate part is taken as unreadable: it may be
  readable in some 8u2xx updates, but never called usable when it may not be;
- the ciphers (PKCS#12 PBE but 2-key 3DES, PBES1 MD5-DES, PBES2 AES-128/256) and the non-ASCII password
  rule are the same in 8, 11 and 17; the EC curves Java signs with are P-256/384/521 on all of them
  (8u231 and 11.0.5 disabled the others through ``jdk.disabled.namedCurves``; 16 removed them).

Standard library only.
"""

from __future__ import annotations

import re
from typing import NamedTuple

SHA2_MACS = ("sha1", "sha224", "sha256", "sha384", "sha512", "sha512_224", "sha512_256")


class JavaRules(NamedTuple):
    name: str  # as validate(java=...) takes it and the report shows it
    label: str  # for people: "Java 8 before 8u301"
    mac_digests: tuple[str, ...]  # hashlib names of the MACs it checks
    pbes2_parts: bool  # whether it decrypts a PBES2 (AES) certificate part
    export_advice: str  # how to export a file this Java opens

    @property
    def aes_ok(self) -> bool:
        return self.pbes2_parts and "sha256" in self.mac_digests


_AES_ADVICE = (
    "with AES-256 ('openssl pkcs12 -export' with OpenSSL 3 defaults, without -keypbe, -certpbe or -legacy; or "
    "Windows with 'AES256-SHA256')"
)
_LEGACY_ADVICE = (
    "with 3DES and a SHA-1 integrity code, which %s reads ('openssl pkcs12 -export -keypbe PBE-SHA1-3DES "
    "-certpbe PBE-SHA1-3DES -macalg sha1'; Windows: 'TripleDES-SHA1'), or update PEC (5.3 and later run Java 17)"
)

JAVA_17 = JavaRules("17", "Java 17", SHA2_MACS, True, _AES_ADVICE)
JAVA_11 = JavaRules("11", "Java 11 (11.0.12 or later)", SHA2_MACS, True, _AES_ADVICE)
JAVA_11_EARLY = JavaRules(
    "11.0.11", "Java 11 before 11.0.12", ("sha1",), True, _LEGACY_ADVICE % "Java 11 before 11.0.12"
)
JAVA_8_301 = JavaRules("8u301", "Java 8 (8u301 or later)", SHA2_MACS, True, _AES_ADVICE)
JAVA_8 = JavaRules("8", "Java 8 before 8u301", ("sha1",), False, _LEGACY_ADVICE % "Java 8 before 8u301")
DEFAULT = JAVA_17

_JAVA_8 = re.compile(r"^(?:1\.)?8(?:(?:u|\.0_)(\d+))?(?:[^0-9].*)?$")
_MODERN = re.compile(r"^(\d+)(?:\.(\d+)(?:\.(\d+))?)?")


def rules_for(version: str | None) -> JavaRules | None:
    """The rule set for a Java version as PEC's pec.config (``jreVersion``) or a team writes it.

    "17", "17.0.10-linux_x64", "21" -> Java 17's rules (later Javas open what 17 opens); "11" or "11.0.12"
    and later -> JAVA_11, "11.0.11" and earlier -> JAVA_11_EARLY; "8u301", "1.8.0_301" and later ->
    JAVA_8_301; "8", "8u292", "1.8.0_292" -> JAVA_8. None or "" -> DEFAULT. Anything else: None.
    """
    text = (version or "").strip().lower()
    if not text:
        return DEFAULT
    java8 = _JAVA_8.match(text)
    if java8:
        update = int(java8.group(1)) if java8.group(1) else 0
        return JAVA_8_301 if update >= 301 else JAVA_8
    modern = _MODERN.match(text)
    if not modern:
        return None
    major = int(modern.group(1))
    if major >= 17:
        return JAVA_17
    if major == 11:
        security = int(modern.group(3) or 0) if modern.group(2) == "0" or modern.group(2) is None else 99
        return JAVA_11 if (modern.group(3) is None or security >= 12) else JAVA_11_EARLY
    if 12 <= major < 17:
        return JAVA_11  # JDK-8076190 is in 12 and later
    return None
