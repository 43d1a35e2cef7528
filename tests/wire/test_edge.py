"""The HTTP edge (Boost.Asio/Beast) at the socket level: 100-continue, the body limit, HEAD,
malformed requests, many keep-alive connections at once. The server must answer each as
HTTP says and stay healthy."""
import json
import socket
import threading
import unittest
import urllib.request

from emulator_harness import Emulator


def raw(emu, data, read_until_close=True, timeout=5):
    host, port = emu.url[len("http://"):].split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(data)
        chunks = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks += chunk
                if not read_until_close and b"\r\n\r\n" in chunks:
                    break
        except socket.timeout:
            pass
        return chunks


def healthy(emu):
    with urllib.request.urlopen(emu.url + "/_emulator/health", timeout=5) as r:
        return r.status == 200


class EdgeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(config={"server": {"max_body_bytes": 1048576}}).start()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def test_expect_100_continue(self):
        host, port = self.emu.url[len("http://"):].split(":")
        body = b'{"x": 1}'
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(b"PUT /nobucket/key HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                      b"Authorization: AWS4-HMAC-SHA256 Credential=A/20210101/ca-central-1/s3/aws4_request, "
                      b"SignedHeaders=host, Signature=0\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
            first = s.recv(4096)
            self.assertTrue(first.startswith(b"HTTP/1.1 100 Continue"), first)
            s.sendall(body)
            rest = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                rest += chunk
        self.assertIn(b"HTTP/1.1 404", first + rest)
        self.assertIn(b"NoSuchBucket", first + rest)

    def test_body_over_the_limit_is_413_and_the_server_stays_up(self):
        reply = raw(self.emu, b"POST /save-metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" +
                    b"a" * 4096)
        self.assertTrue(reply.startswith(b"HTTP/1.1 413"), reply[:60])
        self.assertTrue(healthy(self.emu))

    def test_garbage_gets_400_and_the_server_stays_up(self):
        reply = raw(self.emu, b"\x00\x01 NOT HTTP AT ALL\r\n\r\n")
        self.assertTrue(reply == b"" or reply.startswith(b"HTTP/1.1 400"), reply[:60])
        self.assertTrue(healthy(self.emu))

    def test_head_carries_the_length_but_no_body(self):
        with urllib.request.urlopen(self.emu.url + "/_emulator/config") as r:
            length = len(r.read())
        reply = raw(self.emu, b"HEAD /_emulator/config HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head, _, body = reply.partition(b"\r\n\r\n")
        self.assertIn(b"HTTP/1.1 200", head)
        self.assertIn(b"Content-Length: %d" % length, head)
        self.assertEqual(body, b"")

    def test_many_keep_alive_connections_at_once(self):
        # More connections than the old thread-per-connection edge had threads (128).
        host, port = self.emu.url[len("http://"):].split(":")
        sockets = [socket.create_connection((host, int(port)), timeout=10) for _ in range(300)]
        try:
            for s in sockets:
                s.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n")
            answered = 0
            for s in sockets:
                data = s.recv(65536)
                answered += data.startswith(b"HTTP/1.1 200")
            self.assertEqual(answered, 300)
        finally:
            for s in sockets:
                s.close()


if __name__ == "__main__":
    unittest.main()
