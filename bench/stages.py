#!/usr/bin/env python3
"""Per-stage table of the prediction requests served between two /metrics snapshots.

    python3 bench/stages.py BEFORE AFTER [CLIENT_MEAN_MS]

Reads facemask_request_stage_seconds (see FaceMask.Api/Inference/RequestStage.cs): for each stage the
requests counted, the mean, and p50/p99 interpolated within the histogram's buckets. With the client's
mean latency (wrk's), the last row is what the client waited beyond the service's own total: Kestrel
accepting and parsing the request, the loopback network, and the load generator itself.
"""
import re
import sys

ORDER = ["pipeline", "form", "decode", "preprocess", "queue", "inference", "respond", "total"]
LINE = re.compile(r'^facemask_request_stage_seconds_(bucket|sum|count)\{(.*)\} (\S+)$')


def read(path):
    series = {}
    for line in open(path):
        match = LINE.match(line.strip())
        if not match:
            continue
        kind, labels, value = match.groups()
        labels = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        stage = series.setdefault(labels["stage"], {"buckets": {}, "sum": 0.0, "count": 0.0})
        if kind == "bucket":
            bound = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
            stage["buckets"][bound] = float(value)
        else:
            stage[kind] = float(value)
    return series


def quantile(buckets, q):
    total = buckets[max(buckets)]
    if total <= 0:
        return None
    lower_bound, lower_count = 0.0, 0.0
    for bound in sorted(buckets):
        count = buckets[bound]
        if count >= q * total:
            upper = lower_bound if bound == float("inf") else bound
            share = (q * total - lower_count) / (count - lower_count) if count > lower_count else 1
            return (lower_bound + (upper - lower_bound) * share) * 1000
        lower_bound, lower_count = bound, count
    return None


def main():
    before, after = read(sys.argv[1]), read(sys.argv[2])
    client_mean = float(sys.argv[3]) if len(sys.argv) > 3 else None
    print(f"  {'stage':<12} {'requests':>9} {'mean ms':>9} {'p50 ms':>8} {'p99 ms':>8}")
    total_mean = None
    for name in ORDER:
        if name not in after:
            continue
        now, then = after[name], before.get(name, {"buckets": {}, "sum": 0.0, "count": 0.0})
        count = now["count"] - then["count"]
        if count <= 0:
            continue
        buckets = {b: c - then["buckets"].get(b, 0.0) for b, c in now["buckets"].items()}
        mean = (now["sum"] - then["sum"]) / count * 1000
        total_mean = mean if name == "total" else total_mean
        p50, p99 = quantile(buckets, 0.5), quantile(buckets, 0.99)
        print(f"  {name:<12} {count:>9.0f} {mean:>9.3f} {p50:>8.3f} {p99:>8.3f}")
    if client_mean is not None and total_mean is not None:
        print(f"  {'outside':<12} {'':>9} {client_mean - total_mean:>9.3f}   (client mean {client_mean:.3f} ms - total: Kestrel parsing, network, wrk)")


main()
