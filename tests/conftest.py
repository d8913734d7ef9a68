# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared fixtures: the collection on sys.path and a test PKI made once per session."""

from __future__ import annotations

import sys

import pytest

from tests.support.collection import collections_path
from tests.support.pki import Pki

sys.path.insert(0, str(collections_path()))


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))
