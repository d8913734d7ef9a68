# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The core, on real PKCS#12 files made at test time by cryptography and the openssl CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from ansible_collections.esus.pec.plugins.module_utils import _asn1 as asn1
from ansible_collections.esus.pec.plugins.module_utils import _key_checks as key_checks
from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_envelope as envelopes
from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_loading as loading
from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_mac as mac
from ansible_collections.esus.pec.plugins.module_utils import pkcs12 as core
from tests.support.pki import cnpj

PASSWORDS = [
    "s3nha-RNDS",
    "Açaí-São João ção ü 🔐",
    "$(touch /tmp/pwn) `id` ; | & > < * ? ' \" \\ !",
    " leading and trailing spaces ",
]
CNPJ = cnpj("123456780001")


def check(path, password, **options):
    return core.validate(path.read_bytes(), password, label=path.name, **options)


@pytest.fixture(scope="module")
def leaf(pki):
    return pki.leaf(cnpj_value=CNPJ)


@pytest.mark.parametrize("encryption", ["aes", "3des", "rc2", "openssl"])
@pytest.mark.parametrize("password", PASSWORDS, ids=["ascii", "unicode", "shell", "spaces"])
def test_valid_certificate_with_any_password_and_encryption(pki, leaf, encryption, password):
    key, cert = leaf
    path = pki.pfx("ok-%s-%d.pfx" % (encryption, PASSWORDS.index(password)), key, cert, password, encryption=encryption)
    report = check(path, password)
    if not password.isascii():  # right password, which Java (PEC) refuses: not ASCII
        assert report["verdict"] == "unsupported_encryption", report["msg"]
        assert "outside plain ASCII" in report["msg"] and report["certificate"]["cnpj"] == CNPJ
        return
    assert report["verdict"] == "ok", report["msg"]
    assert report["valid"] is True
    assert report["certificate"]["cnpj"] == CNPJ
    assert report["chain_length"] == 2
    assert report["pec_status"] == "Conexão bem-sucedida"


@pytest.mark.parametrize("encryption", ["aes", "3des", "rc2"])
def test_wrong_password_is_found_by_the_mac(pki, leaf, encryption):
    key, cert = leaf
    path = pki.pfx("wrong-%s.pfx" % encryption, key, cert, "right", encryption=encryption)
    report = check(path, "wrong")
    assert report["verdict"] == "wrong_password"
    assert report["valid"] is False
    assert "wrong password" in report["msg"] and path.name in report["msg"]
    assert report["pec_status"] == "Falha no certificado"


def test_empty_password_opens_a_file_without_password(pki, leaf):
    key, cert = leaf
    path = pki.pfx("empty.pfx", key, cert, "", encryption="openssl")
    assert check(path, "")["verdict"] == "ok"
    assert check(path, None)["verdict"] == "ok"
    assert check(path, "something")["verdict"] == "wrong_password"


def test_algorithms_are_reported(pki, leaf):
    key, cert = leaf
    aes = check(pki.pfx("alg-aes.pfx", key, cert, "pw"), "pw")["pkcs12"]
    assert "AES-256-CBC" in aes["key_encryption"] and aes["mac_algorithm"] == "SHA256"
    assert aes["legacy"] is False
    rc2 = check(pki.pfx("alg-rc2.pfx", key, cert, "pw", encryption="rc2"), "pw")["pkcs12"]
    assert rc2["certificate_encryption"] == "pbeWithSHA1And40BitRC2-CBC"
    assert rc2["key_encryption"] == "pbeWithSHA1And3-KeyTripleDES-CBC"
    assert rc2["mac_algorithm"] == "SHA1" and rc2["mac_iterations"] == 2048
    assert rc2["legacy"] is True and rc2["legacy_algorithms"] == ["pbeWithSHA1And40BitRC2-CBC"]


# cryptography writes no PKCS#12 under an empty password with aes or 3des: the openssl CLI makes those (rc2, openssl)
FAST_PATH_CASES = [(e, "pw") for e in ("aes", "3des", "rc2", "openssl")] + [("rc2", ""), ("openssl", "")]


