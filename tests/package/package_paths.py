"""Where the package tests find the build tree, the .deb and the scratch root it is unpacked
into (set by tests/package/CMakeLists.txt)."""
import os
from pathlib import Path

SOURCE_DIR = Path(os.environ["EMU_SOURCE_DIR"])
BUILD_DIR = Path(os.environ["EMU_BUILD_DIR"])
VERSION = os.environ["EMU_VERSION"]
TEST_DIR = Path(os.environ["PACKAGE_TEST_DIR"])
DEB_DIR = TEST_DIR / "deb"
ROOT = TEST_DIR / "root"
SHARE = ROOT / "usr/share/covid-alert-emulator"
PYTHON_DIR = ROOT / "usr/lib/python3/dist-packages"
PROGRAMS = {"emulator": ROOT / "usr/bin/covid-alert-emulator",
            "loadgen": ROOT / "usr/bin/covid-alert-loadgen"}


def the_deb():
    debs = sorted(DEB_DIR.glob("*.deb"))
    assert len(debs) == 1, f"expected one .deb in {DEB_DIR} (package_build), found {debs}"
    return debs[0]


def clean_env(**extra):
    """An environment like a fresh Debian 12 machine's with the package installed: PATH has the
    scratch root's usr/bin and the system's, and nothing points into the source or build tree."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COVID_ALERT_", "EMU_", "PYTHON")) and k != "PATH"}
    env["PATH"] = f"{ROOT}/usr/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    env["PYTHONPATH"] = str(PYTHON_DIR)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env
