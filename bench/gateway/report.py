"""Turns run.sh's figures (one JSON line per scenario, target and connection count) into the Markdown table of
bench/README.md, with each gateway figure as a ratio to the direct call measured in the same run."""
import json
import os
import platform
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
duration = float(sys.argv[2])


def rps(r):
    return r["requests"] / (r["duration_us"] / 1e6)


def ms(us):
    return f"{us / 1000:.2f}"


def find(scenario, target, connections):
    return next((r for r in rows if (r["scenario"], r["target"], r["connections"]) == (scenario, target, connections)), None)


cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"Machine: {os.cpu_count()} cores ({cpu}), {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
      f"{platform.system()} {platform.release()}; {duration:.0f} s per run.\n")
print("| scenario | conns | target | requests/s | p50 ms | p99 ms | vs direct | p50 overhead ms | errors | RSS MB |")
print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    direct = find(r["scenario"], "direct", r["connections"])
    ratio = f"{rps(r) / rps(direct):.1%}" if direct and r is not direct else ""
    overhead = ms(r["p50_us"] - direct["p50_us"]) if direct and r is not direct else ""
    errors = r["non2xx"] + r["socket_errors"] + r["timeouts"]
    print(f"| {r['scenario']} | {r['connections']} | {r['target']} | {rps(r):,.0f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} "
          f"| {ratio} | {overhead} | {errors} | {r.get('rss_mb', '')} |")

print("\nGateway against Portkey, and what the gateway persisted:\n")
print("| scenario | conns | × Portkey | CPU µs per call | PostgreSQL CPU µs per call | served (upstream calls) | RequestCompleted | during load /s | request log rows | projection lag s | lost |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    if r["target"] != "gateway":
        continue
    portkey = find(r["scenario"], "portkey", r["connections"])
    if not portkey:
        times = "n/a"
    elif portkey["non2xx"] + portkey["socket_errors"] > portkey["requests"] / 100:
        # An error is quicker than an answer: a gateway that mostly fails has no throughput to compare with.
        times = f"Portkey failed ({portkey['non2xx'] + portkey['socket_errors']:,} errors)"
    else:
        times = f"{rps(r) / rps(portkey):.1f}×"
    lost = r["upstream_calls"] - min(r["events"], r["request_log_rows"])
    cpu = f"{r['cpu_s_until_projected'] * 1e6 / r['upstream_calls']:,.0f}" if r.get("cpu_s_until_projected") and r["upstream_calls"] else ""
    pg = f"{r['pg_cpu_s_until_projected'] * 1e6 / r['upstream_calls']:,.0f}" if r.get("pg_cpu_s_until_projected") and r["upstream_calls"] else ""
    print(f"| {r['scenario']} | {r['connections']} | {times} | {cpu} | {pg} | {r['upstream_calls']:,} | {r['events']:,} "
          f"| {r['events_during_load'] / duration:,.0f} | {r['request_log_rows']:,} | {r['projection_lag_s']} | {lost} |")
