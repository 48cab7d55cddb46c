"""A partner system for tests: a real HTTP server on a local port, in a thread.

It verifies every request's signature the way docs/exchange.md tells integrators to (its own
HMAC code, not Mosty's), fails the first ``fail_first`` requests with 503, and then answers 200.
"""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, secret="", fail_first=0, status=503):
        self.secret = secret
        self.fail_first = fail_first
        self.fail_status = status
        self.requests = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    number = len(receiver.requests) + 1
                    receiver.requests.append({
                        "headers": dict(self.headers.items()), "body": body,
                        "signature_ok": receiver.verify(self.headers, body),
                    })
                status = receiver.fail_status if number <= receiver.fail_first else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mosty-events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def verify(self, headers, body):
        """The receiver's check: HMAC-SHA256 of "<timestamp>.<raw body>", constant-time,
        timestamp no older than five minutes."""
        timestamp = headers.get("X-Mosty-Timestamp", "")
        signature = headers.get("X-Mosty-Signature", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
            return False
        expected = hmac.new(self.secret.encode(), timestamp.encode() + b"." + body,
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest("sha256=" + expected, signature)

    def events(self):
        return [json.loads(r["body"]) for r in self.requests]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