@pytest.mark.parametrize(
    ("encryption", "password"),
    FAST_PATH_CASES,
    ids=["%s-%s" % (e, "password" if p else "empty") for e, p in FAST_PATH_CASES],
)
def test_fast_path_is_taken_and_agrees_with_cryptography(pki, leaf, encryption, password, monkeypatch):
    """No file from a normal exporter needs cryptography's whole-file loader (~30 ms more, RSA re-check)."""
    key, cert = leaf
    data = pki.pfx("fast-%s-%s.pfx" % (encryption, password), key, cert, password, encryption=encryption).read_bytes()

    def refused(*_args):
        raise AssertionError("the whole-file loader was used")

    monkeypatch.setattr(loading, "second_opinion", refused)
    envelope = envelopes.Envelope(asn1.parse(data))
    encodings = mac.bmp_passwords(password)
    if envelope.mac:
        found = envelope.mac
        state, encoding = mac.check(
            envelope.auth_safe, found.digest, found.salt, found.iterations, found.hash_name, password
        )
        assert state == "ok"
        encodings = [encoding]
    fast = loading.load(envelope, password, encodings)
    _slow_key, slow_cert, slow_others = pkcs12.load_key_and_certificates(data, password.encode() or None)
    assert fast.certificate == slow_cert == cert
    assert key_checks.spki(fast.key.public_key()) == key_checks.spki(key.public_key())
    assert [c.subject for c in fast.others] == [c.subject for c in slow_others]
    assert core.validate(data, password)["verdict"] == "ok"


def test_ec_key(pki):
    key, cert = pki.leaf(key=pki.key("ec"))
    report = check(pki.pfx("ec.pfx", key, cert, "pw"), "pw")
    assert report["verdict"] == "ok"
    assert report["certificate"]["key_type"] == "EC"
    assert report["certificate"]["key_curve"] == "secp256r1"


def test_rsa_key_details(pki, leaf):
    report = check(pki.pfx("rsa.pfx", *leaf, "pw"), "pw")
    info = report["certificate"]
    assert (info["key_type"], info["key_size"]) == ("RSA", 2048)
    assert info["self_signed"] is False
    assert info["issuer"] == "CN=AC TESTE esus.pec,O=ICP-Brasil TESTE,C=BR"
    assert info["not_after"].endswith("Z") and info["days_left"] in (363, 364)
    assert len(info["fingerprint_sha256"].split(":")) == 32


def test_expired(pki):
    key, cert = pki.leaf(days_from=-400, days_to=-3)
    report = check(pki.pfx("expired.pfx", key, cert, "pw"), "pw")
    assert report["verdict"] == "expired"
    assert report["pec_status"] == "Certificado expirado"
    assert report["certificate"]["days_left"] in (-3, -4)
    assert "expired on" in report["msg"] and "e-Gestor AB" in report["msg"]


def test_not_yet_valid(pki):
    key, cert = pki.leaf(days_from=5, days_to=300)
    assert check(pki.pfx("future.pfx", key, cert, "pw"), "pw")["verdict"] == "not_yet_valid"


@pytest.mark.parametrize(
    "days_to, min_days, verdict", [(10, 30, "expiring"), (30, 30, "expiring"), (32, 30, "ok"), (10, 0, "ok")]
)
def test_expiring_is_a_warning_not_a_failure(pki, days_to, min_days, verdict):
    key, cert = pki.leaf(days_to=days_to)
    path = pki.pfx("soon-%d-%d.pfx" % (days_to, min_days), key, cert, "pw")
    report = check(path, "pw", min_days_valid=min_days)
    assert report["verdict"] == verdict
    assert report["valid"] is True


@pytest.mark.parametrize("pem", [True, False], ids=["pem", "der"])
def test_certificate_only(pki, leaf, pem):
    path = pki.cert_file("cert.%s" % ("pem" if pem else "cer"), leaf[1], pem=pem)
    report = check(path, "pw")
    assert report["verdict"] == "certificate_only"
    assert "PEC does not accept it" in report["msg"]


def test_no_private_key(pki, leaf):
    report = check(pki.pfx_without_key("nokey.pfx", leaf[1], "pw"), "pw")
    assert report["verdict"] == "no_private_key"
    assert report["certificate"]["cnpj"] == CNPJ


