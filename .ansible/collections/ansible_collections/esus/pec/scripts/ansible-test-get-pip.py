# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stand-in for pip's get-pip.py, which ansible-test downloads from a host these machines cannot reach.

ansible-test runs this in each empty venv it makes, with pip install options and the packages it wants
(pip==24.2, setuptools...). Same result, from the standard library's ensurepip and PyPI.
scripts/sanity.sh copies it to ~/.ansible/test/cache/get_pip_<version>.py when no real one is cached.
"""

import subprocess
import sys

# get-pip.py's own flags, which pip install does not know
arguments = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--quiet", *arguments]))
