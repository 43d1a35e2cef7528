"""pytest fixtures: each test gets its own emulator on a free port with a temporary data dir,
stopped and removed after the test.

    def test_stored(emulator):                       # real clock
        assert emulator.post_seed_payload("metrics-terraform-test_payload_small").status == 200

    @pytest.mark.emulator(clock="virtual", start="2021-06-27T03:59:00Z", config={...})
    def test_on_the_virtual_clock(emulator): ...

    def test_two(emulator_factory):                  # more than one, or options chosen in the test
        a, b = emulator_factory(), emulator_factory(clock="virtual")

Loaded automatically once the package is installed (entry point pytest11); from a source tree,
`-p covid_alert_emulator.pytest_plugin` or `pytest_plugins = [...]` in a conftest.py.
"""
import pytest

from .emulator import Emulator

MARKER = "emulator"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{MARKER}(clock='real', start=None, config=None, args=()): options of the "
        "test's `emulator` fixture (covid_alert_emulator.Emulator's arguments)")


@pytest.fixture
def emulator_factory():
    """Starts emulators with Emulator's arguments; all are stopped and removed after the test.
    A server that exited on its own during the test, or did not stop cleanly at teardown (exit
    code not 0), fails the test; one the test stopped itself (emu.stop()) is the test's affair."""
    started = []

    def make(**options):
        emu = Emulator(**options).start()  # a failed start cleans up after itself
        started.append(emu)
        return emu

    yield make
    failures = []
    for emu in started:
        died = not emu.stopped and emu.process.poll() is not None
        stopped_by_test = emu.stopped
        code = emu.stop()
        log = emu.log()
        emu.close()
        if died:
            failures.append(f"{emu.url} exited during the test (exit {code}):\n{log}")
        elif not stopped_by_test and code != 0:
            failures.append(f"{emu.url} did not stop cleanly (exit {code}):\n{log}")
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


@pytest.fixture
def emulator(request, emulator_factory):
    """A running Emulator for this test; options from @pytest.mark.emulator(...)."""
    marker = request.node.get_closest_marker(MARKER)
    options = dict(marker.kwargs) if marker else {}
    return emulator_factory(**options)
