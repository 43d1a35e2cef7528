"""CloudWatch through boto3 (Debian's botocore speaks the query protocol), the AWS CLI and raw
JSON-protocol requests: metrics in and out, the seed's alarms, alarm history and errors."""
import datetime
import gzip
import json
import unittest
import urllib.parse
import urllib.request

from botocore.exceptions import ClientError
from emulator_harness import Emulator, aws, client

START = "2021-06-27T00:00:00Z"
T0 = datetime.datetime(2021, 6, 27, tzinfo=datetime.timezone.utc)
AUTH = ("AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/monitoring/aws4_request, "
        "SignedHeaders=host, Signature=0")


def post(url, body, headers):
    req = urllib.request.Request(url + "/", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class CloudWatchWireTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator("--clock", "virtual", "--start", START).start()
        cls.cw = client("cloudwatch", cls.emu.url)

    @classmethod
    def tearDownClass(cls):
        cls.cw.close()
        cls.emu.stop()

    def advance(self, seconds):
        req = urllib.request.Request(self.emu.url + "/_emulator/clock", method="POST",
                                     data=json.dumps({"advance_seconds": seconds}).encode())
        urllib.request.urlopen(req).read()

    def test_seed_alarms_are_described(self):
        alarms = self.cw.describe_alarms(MaxRecords=100)["MetricAlarms"]
        by_name = {a["AlarmName"]: a for a in alarms}
        self.assertEqual(len(by_name), 20)
        a = by_name["metrics-api-gateway-500-errors-above-threshold"]
        self.assertEqual((a["Period"], a["Threshold"], a["Statistic"]), (600, 200.0, "Sum"))
        self.assertEqual(a["AlarmActions"], ["arn:aws:sns:ca-central-1:000000000000:alert-critical"])
        latency = by_name["metrics-api-gateway-above-maximum-latency"]
        self.assertEqual(latency["ExtendedStatistic"], "p95")
        traffic = by_name["metrics-api-gateway-traffic-change"]
        self.assertEqual([m["Id"] for m in traffic["Metrics"]],
                         ["current", "delta", "previous", "percent_change"])
        rc, out, err = aws(self.emu.url, "cloudwatch", "describe-alarms",
                           "--alarm-names", "create-metrics-dynamodb-wcu")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["MetricAlarms"][0]["Threshold"], 65000.0)

    def test_put_and_get_metric_statistics(self):
        for v in range(1, 101):
            self.cw.put_metric_data(Namespace="Test/App", MetricData=[{
                "MetricName": "Latency", "Dimensions": [{"Name": "Svc", "Value": "a"}],
                "Timestamp": T0 + datetime.timedelta(seconds=30), "Value": float(v),
                "Unit": "Milliseconds"}])
        got = self.cw.get_metric_statistics(
            Namespace="Test/App", MetricName="Latency", Dimensions=[{"Name": "Svc", "Value": "a"}],
            StartTime=T0, EndTime=T0 + datetime.timedelta(minutes=5), Period=60,
            Statistics=["Sum", "SampleCount", "Maximum"], ExtendedStatistics=["p99"])
        [d] = got["Datapoints"]
        self.assertEqual(d["Sum"], 5050.0)
        self.assertEqual(d["SampleCount"], 100.0)
        self.assertEqual(d["Maximum"], 100.0)
        self.assertAlmostEqual(d["ExtendedStatistics"]["p99"], 99.0, delta=1.0)
        names = [m["MetricName"] for m in self.cw.list_metrics(Namespace="Test/App")["Metrics"]]
        self.assertEqual(names, ["Latency"])

    def test_user_alarm_evaluates_on_the_virtual_clock(self):
        self.cw.put_metric_alarm(
            AlarmName="user-alarm", Namespace="Test/Alarm", MetricName="Errors",
            Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=5,
            ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching")
        [a] = self.cw.describe_alarms(AlarmNames=["user-alarm"])["MetricAlarms"]
        self.assertEqual(a["StateValue"], "INSUFFICIENT_DATA")
        self.assertEqual(a["StateReason"], "Unchecked: Initial alarm creation")
        now = self.cw.describe_alarms(AlarmNames=["user-alarm"])["MetricAlarms"][0]
        self.cw.put_metric_data(Namespace="Test/Alarm", MetricData=[
            {"MetricName": "Errors", "Value": 10.0}])
        self.advance(60)
        [a] = self.cw.describe_alarms(AlarmNames=["user-alarm"])["MetricAlarms"]
        self.assertEqual(a["StateValue"], "ALARM")
        self.assertIn("was greater than the threshold (5.0)", a["StateReason"])
        history = self.cw.describe_alarm_history(AlarmName="user-alarm",
                                                 HistoryItemType="StateUpdate")
        self.assertEqual(history["AlarmHistoryItems"][0]["HistorySummary"],
                         "Alarm updated from INSUFFICIENT_DATA to ALARM")
        self.cw.set_alarm_state(AlarmName="user-alarm", StateValue="OK", StateReason="manual")
        [a] = self.cw.describe_alarms(AlarmNames=["user-alarm"])["MetricAlarms"]
        self.assertEqual((a["StateValue"], a["StateReason"]), ("OK", "manual"))
        self.cw.delete_alarms(AlarmNames=["user-alarm"])
        self.assertEqual(self.cw.describe_alarms(AlarmNames=["user-alarm"])["MetricAlarms"], [])
        del now

    def test_errors(self):
        with self.assertRaises(ClientError) as e:
            self.cw.put_metric_data(Namespace="AWS/Lambda", MetricData=[{"MetricName": "x", "Value": 1.0}])
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidParameterValue")
        with self.assertRaises(ClientError) as e:
            self.cw.set_alarm_state(AlarmName="nope", StateValue="OK", StateReason="x")
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFound")
        with self.assertRaises(ClientError) as e:
            self.cw.put_metric_alarm(AlarmName="bad", Namespace="N", MetricName="M", Statistic="Sum",
                                     Period=45, EvaluationPeriods=1, Threshold=1,
                                     ComparisonOperator="GreaterThanThreshold")
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationError")

    def test_documented_limits_through_boto3(self):
        # The request rules (emulator/cloudwatch/wire_rules.cc) as botocore reports them;
        # botocore checks neither enums nor upper bounds, so these reach the emulator.
        for call, code, message in (
                (lambda: self.cw.describe_alarms(MaxRecords=101), "ValidationError",
                 "1 validation error detected: Value '101' at 'maxRecords' failed to satisfy "
                 "constraint: Member must have value less than or equal to 100"),
                (lambda: self.cw.put_metric_data(Namespace="T", MetricData=[
                    {"MetricName": "m", "Value": 1.0, "Unit": "Furlongs"}]), "ValidationError", None),
                (lambda: self.cw.put_metric_data(Namespace="T", MetricData=[
                    {"MetricName": "m", "Value": 1.0,
                     "Dimensions": [{"Name": "d%d" % i, "Value": "v"} for i in range(31)]}]),
                 "InvalidParameterValue",
                 "The collection MetricData.member.1.Dimensions must not have a size greater than "
                 "30.")):
            with self.assertRaises(ClientError) as e:
                call()
            self.assertEqual(e.exception.response["Error"]["Code"], code)
            if message:
                self.assertEqual(e.exception.response["Error"]["Message"], message)

    def test_json_protocol_and_gzip(self):
        headers = {"X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData",
                   "Content-Type": "application/x-amz-json-1.0", "Content-Encoding": "gzip",
                   "Authorization": AUTH}
        body = gzip.compress(json.dumps({"Namespace": "Test/Json", "MetricData": [
            {"MetricName": "Hits", "Values": [1, 2], "Counts": [3, 1]}]}).encode())
        status, _, _ = post(self.emu.url, body, headers)
        self.assertEqual(status, 200)
        headers["X-Amz-Target"] = "GraniteServiceVersion20100801.ListMetrics"
        del headers["Content-Encoding"]
        status, _, out = post(self.emu.url, json.dumps({"Namespace": "Test/Json"}).encode(), headers)
        self.assertEqual(json.loads(out)["Metrics"][0]["MetricName"], "Hits")
        headers["X-Amz-Target"] = "GraniteServiceVersion20100801.SetAlarmState"
        status, h, out = post(self.emu.url, json.dumps({"AlarmName": "nope", "StateValue": "OK",
                                                        "StateReason": "x"}).encode(), headers)
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(out)["__type"], "ResourceNotFound")
        self.assertEqual(h["x-amzn-query-error"], "ResourceNotFound;Sender")


if __name__ == "__main__":
    unittest.main()
