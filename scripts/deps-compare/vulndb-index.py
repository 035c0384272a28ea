#!/usr/bin/env python3
"""Lay out golang/vulndb's OSV records (data/osv/*.json) as the v1 database
govulncheck reads with -db file://DIR: index/db.json, index/modules.json and
ID/<id>.json. The records are copied unchanged.

usage: vulndb-index.py VULNDB_DATA_OSV_DIR OUT_DIR
"""
import glob, json, os, shutil, sys

def main(src, out):
    os.makedirs(os.path.join(out, "index"), exist_ok=True)
    os.makedirs(os.path.join(out, "ID"), exist_ok=True)
    modules, newest = {}, ""
    for p in sorted(glob.glob(os.path.join(src, "*.json"))):
        rec = json.load(open(p))
        shutil.copy(p, os.path.join(out, "ID", rec["id"] + ".json"))
        newest = max(newest, rec.get("modified", ""))
        for aff in rec.get("affected", []):
            path = aff["package"]["name"]
            fixed = ""
            for r in aff.get("ranges", []):
                for e in r.get("events", []):
                    fixed = e.get("fixed", fixed)
            entry = {"id": rec["id"], "modified": rec.get("modified", "")}
            if fixed:
                entry["fixed"] = fixed
            modules.setdefault(path, []).append(entry)
    json.dump({"modified": newest}, open(os.path.join(out, "index", "db.json"), "w"))
    json.dump([{"path": k, "vulns": v} for k, v in sorted(modules.items())],
              open(os.path.join(out, "index", "modules.json"), "w"))
    print(f"{len(modules)} modules indexed", file=sys.stderr)

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
