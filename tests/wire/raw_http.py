"""Raw HTTP for tests that send what boto3 never would (0xFF bytes in the path or a header,
truncated bodies): the request is written to a socket byte for byte and the answer parsed with
http.client."""
import http.client
import json
import socket
import urllib.request


def signature(service):
    return ("AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/%s/aws4_request, "
            "SignedHeaders=host, Signature=0" % service)


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "Answer(%d, %r)" % (self.status, self.body[:300])


def send(url, method, path, headers=None, body=b"", timeout=10):
    """Sends one request; `path` and header values may be bytes (sent as they are)."""
    host, port = url[len("http://"):].split(":")
    if isinstance(path, str):
        path = path.encode()
    if isinstance(body, str):
        body = body.encode()
    lines = [method.encode() + b" " + path + b" HTTP/1.1", b"Host: " + host.encode() + b":" +
             port.encode(), b"Connection: close", b"Content-Length: " + str(len(body)).encode()]
    for k, v in (headers or {}).items():
        lines.append(k.encode() + b": " + (v if isinstance(v, bytes) else v.encode()))
    data = b"\r\n".join(lines) + b"\r\n\r\n" + body
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(data)
        response = http.client.HTTPResponse(s, method=method)
        response.begin()
        payload = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, payload)


def healthy(url):
    with urllib.request.urlopen(url + "/_emulator/health", timeout=10) as r:
        return r.status == 200


def json_request(url, target, body, service):
    """A JSON-protocol POST (SQS, CloudWatch, DynamoDB); `body` is bytes, str or a JSON value."""
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    return send(url, "POST", "/", {"X-Amz-Target": target,
                                   "Content-Type": "application/x-amz-json-1.0",
                                   "Authorization": signature(service)}, body)


def query_request(url, form, service, path="/"):
    """A query-protocol POST (SQS, CloudWatch) with a form body (str or bytes, sent as is)."""
    return send(url, "POST", path, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                                    "Authorization": signature(service)}, form)