def test_key_of_another_certificate(pki, leaf):
    assert check(pki.pfx_with_foreign_key("foreign.pfx", leaf[1], "pw"), "pw")["verdict"] == "key_mismatch"


def test_damaged_key_with_right_public_half_is_caught_by_a_signature(pki):
    report = check(pki.pfx_with_damaged_key("damaged.pfx", "pw"), "pw")
    assert report["verdict"] == "key_mismatch"
    assert "signature" in report["msg"]


@pytest.mark.parametrize("expected", [CNPJ, "12.345.678/0001-%s" % CNPJ[-2:]])
def test_identity_matches_with_or_without_punctuation(pki, leaf, expected):
    assert check(pki.pfx("id.pfx", *leaf, "pw"), "pw", expected_cnpj=expected)["verdict"] == "ok"


def test_identity_mismatch_names_both_cnpjs(pki, leaf):
    other = cnpj("111222330001")
    report = check(pki.pfx("id2.pfx", *leaf, "pw"), "pw", expected_cnpj=other)
    assert report["verdict"] == "identity_mismatch"
    assert core.format_cnpj(other) in report["msg"] and core.format_cnpj(CNPJ) in report["msg"]


def test_identity_from_common_name_and_octet_strings(pki):
    key, cert = pki.leaf(cnpj_in_san=False)
    assert check(pki.pfx("cn.pfx", key, cert, "pw"), "pw")["certificate"]["cnpj"] == CNPJ
    key, cert = pki.leaf(octet_strings=True, cnpj_value=cnpj("98765432000A"[:12]))
    info = check(pki.pfx("octet.pfx", key, cert, "pw"), "pw")["certificate"]
    assert info["cnpj"] == cnpj("98765432000A"[:12])
    assert info["responsible_name"] == "MARIA DA SILVA"


def test_alphanumeric_cnpj(pki):
    value = cnpj("12ABC34501DE")
    key, cert = pki.leaf(cnpj_value=value)
    report = check(pki.pfx("alnum.pfx", key, cert, "pw"), "pw", expected_cnpj=value.lower())
    assert report["verdict"] == "ok"
    assert report["certificate"]["cnpj_formatted"] == "12.ABC.345/01DE-" + value[-2:]


def test_cpf_is_masked_everywhere(pki):
    key, cert = pki.leaf(cpf="98765432100")
    report = check(pki.pfx("cpf.pfx", key, cert, "pw"), "pw")
    assert report["certificate"]["responsible_cpf_masked"] == "***.654.321-**"
    assert "98765432100" not in json.dumps(report)


def test_cnpj_problems():
    assert core.cnpj_problem(CNPJ) is None
    assert core.cnpj_problem(core.format_cnpj(CNPJ)) is None
    assert "check digits" in core.cnpj_problem(CNPJ[:-1] + str((int(CNPJ[-1]) + 1) % 10))
    assert "14 characters" in core.cnpj_problem("123")


def test_not_pkcs12(pki, leaf):
    key = leaf[0]
    pem_key = pki.dir / "key.pem"
    pem_key.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    for name, data in [
        ("text.pfx", b"this is not a certificate\n"),
        ("empty.pfx", b""),
        ("random.pfx", os.urandom(2048)),
        ("zip.pfx", b"PK\x03\x04" + b"\0" * 100),
    ]:
        assert core.validate(data, "pw", label=name)["verdict"] == "not_pkcs12", name
    assert check(pem_key, "pw")["verdict"] == "not_pkcs12"


def test_oversized_input_is_refused_without_parsing(pki, leaf):
    data = pki.pfx("big.pfx", *leaf, "pw").read_bytes()
    report = core.validate(data + b"\0" * (core.MAX_SIZE + 1), "pw", label="big.pfx")
    assert report["verdict"] == "not_pkcs12"
    assert "too large" in report["msg"]


