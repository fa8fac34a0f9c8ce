#!/usr/bin/env python3
"""Where the service's threads spend their running time, from a dotnet-trace thread-time trace.

    python3 bench/trace_top.py TRACE.speedscope.json [N]

`dotnet-trace collect --profile dotnet-sampled-thread-time` samples every managed thread's stack
about 100 times a second, waiting or not, so `dotnet-trace report topN` is led by idle threads
(workers waiting for work, timers, the socket engine's epoll). This drops the time whose innermost
frame is a wait and prints the N frames with the most of the remaining, running, time: inclusive
(the frame anywhere on the stack) and exclusive (innermost). Native code (ONNX Runtime, OpenCV)
is counted in the managed frame that called it. Hangfire's background threads (its schedulers poll
the job store and sleep, partly in native code the sampler cannot tell from work) are counted apart.
"""
import json
import sys
from collections import defaultdict

# Innermost frames that mean "this thread is blocked", not "this thread is working".
WAITS = ("WaitHandle.Wait", "LowLevelLifoSemaphore.Wait", "Monitor.Wait", "ManualResetEventSlim.Wait",
         "SemaphoreSlim.Wait", "Thread.Sleep", "SpinWait", "FileSystemWatcher+RunningInstance.TryReadEvent",
         "CancellationTokenExtentions.Wait", "Interop+Sys.WaitForSocketEvents",
         "Task.SpinThenBlockingWait", "Task.InternalWait", "Thread.Join", "WaitSubsystem",
         "SocketAsyncEngine.EventLoop")
# The sampler's own leaves: the thread was in native code, or in managed code on the CPU.
PSEUDO = ("UNMANAGED_CODE_TIME", "CPU_TIME")


def short(name):  # "Module!Namespace.Type.Method(args)" -> "Type.Method", namespaces dropped
    method = name.split("(")[0].split("!")[-1].strip()
    parts = method.split(".")
    return ".".join(parts[-2:]) if len(parts) > 1 else method


def main():
    trace = json.load(open(sys.argv[1]))
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    full = [frame["name"] for frame in trace["shared"]["frames"]]
    frames = [short(name) for name in full]
    inclusive, exclusive = defaultdict(float), defaultdict(float)
    running = waiting = background = 0.0
    for profile in trace["profiles"]:
        stack, last = [], None
        for event in profile.get("events", []):
            if last is not None and stack and event["at"] > last:
                span = event["at"] - last
                names = [frames[f] for f in stack]
                real = [n for n in names if n not in PSEUDO]
                leaf = real[-1] if real else names[-1]
                if leaf in ("?", "Missing Symbol") or any(w in leaf for w in WAITS):  # unresolved: epoll and the like
                    waiting += span
                elif any(full[f].startswith("Hangfire.") for f in stack):
                    background += span
                else:
                    running += span
                    exclusive[leaf + (" (native)" if names[-1] == "UNMANAGED_CODE_TIME" else "")] += span
                    for name in set(real):
                        inclusive[name] += span
            last = event["at"]
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
    if running <= 0:
        sys.exit(f"{sys.argv[1]}: no running samples")
    # Frames every thread-pool item passes through say nothing about where its time goes.
    skip = ("Thread", "Threads", "(Non-Activities)", "Thread.StartCallback", "PortableThreadPool+", "ThreadPoolWorkQueue.",
            "ExecutionContext.", "AsyncTaskMethodBuilder", "Process64")
    print(f"  {(running + waiting + background) / 1000:.1f} thread-seconds sampled: {waiting / 1000:.1f} s waiting, "
          f"{background / 1000:.1f} s in Hangfire's background threads, {running / 1000:.1f} s running; share of the running time:")
    print(f"  {'frame (inclusive)':<90} {'%':>6}")
    ranked = [(t, n) for n, t in inclusive.items() if n and not n.startswith(skip) and "]." not in n]
    for spent, name in sorted(ranked, reverse=True)[:top]:
        print(f"  {name[:90]:<90} {100 * spent / running:>6.1f}")
    print(f"  {'frame (exclusive)':<90} {'%':>6}")
    for spent, name in sorted(((t, n) for n, t in exclusive.items()), reverse=True)[:top]:
        print(f"  {name[:90]:<90} {100 * spent / running:>6.1f}")


if __name__ == "__main__":
    main()
