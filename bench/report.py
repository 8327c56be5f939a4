#!/usr/bin/env python3
"""Summarises a results.jsonl of bench/run.sh as Markdown tables."""
import json
import sys


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    by_name = {r["name"]: r for r in rows}
    loads = [r["load"] for r in rows if r["name"] == "machine"]
    print(f"load averages during the run: {', '.join(loads)}\n")
    print("| run | req/s | ok/s | p50 ms | p90 ms | p99 ms | errors (status/socket) | server CPU µs/req | wrk CPU µs/req | load (1 min) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "rps" not in r:
            continue
        print(
            f"| {r['name']} | {r['rps']:,.0f} | {r['ok_per_s']:,.0f} | {r['p50_us'] / 1000:.2f} | "
            f"{r['p90_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} | {r['status_errors']}/{r['socket_errors']} | "
            f"{r.get('server_cpu_us_per_req', '-')} | {r.get('wrk_cpu_us_per_req', '-')} | {r.get('load1', '-')} |"
        )
    print()
    def split(r):
        if "anon_kib" not in r:
            return ""
        return f" (heap {r['anon_kib'] / 1024:.1f} MiB, mapped database {r['file_kib'] / 1024:.1f} MiB)"

    for name in ("iamd_idle_rss_kib", "iamd_rss_after_load_kib", "iamd_rss_end_kib", "moto_idle_rss_kib"):
        if name in by_name:
            print(f"- {name}: {by_name[name]['value'] / 1024:.1f} MiB{split(by_name[name])}")
    for r in rows:
        if r["name"].startswith("users_"):
            print(f"- {r['name']}: {r['value']} users in the store, RSS {r['rss_kib'] / 1024:.1f} MiB{split(r)}")
    for r in rows:
        if r["name"].startswith("load_") and r.get("wrk"):
            n = r["wrk"]["requests"]
            print(f"- {r['name']}: {r['seconds']:.1f} s ({n / r['seconds']:,.0f} CreateUser/s incl. wrk start)")
    for a, b in (("iamd_getuser_fixed_1000", "moto_getuser_fixed_1000"), ("iamd_createuser", "moto_createuser")):
        if a in by_name and b in by_name and by_name[b]["ok_per_s"]:
            print(f"- ratio {a} / {b}: {by_name[a]['ok_per_s'] / by_name[b]['ok_per_s']:.0f}x")


if __name__ == "__main__":
    main()
