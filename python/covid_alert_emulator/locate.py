"""Finds the programs and the shipped files (scenarios, the seed's payloads) in any of the three
ways this package is found: installed by the Debian package, pip-installed beside an installed
emulator, or run from the source tree (python/ next to build/)."""
import os
import shutil
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SHARE_NAME = "covid-alert-emulator"


def _installed_prefix():
    # <prefix>/lib/python3/dist-packages/covid_alert_emulator: the .deb's (or `cmake --install`'s)
    # layout, which also holds inside a scratch root that the package was unpacked into.
    if len(PACKAGE_DIR.parents) < 4:
        return None
    prefix = PACKAGE_DIR.parents[3]
    return prefix if (prefix / "share" / SHARE_NAME).is_dir() else None


def _source_tree():
    root = PACKAGE_DIR.parent.parent
    return root if (root / "emulator" / "main.cc").is_file() else None


def find_program(name):
    """The path of `emulator` or `loadgen`: $COVID_ALERT_EMULATOR_BIN / $COVID_ALERT_LOADGEN_BIN,
    else covid-alert-<name> beside this module's installation, else on PATH, else the source
    tree's build/<name>/<name>."""
    variable = f"COVID_ALERT_{name.upper()}_BIN"
    if os.environ.get(variable):
        path = Path(os.environ[variable])
        if not os.access(path, os.X_OK):
            raise FileNotFoundError(f"{variable}={path}: not an executable file")
        return path
    installed = f"covid-alert-{name}"
    prefix = _installed_prefix()
    candidates = [prefix / "bin" / installed] if prefix else []
    on_path = shutil.which(installed)
    if on_path:
        candidates.append(Path(on_path))
    tree = _source_tree()
    if tree:
        candidates.append(tree / "build" / name / name)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError(
        f"no {name} program found: set {variable}, install the covid-alert-emulator package "
        f"({installed} on PATH) or build the source tree (./dev build); looked at "
        + ", ".join(str(c) for c in candidates))


def share_dir(kind):
    """The directory of shipped `scenarios` or `payloads`: $COVID_ALERT_EMULATOR_SHARE/<kind>,
    else the installation's share/covid-alert-emulator/<kind> (beside this module or beside the
    emulator program), else the source tree's."""
    if os.environ.get("COVID_ALERT_EMULATOR_SHARE"):
        return Path(os.environ["COVID_ALERT_EMULATOR_SHARE"]) / kind
    prefix = _installed_prefix()
    if prefix:
        return prefix / "share" / SHARE_NAME / kind
    tree = _source_tree()
    if tree:
        return tree / ("scenarios" if kind == "scenarios" else "tests/data/payloads")
    beside_program = find_program("emulator").resolve().parent.parent / "share" / SHARE_NAME / kind
    if beside_program.is_dir():
        return beside_program
    raise FileNotFoundError(f"no shipped {kind} found: set COVID_ALERT_EMULATOR_SHARE")
