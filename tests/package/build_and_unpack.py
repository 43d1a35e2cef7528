"""ctest fixture setup for the package tests: builds the .deb with CPack from the existing build
tree (what `./dev package` does, without its build step) and unpacks it with `dpkg -x` into
$PACKAGE_TEST_DIR/root, the scratch root that test_install.py and test_ci.py run from."""
import os
import shutil
import subprocess
import sys

from package_paths import BUILD_DIR, TEST_DIR, ROOT, DEB_DIR


def main():
    shutil.rmtree(TEST_DIR, ignore_errors=True)
    DEB_DIR.mkdir(parents=True)
    subprocess.run(["cpack", "-G", "DEB", "--config", str(BUILD_DIR / "CPackConfig.cmake"),
                    "-B", str(DEB_DIR)], check=True, cwd=BUILD_DIR)
    debs = sorted(DEB_DIR.glob("*.deb"))
    if len(debs) != 1:
        sys.exit(f"expected one .deb in {DEB_DIR}, found {debs}")
    subprocess.run(["dpkg", "-x", str(debs[0]), str(ROOT)], check=True)
    # CPack's staging tree holds another copy of everything: only the .deb matters.
    shutil.rmtree(DEB_DIR / "_CPack_Packages", ignore_errors=True)
    print(f"built {debs[0]} ({os.path.getsize(debs[0]) // 1024} KiB), unpacked into {ROOT}")


if __name__ == "__main__":
    main()
