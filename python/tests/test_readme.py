"""The README's example test, as written there, passes with the fixture."""
import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_the_readme_example_passes(pytester):
    example = re.search(r"^```python\n(.*?)^```", README, re.S | re.M).group(1)
    assert len(example.strip().splitlines()) <= 7  # the import, the marker and five lines
    pytester.makepyfile(test_readme_example=example)
    pytester.runpytest("-p", "covid_alert_emulator.pytest_plugin").assert_outcomes(passed=1)
