#!/usr/bin/env python3
"""Write a generated threatmap.yaml of N components (a surface, a flow and an
identity each, trust zones of ten) to stdout: the shape rules/engine_test.go's
benchmark model has, for measuring the report at sizes no example reaches.

usage: gen-model.py N > threatmap.yaml
"""
import sys

def main(n):
    out = ["system: {name: generated, reviewed: 2026-10-01, review_every: 90d}", "assets:",
           "  - {id: data, kind: user-data}", "  - {id: keys, kind: credentials}", "  - {id: credits, kind: credits}",
           "components:"]
    kinds = ["service", "datastore", "bucket", "queue", "function", "third-party", "admin", "cache"]
    for i in range(n):
        out.append(f"  - {{id: c{i}, kind: {kinds[i % len(kinds)]}, runs_as: id{i % (n // 4 + 1)}, stores: [data]}}")
    out.append("identities:")
    for i in range(n // 4 + 1):
        out.append(f"  - {{id: id{i}, kind: iam-role, scope: broad}}")
    out.append("surfaces:")
    skinds = ["endpoint", "webhook", "upload", "admin", "exit"]
    for i in range(n):
        k = skinds[i % len(skinds)]
        if k == "exit":
            out.append(f"  - {{id: s{i}, kind: exit, exit: error, component: c{i}}}")
        else:
            out.append(f"  - {{id: s{i}, kind: {k}, component: c{i}, method: POST, path: /r{i}/:id, costly: {str(i % 2 == 0).lower()}, assets: [data, credits], sender: stripe}}")
    out.append("flows:")
    for i in range(1, n):
        out.append(f"  - {{from: c{i-1}, to: c{i}, data: [data], protocol: {['https', 'http'][i % 2]}}}")
    out.append("boundaries:")
    for z in range(0, n, 10):
        ids = ", ".join(f"c{i}" for i in range(z, min(n, z + 10)))
        out.append(f"  - {{id: z{z // 10}, components: [{ids}]}}")
    print("\n".join(out))

if __name__ == "__main__":
    main(int(sys.argv[1]))
