# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make this checkout importable and runnable as the collection esus.pec without installing it."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def collections_path() -> Path:
    """A folder holding ansible_collections/esus/pec -> this checkout (for ANSIBLE_COLLECTIONS_PATH)."""
    root = REPO / ".cache" / "collections"
    link = root / "ansible_collections" / "esus" / "pec"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another test process made it first
            link.symlink_to(REPO, target_is_directory=True)
    return root


def use_collection_loader() -> None:
    """Import ``ansible_collections.*`` through Ansible's own collection finder, over this checkout and the
    installed collections, as ansible-playbook does: then a Templar finds the collection's filters
    (esus.pec.windows_host) too. Before anything imports the collection, once per process."""
    from ansible.utils.collection_loader import AnsibleCollectionConfig
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    if AnsibleCollectionConfig.collection_finder is None:
        _AnsibleCollectionFinder(paths=[str(collections_path())])._install()


def ansible_env(**extra: str) -> dict:
    """Environment for ansible-playbook runs of the tests: this collection, nothing from ~/.ansible."""
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH="%s:%s" % (collections_path(), env.get("ANSIBLE_COLLECTIONS_PATH", "")),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_HOST_KEY_CHECKING="0",
        ANSIBLE_STDOUT_CALLBACK="default",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
    )
    env.update(extra)
    return env


def vault_encrypt(plain: Path, password_file: Path, env: dict, output: Path | None = None) -> Path:
    """ansible-vault encrypt a (binary) file, in place or to ``output``; returns the encrypted file."""
    command = [sys.executable, "-m", "ansible.cli.vault", "encrypt", "--vault-password-file", str(password_file)]
    if output is not None:
        command += ["--output", str(output)]
    subprocess.run([*command, str(plain)], env=env, check=True, capture_output=True)
    return output or plain


def run_playbook(playbook: Path, inventory: Path, env: dict, *options: str) -> subprocess.CompletedProcess:
    """ansible-playbook with this collection; never raises on failure (the caller asserts)."""
    command = ["ansible-playbook", "-i", str(inventory), *options, str(playbook)]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def vault_decrypt(vaulted: Path, password_file: Path) -> bytes:
    """The plaintext of an ansible-vault file (binary-safe), without writing it anywhere."""
    command = [
        sys.executable,
        "-m",
        "ansible.cli.vault",
        "decrypt",
        "--vault-password-file",
        str(password_file),
        "--output",
        "-",
        str(vaulted),
    ]
    return subprocess.run(command, env=ansible_env(), check=True, capture_output=True).stdout


def host_variables(path: Path, password_file: Path) -> dict:
    """A host_vars file as Ansible reads it, its ``!vault`` values decrypted with the vault password file."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.parsing.vault import VaultLib, VaultSecret

    vault = VaultLib([("default", VaultSecret(password_file.read_text().strip().encode()))])

    def plain(value):
        ciphertext = getattr(value, "_ciphertext", None)  # an encrypt_string value (2.17-2.21)
        return value if ciphertext is None else vault.decrypt(ciphertext).decode("utf-8")

    return {name: plain(value) for name, value in DataLoader().load_from_file(str(path)).items()}
