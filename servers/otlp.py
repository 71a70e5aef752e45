"""An OpenTelemetry collector stand-in: OTLP/HTTP traces received on loopback, and kept."""

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OtlpCollector:
    """``with OtlpCollector() as collector:`` an OTLP/HTTP trace receiver on loopback.

    Point a process at it with ``collector.environment()``. It answers 200 to every
    export and keeps the trace id and name of each span received (``parse=False``:
    only counts the exports, so a benchmark spends no time decoding them).
    """

    def __init__(self, *, parse: bool = True) -> None:
        self.parse = parse
        self.exports = 0
        self.spans: list[tuple[str, str]] = []  # (trace id in hex, span name)
        self.lock = threading.Lock()

    def environment(self) -> dict[str, str]:
        return {
            "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"http://127.0.0.1:{self.port}/v1/traces",
        }

    def __enter__(self) -> "OtlpCollector":
        collector = self

        class Receive(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                collector.receive(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass  # one line per export would drown the output

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Receive)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def receive(self, body: bytes) -> None:
        spans = []
        if self.parse:
            from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
                ExportTraceServiceRequest,
            )

            export = ExportTraceServiceRequest.FromString(body)
            spans = [
                (span.trace_id.hex(), span.name)
                for resource in export.resource_spans
                for scope in resource.scope_spans
                for span in scope.spans
            ]
        with self.lock:
            self.exports += 1
            self.spans.extend(spans)

    def trace_ids(self) -> set[str]:
        with self.lock:
            return {trace_id for trace_id, _ in self.spans}
