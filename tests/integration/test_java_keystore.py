# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Our PKCS#12 verdicts cross-checked against what Java, and so e-SUS PEC, does with each file.

Every case is a file made at test time (no key is committed) that is judged twice: by
``pkcs12.validate()`` and by the Java judge (``tests/support/java_judge.py``): a real JVM that loads it
with ``KeyStore.getInstance("PKCS12")``, takes the key with ``getKey``, signs with it and verifies with
``chain[0]``, and completes a mutual-TLS handshake on 127.0.0.1 with the file as the client certificate
through a SunX509 key manager, as PEC does. Nothing is mocked: all cases go to one JVM; without a JDK
the test is skipped, and under ``CI=true`` it fails. Passwords reach the JVM on stdin, never argv. The
test proves these invariants on good, wrong-password and damaged files:

1. a file Java loads with the password never gets ``not_pkcs12`` or ``corrupt`` from us, nor
   ``wrong_password`` when something did check the password (the file has a MAC or encrypted
   certificate parts, or ``getKey`` decrypted the key with it: a file with none of these loads
   with any password);
2. we never say ``ok``/``expiring`` for a file PEC cannot use: one Java refuses to load, one where
   Java finds no private key entry (it ignores an unencrypted KeyBag), cannot take the key, pairs it
   with no certificate or with the wrong one, or where the key does not sign or the handshake fails;