def test_truncated_and_damaged_files_are_corrupt(pki, leaf):
    data = pki.pfx("whole.pfx", *leaf, "pw").read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 40):
        report = core.validate(data[:cut], "pw", label="cut.pfx")
        assert report["verdict"] == "corrupt", (cut, report["msg"])
        assert "damaged" in report["msg"] and "do not change it" in report["msg"]
    mangled = bytearray(data)
    assert data[4:8] == b"\x02\x01\x03\x30"
    mangled[7] = 0x31  # authSafe ContentInfo: SEQUENCE -> SET
    assert core.validate(bytes(mangled), "pw", label="mangled.pfx")["verdict"] == "corrupt"
    # bytes after the PFX are ignored by Java and OpenSSL: a note, not damage (test_pkcs12_java.py)
    trailing = core.validate(data + b"garbage", "pw", label="trailing.pfx")
    assert trailing["verdict"] == "ok" and "7 byte(s)" in trailing["notes"][0]


def test_missing():
    report = core.validate(None, "pw", label="/opt/e-SUS/webserver/chaves/x.pfx")
    assert report["verdict"] == "missing"
    assert "/opt/e-SUS/webserver/chaves/x.pfx" in report["msg"]


def test_every_verdict_has_a_message_without_the_password(pki, leaf):
    secret = "Zz-very-secret-Çã"
    path = pki.pfx("secret.pfx", *leaf, secret)
    for password in (secret, secret + "x"):
        assert secret not in json.dumps(check(path, password))


def test_unsupported_encryption_is_not_a_wrong_password(pki, leaf, tmp_path):
    """RC2-40 without OpenSSL's legacy provider: cryptography alone says 'invalid password'."""
    rc2 = pki.pfx("legacy.pfx", *leaf, "pw", encryption="rc2")
    script = textwrap.dedent("""
        import json, sys
        sys.path.insert(0, sys.argv[1])
        from ansible_collections.esus.pec.plugins.module_utils import pkcs12 as core
        data = open(sys.argv[2], "rb").read()
        print(json.dumps([core.validate(data, p, label="legacy.pfx")["verdict"] for p in ("pw", "nope")]))
    """)
    from tests.support.collection import collections_path

    env = dict(os.environ, CRYPTOGRAPHY_OPENSSL_NO_LEGACY="1")
    out = subprocess.run(
        [sys.executable, "-c", script, str(collections_path()), str(rc2)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert json.loads(out) == ["unsupported_encryption", "wrong_password"]
    # and with the provider, the same file is fine
    assert check(rc2, "pw")["verdict"] == "ok"


def test_pkcs12_kdf_matches_openssl_macs(pki, leaf):
    """Our RFC 7292 KDF keys the MAC exactly as OpenSSL did, for SHA-1 and SHA-256 files."""
    for encryption, digest in (("rc2", "sha1"), ("openssl", "sha256")):
        data = pki.pfx("kdf-%s.pfx" % encryption, *leaf, "pw", encryption=encryption).read_bytes()
        envelope = envelopes.Envelope(asn1.parse(data))
        found = envelope.mac
        assert found.hash_name == digest
        for password, state in (("pw", "ok"), ("pW", "mismatch")):
            assert (
                mac.check(envelope.auth_safe, found.digest, found.salt, found.iterations, digest, password)[0] == state
            )


def test_a_wrong_password_whose_key_bytes_look_like_der_is_still_wrong_password(pki, leaf):
    """A wrong password decrypts the key part to random bytes; about once in a few hundred passwords they pass the
    CBC padding check and start like a DER element. That is no key, so no evidence the password was right: the
    verdict stays wrong_password (it was corrupt, 'Download or export ... again', and test_pkcs12_java flaked)."""
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_decrypt as decrypt

    key, cert = leaf
    data = pki.pfx("looks-like-der.pfx", key, cert, "the-right-one", encryption="aes").read_bytes()
    bag = envelopes.Envelope(asn1.parse(data)).keys[0]
    found = None
    for attempt in range(20000):  # the search is deterministic for this file; about 400 tries on average
        password = "errada-%d" % attempt
        try:
            plain = decrypt.pbes2_decrypt(bag.protection.pbes2, bag.ciphertext, password)
            asn1.parse_prefix(plain)
        except (decrypt._Undecryptable, asn1.Asn1Error):
            continue
        found = password
        break
    assert found is not None, "no wrong password gave DER-looking key bytes in 20000 tries"
    assert core.validate(data, found)["verdict"] == "wrong_password"
