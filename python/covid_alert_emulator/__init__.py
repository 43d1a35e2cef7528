"""A fresh, private COVID Alert pipeline emulator per test.

    from covid_alert_emulator import Emulator
    with Emulator(clock="virtual", start="2021-06-27T03:59:00Z") as emu:
        emu.post_seed_payload("metrics-terraform-test_payload_small")
        emu.advance(60)
        assert emu.ledger()["nothing_lost"]

With pytest, the `emulator` fixture (covid_alert_emulator.pytest_plugin) does the same per test.
"""
from .emulator import (Emulator, EmulatorError, Response, run_scenario, seed_payloads)
from .locate import find_program
from .scenario import ScenarioResult

__version__ = "0.1.0"
__all__ = ["Emulator", "EmulatorError", "Response", "ScenarioResult", "find_program",
           "run_scenario", "seed_payloads"]
