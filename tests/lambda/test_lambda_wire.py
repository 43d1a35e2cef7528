"""Lambda's configuration API over the wire, with the real AWS CLI and boto3:
UpdateFunctionConfiguration (MemorySize, Timeout) and GetFunctionConfiguration, AWS's validation
errors, and the change reaching the functions the pipeline invokes (their REPORT log lines)."""
import os
import unittest
import urllib.request

from emulator_harness import Emulator, aws, client, wait_until


PAYLOAD = os.path.join(os.path.dirname(__file__), "..", "data", "payloads",
                       "metrics-terraform-test_payload_small.json")


def save_metrics(emu):
    with open(PAYLOAD, "rb") as f:
        body = f.read()
    request = urllib.request.Request(emu.url + "/save-metrics", data=body, method="POST",
                                     headers={"x-api-key": emu.api_key,
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as r:
        return r.status


class LambdaConfigurationTest(unittest.TestCase):
    def test_cli_update_then_get_and_the_invocations_use_it(self):
        with Emulator() as emu:
            rc, out, err = aws(emu.url, "lambda", "update-function-configuration",
                               "--function-name", "create_metrics", "--memory-size", "1024",
                               "--timeout", "10")
            self.assertEqual(rc, 0, err)
            self.assertEqual((out["MemorySize"], out["Timeout"]), (1024, 10))
            self.assertEqual(out["FunctionName"], "create_metrics")
            rc, out, err = aws(emu.url, "lambda", "get-function-configuration",
                               "--function-name", "create_metrics")
            self.assertEqual(rc, 0, err)
            self.assertEqual((out["MemorySize"], out["Timeout"]), (1024, 10))
            self.assertNotEqual(out["LastModified"], "2021-10-01T00:00:00.000+0000")
            # The next invocation runs with it: its REPORT line says so.
            self.assertEqual(save_metrics(emu), 200)
            logs = client("logs", emu.url)
            events = wait_until(lambda: logs.filter_log_events(
                logGroupName="/aws/lambda/create_metrics", filterPattern="REPORT")["events"])
            self.assertIn("Memory Size: 1024 MB", events[-1]["message"])

    def test_boto3_validation_errors_are_awss(self):
        with Emulator() as emu:
            lam = client("lambda", emu.url)
            before = lam.get_function_configuration(FunctionName="aggregate_metrics")
            with self.assertRaises(lam.exceptions.ClientError) as too_long:
                lam.update_function_configuration(FunctionName="aggregate_metrics", Timeout=901)
            error = too_long.exception.response["Error"]
            self.assertEqual(error["Code"], "ValidationException")
            self.assertEqual(error["Message"],
                             "1 validation error detected: Value '901' at 'timeout' failed to "
                             "satisfy constraint: Member must have value less than or equal to 900")
            self.assertEqual(too_long.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
            with self.assertRaises(lam.exceptions.ClientError) as too_big:
                lam.update_function_configuration(FunctionName="aggregate_metrics", MemorySize=10241)
            self.assertEqual(too_big.exception.response["Error"]["Message"],
                             "'MemorySize' value failed to satisfy constraint: Member must have "
                             "value less than or equal to 10240")
            with self.assertRaises(lam.exceptions.ResourceNotFoundException):
                lam.update_function_configuration(FunctionName="nope", Timeout=5)
            after = lam.get_function_configuration(FunctionName="aggregate_metrics")
            self.assertEqual((after["MemorySize"], after["Timeout"]),
                             (before["MemorySize"], before["Timeout"]))
            ok = lam.update_function_configuration(FunctionName="aggregate_metrics", MemorySize=128)
            self.assertEqual((ok["MemorySize"], ok["Timeout"]), (128, before["Timeout"]))


if __name__ == "__main__":
    unittest.main()
