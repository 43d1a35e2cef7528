"""S3 through boto3 and the AWS CLI: the seed's buckets, object round trips, listing with
prefixes/delimiters/pagination, ranges, copy, deletes, errors as botocore parses them, refused
keys, and the ETL's CSVs downloaded with `aws s3 cp`."""
import json
import os
import subprocess
import tempfile
import unittest
import urllib.request

from botocore.config import Config
from botocore.exceptions import ClientError
from emulator_harness import Emulator, aws, client

MASKED = "masked-metrics-tdvfd-production"


class S3WireTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator("--clock", "virtual", "--start", "2021-06-26T00:00:00Z").start()
        cls.s3 = client("s3", cls.emu.url)

    @classmethod
    def tearDownClass(cls):
        cls.s3.close()
        cls.emu.stop()

    def test_seed_buckets_exist(self):
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        for b in (MASKED, "unmasked-metrics-tdvfd-production", "error-samples-tdvfd-production"):
            self.assertIn(b, names)
        self.s3.head_bucket(Bucket=MASKED)

    def test_round_trip_range_head_copy_delete(self):
        self.s3.create_bucket(Bucket="rt-bucket")
        body = b"0123456789" * 10
        put = self.s3.put_object(Bucket="rt-bucket", Key="dir/a b+c.txt", Body=body,
                                 ContentType="text/plain", Metadata={"owner": "me"})
        self.assertEqual(put["ETag"], '"7a08b07e84641703e5f2c836aa59a170"')
        got = self.s3.get_object(Bucket="rt-bucket", Key="dir/a b+c.txt")
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["Metadata"], {"owner": "me"})
        part = self.s3.get_object(Bucket="rt-bucket", Key="dir/a b+c.txt", Range="bytes=10-19")
        self.assertEqual(part["Body"].read(), b"0123456789")
        self.assertEqual(part["ContentRange"], "bytes 10-19/100")
        head = self.s3.head_object(Bucket="rt-bucket", Key="dir/a b+c.txt")
        self.assertEqual(head["ContentLength"], 100)
        self.s3.copy_object(Bucket="rt-bucket", Key="copy.txt",
                            CopySource={"Bucket": "rt-bucket", "Key": "dir/a b+c.txt"})
        self.assertEqual(self.s3.get_object(Bucket="rt-bucket", Key="copy.txt")["Body"].read(), body)
        self.assertEqual(self.s3.delete_object(Bucket="rt-bucket", Key="copy.txt")
                         ["ResponseMetadata"]["HTTPStatusCode"], 204)
        # Deleting a missing key also succeeds.
        self.s3.delete_object(Bucket="rt-bucket", Key="copy.txt")
        # The object is a plain file under the data dir.
        with open(os.path.join(self.emu.data_dir, "s3", "rt-bucket", "dir", "a b+c.txt"), "rb") as f:
            self.assertEqual(f.read(), body)

    def test_listing(self):
        self.s3.create_bucket(Bucket="list-bucket")
        keys = ["a/1", "a/2", "b/1", "b/2/x", "c", "d"]
        for k in keys:
            self.s3.put_object(Bucket="list-bucket", Key=k, Body=b"x")
        r = self.s3.list_objects_v2(Bucket="list-bucket", Delimiter="/")
        self.assertEqual([c["Key"] for c in r["Contents"]], ["c", "d"])
        self.assertEqual([p["Prefix"] for p in r["CommonPrefixes"]], ["a/", "b/"])
        r = self.s3.list_objects_v2(Bucket="list-bucket", Prefix="b/")
        self.assertEqual([c["Key"] for c in r["Contents"]], ["b/1", "b/2/x"])
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket="list-bucket", PaginationConfig={"PageSize": 4})
        seen = [c["Key"] for p in pages for c in p.get("Contents", [])]
        self.assertEqual(seen, keys)
        r = self.s3.list_objects_v2(Bucket="list-bucket", MaxKeys=2)
        self.assertTrue(r["IsTruncated"])
        self.assertEqual(r["KeyCount"], 2)
        r = self.s3.list_objects(Bucket="list-bucket", Prefix="a/")
        self.assertEqual([c["Key"] for c in r["Contents"]], ["a/1", "a/2"])
        deleted = self.s3.delete_objects(Bucket="list-bucket", Delete={
            "Objects": [{"Key": "a/1"}, {"Key": "a/2"}]})
        self.assertEqual(sorted(d["Key"] for d in deleted["Deleted"]), ["a/1", "a/2"])

    def test_errors(self):
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket=MASKED, Key="missing")
        self.assertEqual(e.exception.response["Error"]["Code"], "NoSuchKey")
        with self.assertRaises(ClientError) as e:
            self.s3.head_object(Bucket=MASKED, Key="missing")
        self.assertEqual(e.exception.response["Error"]["Code"], "404")
        with self.assertRaises(ClientError) as e:
            self.s3.list_objects_v2(Bucket="no-such-bucket")
        self.assertEqual(e.exception.response["Error"]["Code"], "NoSuchBucket")
        with self.assertRaises(ClientError) as e:
            self.s3.create_bucket(Bucket=MASKED)
        self.assertEqual(e.exception.response["Error"]["Code"], "BucketAlreadyOwnedByYou")
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket=MASKED, Key="x", Range="bytes=0-1")
        self.assertEqual(e.exception.response["Error"]["Code"], "NoSuchKey")

    def test_traversal_keys_are_refused_and_nothing_leaves_the_bucket(self):
        for key in ["../escape", "a/../../escape", "/abs", "a//b"]:
            with self.assertRaises(ClientError) as e:
                self.s3.put_object(Bucket=MASKED, Key=key, Body=b"x")
            self.assertEqual(e.exception.response["Error"]["Code"], "InvalidArgument", key)
        self.assertFalse(os.path.exists(os.path.join(self.emu.data_dir, "escape")))
        self.assertFalse(os.path.exists(os.path.join(self.emu.data_dir, "s3", "escape")))

    def test_virtual_host_style(self):
        self.s3.put_object(Bucket=MASKED, Key="vh.txt", Body=b"vh")
        port = self.emu.url.rsplit(":", 1)[1]
        req = urllib.request.Request(f"http://127.0.0.1:{port}/vh.txt",
                                     headers={"Host": f"{MASKED}.localhost:{port}"})
        with urllib.request.urlopen(req) as r:
            self.assertEqual(r.read(), b"vh")

    def test_cli_lists_and_downloads_the_published_csvs(self):
        # Let the 03:00 ETL run on the virtual clock, then read its output with the CLI.
        req = urllib.request.Request(self.emu.url + "/_emulator/clock", method="POST",
                                     data=json.dumps({"set": "2021-06-26T03:00:30Z"}).encode())
        urllib.request.urlopen(req).read()
        rc, out, err = aws(self.emu.url, "s3", "ls", f"s3://{MASKED}/csv/", "--recursive")
        self.assertEqual(rc, 0, err)
        self.assertIn("csv/daily-journalier/installs.daily-journalier.csv", out)
        with tempfile.TemporaryDirectory() as d:
            target = os.path.join(d, "installs.csv")
            rc, _, err = aws(self.emu.url, "s3", "cp",
                             f"s3://{MASKED}/csv/daily-journalier/installs.daily-journalier.csv",
                             target)
            self.assertEqual(rc, 0, err)
            with open(target) as f:
                self.assertTrue(f.readline().startswith("date,"))
            upload = os.path.join(d, "up.txt")
            with open(upload, "w") as f:
                f.write("uploaded by the CLI\n")
            rc, _, err = aws(self.emu.url, "s3", "cp", upload, f"s3://{MASKED}/up.txt")
            self.assertEqual(rc, 0, err)
        got = self.s3.get_object(Bucket=MASKED, Key="up.txt")["Body"].read()
        self.assertEqual(got, b"uploaded by the CLI\n")


if __name__ == "__main__":
    unittest.main()
