# The fixture under test, from this tree (installed, pytest would load it by its entry point),
# and pytester to run inner test sessions for what happens after a test (teardown, isolation).
pytest_plugins = ["pytester", "covid_alert_emulator.pytest_plugin"]
