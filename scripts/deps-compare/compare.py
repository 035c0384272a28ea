#!/usr/bin/env python3
"""Compare the advisories threatmap, osv-scanner (v1, offline) and govulncheck
(-scan module) find in one project, on the same advisory database.

usage: compare.py APP_DIR THREATMAP_JSON OSV_SCANNER_JSON [GOVULNCHECK_JSON]

Each tool's output is reduced to a set of (ecosystem, package, version,
advisory) where advisories that alias each other count as one (the smallest
id of the alias group names it). Prints the counts and every disagreement.
"""
import json, sys

def norm_pkg(eco, name):
    if eco == "PyPI":
        import re
        return re.sub(r"[-_.]+", "-", name).lower()
    return name

def norm_ver(eco, v):
    if eco == "Go":
        v = v.lstrip("v")
        # osv-scanner writes the go directive as it stands ("1.15"); the
        # release it names is 1.15.0.
        if v.count(".") == 1 and v.replace(".", "").isdigit():
            v += ".0"
    return v

class Aliases:
    def __init__(self):
        self.parent = {}
    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x
    def union(self, ids):
        ids = [i for i in ids if i]
        for i in ids[1:]:
            a, b = self.find(ids[0]), self.find(i)
            if a != b:
                self.parent[max(a, b)] = min(a, b)

def threatmap_hits(path, al):
    doc = json.load(open(path))
    hits = []
    for f in doc.get("findings", []):
        if f.get("rule") != "known-vulnerability":
            continue
        eco = f["ecosystem"]
        al.union([f["advisory"]] + f.get("aliases", []))
        hits.append((eco, norm_pkg(eco, f["package"]), norm_ver(eco, f["version"]), f["advisory"]))
    return hits

def osv_scanner_hits(path, al):
    doc = json.load(open(path))
    hits = []
    for res in doc.get("results", []) or []:
        for p in res.get("packages", []) or []:
            pkg = p["package"]
            eco = pkg["ecosystem"]
            for v in p.get("vulnerabilities", []) or []:
                al.union([v["id"]] + v.get("aliases", []))
                hits.append((eco, norm_pkg(eco, pkg["name"]), norm_ver(eco, pkg["version"]), v["id"]))
    return hits

def govulncheck_hits(path, al):
    # govulncheck -format json writes a stream of JSON objects.
    text = open(path).read()
    dec, i, hits = json.JSONDecoder(), 0, []
    osv = {}
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        obj, i = dec.raw_decode(text, i)
        if "osv" in obj:
            osv[obj["osv"]["id"]] = obj["osv"]
            al.union([obj["osv"]["id"]] + obj["osv"].get("aliases", []))
        if "finding" in obj:
            fd = obj["finding"]
            fr = fd["trace"][0]
            mod = fr.get("module", "")
            ver = fr.get("version", "")
            if mod == "stdlib":
                pass
            hits.append(("Go", mod, norm_ver("Go", ver), fd["osv"]))
    return hits

def reduce(hits, al):
    return {(e, p, v, al.find(a)) for e, p, v, a in hits}

def main():
    app, tm, osvs = sys.argv[1:4]
    gv = sys.argv[4] if len(sys.argv) > 4 else None
    al = Aliases()
    raw_tm = threatmap_hits(tm, al)
    raw_os = osv_scanner_hits(osvs, al)
    raw_gv = govulncheck_hits(gv, al) if gv else []
    A, B, C = reduce(raw_tm, al), reduce(raw_os, al), reduce(raw_gv, al)
    print(f"{app}: threatmap {len(A)} (findings {len(raw_tm)}), osv-scanner {len(B)} (entries {len(raw_os)})" +
          (f", govulncheck {len(C)}" if gv else ""))
    for name, x, y in [("only threatmap vs osv-scanner", A, B), ("only osv-scanner", B, A)] + \
                      ([("only threatmap vs govulncheck", {h for h in A if h[0] == 'Go'}, C), ("only govulncheck", C, A)] if gv else []):
        d = sorted(x - y)
        print(f"  {name}: {len(d)}")
        for h in d:
            print("    ", *h)

if __name__ == "__main__":
    main()
