"""AWS requests for services or operations the emulator does not implement get the protocol's
own error shape with a message naming the service and the operation and listing what is
emulated: the AWS CLI prints it and exits non-zero, boto3 raises it (never the WAF's answer,
never an empty body)."""
import unittest

import botocore.exceptions

from emulator_harness import Emulator, aws, client

NOT_SUPPORTED = "is not supported by this emulator"


class UnsupportedServiceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator().start()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def assert_cli_refused(self, service, operation, *args, shown_operation=None):
        rc, _, err = aws(self.emu.url, *args)
        self.assertNotEqual(rc, 0, err)
        self.assertIn("(NotImplemented)", err)
        self.assertIn(f"Service '{service}' operation '{shown_operation or operation}' "
                      f"{NOT_SUPPORTED}", err)
        # The list of what is emulated.
        for emulated in ("dynamodb", "sqs", "s3", "lambda", "logs", "sns"):
            self.assertIn(emulated, err.split("Emulated services:")[1])

    def test_json_1_0_service(self):  # Step Functions speaks JSON 1.0
        self.assert_cli_refused("states", "ListStateMachines", "stepfunctions", "list-state-machines")

    def test_json_1_1_service(self):
        self.assert_cli_refused("kinesis", "ListStreams", "kinesis", "list-streams")

    def test_rest_json_service(self):
        self.assert_cli_refused("apigateway", "GetRestApis", "apigateway", "get-rest-apis",
                                shown_operation="GET /restapis")

    def test_rest_xml_service(self):
        self.assert_cli_refused("route53", "ListHostedZones", "route53", "list-hosted-zones",
                                shown_operation="GET /2013-04-01/hostedzone")

    def test_query_service(self):
        self.assert_cli_refused("sts", "GetCallerIdentity", "sts", "get-caller-identity")

    def test_ec2_query_service(self):
        self.assert_cli_refused("ec2", "DescribeVpcs", "ec2", "describe-vpcs")

    def test_boto3_raises_the_error_with_its_code(self):
        kinesis = client("kinesis", self.emu.url)
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            kinesis.list_streams()
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], "NotImplemented")
        self.assertIn("'kinesis' operation 'ListStreams' " + NOT_SUPPORTED, error["Message"])
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 501)

    def test_unknown_operations_of_emulated_services_say_so(self):
        for args, code in ((("dynamodb", "list-backups"), "UnknownOperationException"),
                           (("sns", "list-platform-applications"), "InvalidAction"),
                           (("logs", "describe-metric-filters"), "UnknownOperationException")):
            rc, _, err = aws(self.emu.url, *args)
            self.assertNotEqual(rc, 0)
            self.assertIn(f"({code})", err)
            self.assertIn(NOT_SUPPORTED, err)


if __name__ == "__main__":
    unittest.main()
