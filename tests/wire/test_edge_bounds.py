"""What the edge holds is bounded. server.max_buffered_body_bytes: request bodies held across all
connections are capped; past the cap a request is refused at once with a 503 shaped like the
addressed service's error, while requests on other connections keep being served; once held
bodies are answered, the room is back. (Before: every connection could hold
server.max_body_bytes, 64 MiB, with no overall cap.) server.max_connections: past it, new
connections wait in the accept backlog until one closes."""
import select
import socket
import time
import unittest

from emulator_harness import Emulator, client

MIB = 1 << 20
SIGNED_S3 = (b"Authorization: AWS4-HMAC-SHA256 Credential=A/20210101/ca-central-1/s3/aws4_request, "
             b"SignedHeaders=host, Signature=0\r\n")
SIGNED_DDB = (b"Authorization: AWS4-HMAC-SHA256 Credential=A/20210101/ca-central-1/dynamodb/aws4_request, "
              b"SignedHeaders=host, Signature=0\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\n")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def answered(conns, count, timeout=20):
    """Waits until `count` of `conns` have something to read; returns those."""
    ready = set()
    deadline = time.monotonic() + timeout
    while len(ready) < count and time.monotonic() < deadline:
        waiting = [s for s in conns if s not in ready]
        readable, _, _ = select.select(waiting, [], [], deadline - time.monotonic())
        ready.update(readable)
    return [s for s in conns if s in ready]


class BodyBudgetTest(unittest.TestCase):
    EDGE = "asio"

    def setUp(self):
        self.emu = Emulator(config={"server": {"edge": self.EDGE, "max_body_bytes": 4 * MIB,
                                               "max_buffered_body_bytes": 8 * MIB}}).start()
        host, port = self.emu.url[len("http://"):].split(":")
        self.address = (host, int(port))

    def tearDown(self):
        self.assertEqual(self.emu.stop(), 0)
        self.emu.__exit__()

    def open_body(self, length, extra_headers=b"", path=b"/save-metrics", sent=1024):
        """A connection whose request announces `length` body bytes and sends only `sent`."""
        s = socket.create_connection(self.address, timeout=10)
        s.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\n" + extra_headers +
                  b"Content-Length: %d\r\n\r\n" % length + b"a" * sent)
        return s

    def read_answer(self, s):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        return head, body

    def assert_refused(self, s, body_fragment):
        head, body = self.read_answer(s)
        self.assertTrue(head.startswith(b"HTTP/1.1 503"), head)
        self.assertIn(b"max_buffered_body_bytes", body)
        self.assertIn(body_fragment, body)
        return body

    def test_bodies_past_the_cap_get_503_while_other_requests_are_served(self):
        conns = [self.open_body(4 * MIB) for _ in range(3)]  # two of them fill the budget
        ddb = client("dynamodb", self.emu.url)
        try:
            refused = answered(conns, 1)
            self.assertEqual(len(refused), 1)
            self.assert_refused(refused[0], b'"message"')  # API Gateway's shape (/save-metrics)
            held = [s for s in conns if s is not refused[0]]
            s3 = self.open_body(1 * MIB, SIGNED_S3, path=b"/masked-metrics-tdvfd-production/k")
            self.assert_refused(s3, b"<Code>SlowDown</Code>")
            s3.close()
            ddb_put = self.open_body(1 * MIB, SIGNED_DDB, path=b"/")
            self.assert_refused(ddb_put, b'"__type":"ServiceUnavailable"')
            ddb_put.close()
            # A small request on another connection is served meanwhile.
            self.assertIn("TableNames", ddb.list_tables())
            # A held body that completes is answered (it was held, not refused) and gives its
            # room back: a new large body fits again.
            held[0].sendall(b"a" * (4 * MIB - 1024))
            head, _ = self.read_answer(held[0])
            self.assertTrue(head.startswith(b"HTTP/1.1 "), head)
            self.assertFalse(head.startswith(b"HTTP/1.1 503"), head)
            again = self.open_body(4 * MIB, sent=4 * MIB)
            head, _ = self.read_answer(again)
            self.assertFalse(head.startswith(b"HTTP/1.1 503"), head)
            again.close()
        finally:
            for s in conns:
                s.close()
            ddb.close()

    def test_many_nearly_sent_bodies_hold_at_most_the_cap(self):
        ddb = client("dynamodb", self.emu.url)
        self.assertIn("TableNames", ddb.list_tables())  # warm up
        ddb.close()
        before = rss_kib(self.emu.process.pid)
        conns = [self.open_body(4 * MIB, sent=0) for _ in range(10)]
        try:
            refused = answered(conns, 8)
            self.assertEqual(len(refused), 8)  # 2 x 4 MiB fill the 8 MiB budget
            for s in refused:
                self.assert_refused(s, b"retry later")
            held = [s for s in conns if s not in refused]
            for s in held:
                s.sendall(b"a" * (4 * MIB - 1))  # all but the last byte
            grown = rss_kib(self.emu.process.pid) - before
            print(f"RSS grew {grown} KiB with 2 bodies held and 8 refused")
            self.assertLess(grown, 24 * 1024)  # 10 held bodies would be 40 MiB
        finally:
            for s in conns:
                s.close()

class ConnectionCapTest(unittest.TestCase):
    def test_connections_past_the_cap_wait_until_one_closes(self):
        with Emulator(config={"server": {"max_connections": 4}}) as emu:
            host, port = emu.url[len("http://"):].split(":")
            held = [socket.create_connection((host, int(port)), timeout=10) for _ in range(4)]
            # Each held connection is a session once a request of its own has been answered.
            for s in held:
                s.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(len(answered(held, 4)), 4)
            for s in held:
                s.recv(65536)
            waiting = socket.create_connection((host, int(port)), timeout=10)
            waiting.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(answered([waiting], 1, timeout=0.5), [])  # in the backlog
            held[0].close()
            self.assertEqual(answered([waiting], 1, timeout=5), [waiting])
            self.assertTrue(waiting.recv(65536).startswith(b"HTTP/1.1 200"))
            for s in held[1:] + [waiting]:
                s.close()


class BodyBudgetConfigTest(unittest.TestCase):
    def test_a_cap_below_the_largest_body_is_a_config_error(self):
        import json
        import os
        import subprocess
        import tempfile
        from emulator_harness import EMULATOR_BIN
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"server": {"max_body_bytes": 4 * MIB, "max_buffered_body_bytes": MIB}}, f)
        proc = subprocess.run([EMULATOR_BIN, "serve", "--port", "0", "--config", f.name],
                              capture_output=True, text=True, timeout=30)
        os.unlink(f.name)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("/server/max_buffered_body_bytes", proc.stderr)
        self.assertIn("at least /server/max_body_bytes", proc.stderr)


if __name__ == "__main__":
    unittest.main()
