"""A tiny HTTP client for POST /save-metrics (urllib would hide non-2xx bodies and headers)."""
import http.client
import json
import os
import urllib.parse

PAYLOADS = os.path.join(os.path.dirname(__file__), "..", "data", "payloads")


def payload(name):
    with open(os.path.join(PAYLOADS, name), "rb") as f:
        return f.read()


class Saver:
    def __init__(self, url, api_key):
        parts = urllib.parse.urlparse(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.api_key = api_key

    def post(self, body, path="/save-metrics", headers=None, api_key=True, method="POST"):
        h = {"Content-Type": "application/json", "Accept": "application/json",
             "User-Agent": "CovidShield/1.4.5 test"}
        if api_key:
            h["x-api-key"] = self.api_key if api_key is True else api_key
        h.update(headers or {})
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()

    def close(self):
        self.conn.close()


def control(url, path, body=None):
    parts = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("POST" if body is not None else "GET", path,
                 body=json.dumps(body) if body is not None else None)
    r = conn.getresponse()
    data = json.loads(r.read() or b"null")
    conn.close()
    return r.status, data