3. Java decrypts the encrypted parts before it checks the MAC, so with the right password a
   damaged file fails as "Integrity check failed" (then, when the file has encrypted
   certificate parts, our verdict must be ``corrupt``) and a wrong password fails as "keystore
   password was incorrect" (then ours must be ``wrong_password``). Java also says "password was
   incorrect" for a right password when the decrypted part does not parse (damage under a valid
   MAC: we must say ``corrupt``) and, in Java 17, for any non-ASCII password ("Password is not
   ASCII"): there only invariant 2 applies;
4. the other direction: a file PEC can use with the right password (``usable``: getKey, the
   signature and both handshakes worked) gets a verdict PEC accepts for it: ``ok``/``expiring``, or
   the date or identity verdict the case was built for (``expired``, ``not_yet_valid``,
   ``identity_mismatch``), never a refusal (``unsupported_encryption``, ``key_mismatch``,
   ``no_private_key``, ...). Each such case names its one expected verdict, so any regression fails.

Each case also checks that the judge answered what its construction intends, so a case cannot
silently stop testing what its name says; two cases (a key with another key's certificate, an RSA
key whose private exponent is damaged) show the judge itself refuses a key that does not match.
``test_agreement_catches_planted_verdicts`` shows that the checks fail on a planted wrong verdict.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from ansible_collections.esus.pec.plugins.module_utils import pkcs12 as core
from tests.support import java_judge
from tests.support.java_judge import JudgeAnswer
from tests.support.pki import CASE_CNPJ, Pki, standard_cases

USABLE = {"ok", "expiring"}
# our verdicts for a file PEC can use: usable, or the dates or identity the RNDS will refuse (PEC still
# loads it and sends it); the case names which one it was built for
ACCEPTED_WHEN_USABLE = USABLE | {"expired", "not_yet_valid", "identity_mismatch"}
# refusals that say PEC cannot use the file: a false alarm when Java uses it with the right password
REFUSALS = ("not_pkcs12", "corrupt", "wrong_password", "unsupported_encryption", "key_mismatch", "no_private_key")
OK = frozenset({"ok"})

# OIDs (content octets) and MAC digests of the PKCS#12 structure, RFC 7292
OID_DATA = bytes.fromhex("2a864886f70d010701")
OID_ENCRYPTED_DATA = bytes.fromhex("2a864886f70d010706")
OID_SHROUDED_KEY_BAG = bytes.fromhex("2a864886f70d010c0a0102")
MAC_DIGESTS = {
    bytes.fromhex("2b0e03021a"): "sha1",
    bytes.fromhex("608648016503040201"): "sha256",
    bytes.fromhex("608648016503040202"): "sha384",
    bytes.fromhex("608648016503040203"): "sha512",
}


# --- a minimal DER reader: where the parts of a PFX lie -----------------------------------------


def _tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the DER element at pos."""
    if pos + 2 > len(data):
        raise ValueError("truncated header at %d" % pos)
    tag, first = data[pos], data[pos + 1]
    pos += 2
    length = first
    if first & 0x80:
        count = first & 0x7F
        if not 1 <= count <= 4:
            raise ValueError("length form not handled at %d" % pos)
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise ValueError("truncated value at %d" % pos)
    return tag, pos, pos + length


def _children(data: bytes, element: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    found, pos = [], element[1]
    while pos < element[2]:
        found.append(_tlv(data, pos))
        pos = found[-1][2]
    return found


def _value(data: bytes, element: tuple[int, int, int]) -> bytes:
    return data[element[1] : element[2]]


@dataclasses.dataclass(frozen=True)
class Layout:
    """Byte ranges (start, end) inside a PFX."""

    authsafe: tuple[int, int]  # the content the MAC covers
    cert_parts: list[tuple[int, int]]  # ciphertext of each encryptedData part (the certificates)
    key_parts: list[tuple[int, int]]  # ciphertext of each pkcs8ShroudedKeyBag
    mac: tuple[int, int] | None  # the MAC value, None without MacData
    mac_salt: bytes = b""
    mac_iterations: int = 1
    mac_hash: str = "sha1"


def layout(data: bytes) -> Layout:
    pfx = _children(data, _tlv(data, 0))
    content_type, explicit = _children(data, pfx[1])
    if _value(data, content_type) != OID_DATA:
        raise ValueError("authSafe is not data")
    octets = _tlv(data, explicit[1])
    cert_parts, key_parts = [], []
    for info in _children(data, _tlv(data, octets[1])):
        kind, content = _children(data, info)[:2]
        inner = _tlv(data, content[1])
        if _value(data, kind) == OID_ENCRYPTED_DATA:
            encrypted_content_info = _children(data, inner)[1]
            ciphertext = _children(data, encrypted_content_info)[2]
            cert_parts.append((ciphertext[1], ciphertext[2]))
        elif _value(data, kind) == OID_DATA:
            for bag in _children(data, _tlv(data, inner[1])):
                bag_id, bag_value = _children(data, bag)[:2]
                if _value(data, bag_id) == OID_SHROUDED_KEY_BAG:
                    encrypted = _children(data, _tlv(data, bag_value[1]))[1]
                    key_parts.append((encrypted[1], encrypted[2]))
    if len(pfx) < 3:
        return Layout((octets[1], octets[2]), cert_parts, key_parts, None)
    mac_data = _children(data, pfx[2])
    digest_info = _children(data, mac_data[0])
    algorithm = _children(data, digest_info[0])[0]
    return Layout(
        (octets[1], octets[2]),
        cert_parts,
        key_parts,
        (digest_info[1][1], digest_info[1][2]),
        _value(data, mac_data[1]),
        int.from_bytes(_value(data, mac_data[2]), "big") if len(mac_data) > 2 else 1,
        MAC_DIGESTS[_value(data, algorithm)],
    )


def _flip(data: bytes, offset: int) -> bytes:
    damaged = bytearray(data)
    damaged[offset] ^= 0x01
    return bytes(damaged)


def _pkcs12_kdf(hash_name: str, password: str, salt: bytes, iterations: int, size: int) -> bytes:
    """RFC 7292 appendix B.2 with ID 3: the key of the PKCS#12 MAC."""
    digest = hashlib.new(hash_name)
    u, v = digest.digest_size, digest.block_size
    secret = password.encode("utf-16-be") + b"\x00\x00"

    def stretch(value: bytes) -> bytes:
        if not value:
            return b""
        length = v * -(-len(value) // v)
        return (value * (length // len(value) + 1))[:length]

    block = stretch(salt) + stretch(secret)
    out = b""
    while len(out) < size:
        a = hashlib.new(hash_name, bytes([3]) * v + block).digest()
        for _ in range(iterations - 1):
            a = hashlib.new(hash_name, a).digest()
        out += a
        b = int.from_bytes((a * (v // u + 1))[:v], "big") + 1
        block = b"".join(
            ((int.from_bytes(block[j : j + v], "big") + b) % (1 << (8 * v))).to_bytes(v, "big")
            for j in range(0, len(block), v)
        )
    return out[:size]


def _remac(data: bytes, password: str) -> bytes:
    """The same bytes with a MAC that is right for password: only the caller's damage remains."""
    parts = layout(data)
    assert parts.mac is not None
    key = _pkcs12_kdf(parts.mac_hash, password, parts.mac_salt, parts.mac_iterations, parts.mac[1] - parts.mac[0])
    value = hmac.new(key, data[parts.authsafe[0] : parts.authsafe[1]], parts.mac_hash).digest()
    return data[: parts.mac[0]] + value + data[parts.mac[1] :]


# --- the cases ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Made:
    path: Path
    password: str
    right_password: bool  # the password given is the one the file was written with
    judge: str | None  # the judge's class the construction intends; None: depends on the Java version
    expected: frozenset[str] = frozenset()  # our verdicts the case allows
    options: dict[str, str] = dataclasses.field(default_factory=dict)  # validate()'s, e.g. expected_cnpj


# standard_cases(pki) name -> (the judge's class, right password given); each expects its own verdict
STANDARD = {
    "ok_aes": ("usable", True),
    "password_not_ascii": (None, True),  # Java 17 refuses non-ASCII passwords (Java 25 opens AES files)
    "ok_3des": ("usable", True),
    "ok_rc2": ("usable", True),
    "ok_empty_password": ("usable", True),
    "expiring": ("usable", True),
    "expired": ("usable", True),  # neither Java's key manager nor the handshake looks at the dates
    "not_yet_valid": ("usable", True),
    "wrong_password": ("load_password", False),
    "certificate_only": ("load_other", True),
    "no_private_key": ("no_key_entry", True),
    "key_mismatch": ("no_chain", True),  # Java pairs the key with no certificate: PEC would send none
    "identity_mismatch": ("usable", True),
    "not_pkcs12": ("load_other", True),
    "corrupt": ("load_other", True),  # truncated: EOFException
    "missing": ("load_other", True),
}
EXTRA = [
    # good files
    "rsa-aes",
    "ec-aes",
    "ec-3des",
    "ec-rc2-legacy",
    "ec-openssl-defaults",
    "two-character-password",
    "openssl-certpbe-none",
    "openssl-nomac",
    "openssl-keypbe-none",
    "non-ascii-password-3des",
    # wrong passwords
    "wrong-password-3des",
    "wrong-password-rc2",
    "wrong-password-certpbe-none",
    "wrong-password-nomac",
    "empty-password-given",
    # damaged files
    "damaged-cert-part-aes",
    "damaged-cert-part-3des",
    "damaged-cert-part-rc2",
    "damaged-key-part",
    "damaged-mac-value",
    "damaged-cert-part-wrong-password",
    "damaged-cert-part-mac-recomputed",
    # keys that do not match the certificate Java pairs them with: the judge must refuse them
    "key-with-other-certificate",
    "damaged-rsa-key",
]
CASES = ["standard-" + name for name in STANDARD] + EXTRA


def _openssl_export(work: Path, name: str, pki: Pki, key, cert, password: str, *options: str) -> Path:
    """``openssl pkcs12 -export`` with extra options; every secret goes through the environment."""
    folder = work / ("openssl-" + name)
    folder.mkdir(mode=0o700)
    transit = "in-transit-only"
    pem = serialization.Encoding.PEM
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(transit.encode())
        )
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(pem))
    (folder / "ca.pem").write_bytes(pki.ca_cert.public_bytes(pem))
    out = work / ("%s.pfx" % name)
    command = ["openssl", "pkcs12", "-export", "-name", "rnds", "-inkey", str(folder / "key.pem")]
    command += ["-in", str(folder / "cert.pem"), "-certfile", str(folder / "ca.pem"), "-out", str(out)]
    command += ["-passin", "env:ESUS_KEY_PASSWORD", "-passout", "env:ESUS_PFX_PASSWORD", *options]
    env = dict(os.environ, ESUS_KEY_PASSWORD=transit, ESUS_PFX_PASSWORD=password)
    subprocess.run(command, check=True, env=env, capture_output=True)
    (folder / "key.pem").unlink()
    return out


def _same_length_certificate(pki: Pki, key, length: int):
    """A certificate for key whose DER is length bytes long (serial and signature lengths vary)."""
    for _attempt in range(200):
        _key, cert = pki.leaf(key=key, cnpj_value=CASE_CNPJ)
        if len(cert.public_bytes(serialization.Encoding.DER)) == length:
            return cert
    raise AssertionError("no certificate of %d bytes in 200 tries" % length)


def build(pki: Pki, work: Path) -> dict[str, Made]:
    made: dict[str, Made] = {}
    for name, case in standard_cases(pki).items():
        judge, right = STANDARD[name]
        made["standard-" + name] = Made(
            Path(case["file"]), case["password"], right, judge, frozenset({case["verdict"]}), case["options"]
        )

    def write(name: str, data: bytes) -> Path:
        path = work / ("%s.pfx" % name)
        path.write_bytes(data)
        return path

    rsa_key, rsa_cert = pki.leaf(key=pki.key("rsa"), cnpj_value=CASE_CNPJ)
    ec_key, ec_cert = pki.leaf(key=pki.key("ec"), cnpj_value=CASE_CNPJ)

    # good files: every reader must open them, and PEC can use them
    for name, key, cert, encryption in (
        ("rsa-aes", rsa_key, rsa_cert, "aes"),
        ("ec-aes", ec_key, ec_cert, "aes"),
        ("ec-3des", ec_key, ec_cert, "3des"),
        ("ec-rc2-legacy", ec_key, ec_cert, "rc2"),
        ("ec-openssl-defaults", ec_key, ec_cert, "openssl"),
    ):
        password = "pw-" + name
        path = pki.pfx(name + ".pfx", key, cert, password, encryption=encryption)
        made[name] = Made(path, password, True, "usable", OK)
    made["two-character-password"] = Made(pki.pfx("short.pfx", ec_key, ec_cert, "ab"), "ab", True, "usable", OK)
    for name, options in (
        ("openssl-certpbe-none", ("-certpbe", "NONE")),  # certificates in the clear, only the key encrypted
        ("openssl-nomac", ("-nomac",)),  # no MAC (OpenSSL 3 then leaves the certificates in the clear too)
    ):
        password = "pw-" + name
        path = _openssl_export(work, name, pki, ec_key, ec_cert, password, *options)
        made[name] = Made(path, password, True, "usable", OK)
    # the key in a plain KeyBag, which Java ignores: no key entry, so PEC has no key
    path = _openssl_export(work, "openssl-keypbe-none", pki, ec_key, ec_cert, "pw-keypbe-none", "-keypbe", "NONE")
    made["openssl-keypbe-none"] = Made(path, "pw-keypbe-none", True, "no_key_entry", frozenset({"no_private_key"}))
    # right password, but Java 17 derives no PBE key from a non-ASCII one ("Password is not ASCII"):
    # refused with any cipher (Java 25 opens AES files, still not 3DES ones)
    made["non-ascii-password-3des"] = Made(
        pki.pfx("nao-ascii.pfx", ec_key, ec_cert, "Açaí-senha", encryption="3des"),
        "Açaí-senha",
        True,
        None,
        frozenset({"unsupported_encryption"}),
    )

    # wrong passwords
    wrong = frozenset({"wrong_password"})
    for name, source, judge in (
        ("wrong-password-3des", made["ec-3des"], "load_password"),
        ("wrong-password-rc2", made["ec-rc2-legacy"], "load_password"),
        ("wrong-password-certpbe-none", made["openssl-certpbe-none"], "load_integrity"),  # nothing to decrypt first
        ("wrong-password-nomac", made["openssl-nomac"], "getkey_failed"),  # nothing checks the password at load
    ):
        made[name] = Made(source.path, source.password + "-errada", False, judge, wrong)
    made["empty-password-given"] = Made(made["ec-aes"].path, "", False, "load_password", wrong)

    # damaged files, right password unless said otherwise
    damaged = frozenset({"corrupt"})
    for name, source in (
        ("damaged-cert-part-aes", made["ec-aes"]),
        ("damaged-cert-part-3des", made["ec-3des"]),
        ("damaged-cert-part-rc2", made["ec-rc2-legacy"]),
    ):
        data = source.path.read_bytes()
        # 48 bytes before the end of the ciphertext: in CBC mode a flip there garbles at most the
        # last 48 bytes of plaintext before the padding block, all inside the last certificate's
        # (the CA's) ECDSA signature, which Java does not parse at load: the part still decrypts
        # and parses, only the MAC fails
        made[name] = Made(
            write(name, _flip(data, layout(data).cert_parts[0][1] - 48)),
            source.password,
            True,
            "load_integrity",
            damaged,
        )
    data = made["ec-aes"].path.read_bytes()
    parts = layout(data)
    made["damaged-key-part"] = Made(
        write("damaged-key-part", _flip(data, parts.key_parts[0][1] - 48)), "pw-ec-aes", True, "load_integrity", damaged
    )
    made["damaged-mac-value"] = Made(
        write("damaged-mac-value", _flip(data, parts.mac[0])), "pw-ec-aes", True, "load_integrity", damaged
    )
    made["damaged-cert-part-wrong-password"] = Made(
        made["damaged-cert-part-aes"].path, "pw-ec-aes-errada", False, "load_password", wrong
    )
    assert _remac(data, "pw-ec-aes") == data, "the test's MAC computation does not reproduce the file's MAC"
    # first ciphertext block: the SafeContents header no longer parses once decrypted, under a valid
    # MAC. Java reports its parse error as "keystore password was incorrect"; the MAC proves otherwise
    made["damaged-cert-part-mac-recomputed"] = Made(
        write("damaged-cert-part-mac-recomputed", _remac(_flip(data, parts.cert_parts[0][0]), "pw-ec-aes")),
        "pw-ec-aes",
        True,
        "load_password",
        damaged,
    )

    # the key's own certificate (in the clear) replaced by one of the same length for another key, the
    # localKeyID and a valid MAC kept: Java pairs the key with that certificate, and the key cannot sign
    # for it. No PEC could use it, whatever we call it
    path = _openssl_export(work, "key-with-other-certificate", pki, ec_key, ec_cert, "pw-other", "-certpbe", "NONE")
    own = ec_cert.public_bytes(serialization.Encoding.DER)
    other = _same_length_certificate(pki, pki.key("ec", "other"), len(own)).public_bytes(serialization.Encoding.DER)
    data = path.read_bytes()
    assert data.count(own) == 1, "the certificate is not in the clear once"
    path.write_bytes(_remac(data.replace(own, other), "pw-other"))
    made["key-with-other-certificate"] = Made(path, "pw-other", True, "sign_failed")
    # right public key, wrong private exponent (and CRT values): Java takes the key, its signature is wrong
    path = pki.pfx_with_damaged_key("damaged-rsa-key.pfx", "pw-damaged-rsa")
    made["damaged-rsa-key"] = Made(path, "pw-damaged-rsa", True, "sign_failed")
    assert sorted(made) == sorted(CASES), "cases and their list differ"
    return made


# --- Java and the agreement ---------------------------------------------------------------------


def _tool_missing(message: str) -> None:
    """The README calls this tested: under CI a missing tool is a failure, elsewhere a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def tools() -> None:
    try:
        java_judge.tools()
    except java_judge.JudgeUnavailable as error:
        _tool_missing("%s: this test checks our verdicts against what Java does with the key" % error)
    if not shutil.which("openssl"):
        _tool_missing("the openssl CLI is needed to write the -legacy, -nomac and -certpbe files")


@pytest.fixture(scope="module")
def made(tools: None, tmp_path_factory) -> dict[str, Made]:
    # a PKI of its own: standard_cases() writes fixed file names, the session `pki` is shared
    work = tmp_path_factory.mktemp("java-keystore")
    return build(Pki(work / "pki"), work)


@pytest.fixture(scope="module")
def judged(made: dict[str, Made]) -> dict[str, JudgeAnswer]:
    """Every case judged in one JVM (its start costs more than judging a file)."""
    return dict(zip(CASES, java_judge.judge([(made[name].path, made[name].password) for name in CASES])))


def _layout_of(path: Path) -> Layout | None:
    try:
        return layout(path.read_bytes()) if path.exists() else None
    except (ValueError, IndexError, KeyError):
        return None


def disagreements(case: Made, judge: JudgeAnswer, verdict: str, parts: Layout | None) -> list[str]:
    """The invariants of the module docstring that our verdict breaks, given what Java did."""
    encrypted_certificates = bool(parts and parts.cert_parts)
    password_checked = bool(parts and (parts.mac or parts.cert_parts)) or judge.key_taken
    problems = []
    if judge.loaded and (verdict in ("not_pkcs12", "corrupt") or (verdict == "wrong_password" and password_checked)):
        problems.append("(1) Java loads it with this password, we say %s" % verdict)
    if verdict in USABLE and judge.result != "usable":
        problems.append("(2) we say %s but PEC cannot use it (%s)" % (verdict, judge.result))
    if judge.result == "load_integrity" and case.right_password and encrypted_certificates and verdict != "corrupt":
        problems.append("(3) Java decrypted the parts with this password and the MAC failed, we say %s" % verdict)
    if judge.result == "load_password" and not case.right_password and verdict != "wrong_password":
        problems.append("(3) wrong password and Java says so, we say %s" % verdict)
    if judge.result == "usable" and case.right_password:
        if verdict not in ACCEPTED_WHEN_USABLE:
            problems.append("(4) PEC can use it with this password, we refuse it as %s" % verdict)
        if not case.expected:
            problems.append("(4) PEC can use it: the case must name the verdict it expects")
    if case.expected and verdict not in case.expected:
        problems.append("the case needs %s, we say %s" % (" or ".join(sorted(case.expected)), verdict))
    if case.judge is not None and judge.result != case.judge:
        problems.append("the case is built for the judge to answer %s, it answered %s" % (case.judge, judge.result))
    return problems


@pytest.mark.parametrize("name", CASES)
def test_java_keystore_agrees(made: dict[str, Made], judged: dict[str, JudgeAnswer], name: str) -> None:
    case, judge = made[name], judged[name]
    data = case.path.read_bytes() if case.path.exists() else None
    report = core.validate(data, case.password, label=case.path.name, **case.options)
    problems = disagreements(case, judge, report["verdict"], _layout_of(case.path))
    assert not problems, "%s\n%s\nour verdict: %s (%s)" % (
        "\n".join(problems),
        judge,
        report["verdict"],
        report["msg"][:300],
    )


def test_agreement_catches_planted_verdicts(made: dict[str, Made], judged: dict[str, JudgeAnswer]) -> None:
    """The checks can fail: every refusal planted on a file PEC uses, and ok planted on one it cannot, is caught."""
    usable = [name for name in CASES if judged[name].result == "usable" and made[name].right_password]
    unusable = [name for name in CASES if judged[name].result != "usable"]
    assert len(usable) >= 10 and len(unusable) >= 10, "the judge no longer tells usable files apart"
    for name in usable:
        parts = _layout_of(made[name].path)
        for planted in REFUSALS:
            problems = disagreements(made[name], judged[name], planted, parts)
            assert any(problem.startswith("(4)") for problem in problems), (name, planted, problems)
    for name in unusable:
        parts = _layout_of(made[name].path)
        for planted in sorted(USABLE):
            problems = disagreements(made[name], judged[name], planted, parts)
            assert any(problem.startswith("(2)") for problem in problems), (name, planted, problems)


@pytest.mark.parametrize("name", ["key-with-other-certificate", "damaged-rsa-key"])
def test_judge_refuses_a_key_that_does_not_sign_for_its_certificate(judged: dict[str, JudgeAnswer], name: str) -> None:
    judge = judged[name]
    assert judge.result == "sign_failed", judge
    assert judge.key_taken, "getKey worked: only the signature shows the key is not the certificate's"
    # and the handshake, which PEC would try anyway, fails too: the server checked CertificateVerify
    assert judge.handshakes and not any(": ok" in outcome for outcome in judge.handshakes), judge.handshakes
