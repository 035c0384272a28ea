#!/usr/bin/env python3
"""Convert the Node.js security working group's npm advisories (vuln/npm/*.json)
into OSV records, so that threatmap and osv-scanner can be compared on the same
npm database. Ranges are npm semver expressions; the parts OSV cannot express
(an exclusive lower bound ">a") are skipped and counted on stderr.

usage: securitywg-to-osv.py SECURITY_WG_VULN_NPM_DIR OUT_DIR
"""
import glob, json, os, re, sys

def comparators(part):
    part = part.strip()
    # "1.2.x" / "2.x" wildcards
    m = re.fullmatch(r"(\d+)\.(\d+|x)(?:\.(x|\*))?", part)
    if m and ("x" in part or "*" in part):
        a, b = m.group(1), m.group(2)
        if b == "x":
            return [(">=", f"{a}.0.0"), ("<", f"{int(a)+1}.0.0")]
        return [(">=", f"{a}.{b}.0"), ("<", f"{a}.{int(b)+1}.0")]
    out = []
    for tok in re.findall(r"(>=|<=|>|<|=)?\s*([0-9][^\s]*|\*)", part):
        op, v = tok
        out.append((op or "=", v))
    return out

def events_for(expr):
    """Return (events, versions, skipped) for one npm range expression."""
    events, versions, skipped = [], [], 0
    for part in expr.split("||"):
        part = part.strip()
        if part in ("", "*", ">=0", ">=0.0.0"):
            events.append({"introduced": "0"})
            continue
        cs = comparators(part)
        lo = hi = None
        hi_incl = False
        for op, v in cs:
            if v == "*":
                lo = "0"
            elif op == ">=":
                lo = v
            elif op == ">":
                skipped += 1
                lo = None
                hi = None
                break
            elif op == "<":
                hi = v
            elif op == "<=":
                hi, hi_incl = v, True
            elif op == "=":
                versions.append(v)
        else:
            if lo is None and hi is None:
                continue
            events.append({"introduced": lo or "0"})
            if hi is not None:
                events.append({"last_affected" if hi_incl else "fixed": hi})
    return events, versions, skipped

def main(src, out):
    os.makedirs(out, exist_ok=True)
    n = skipped = 0
    for p in sorted(glob.glob(os.path.join(src, "*.json"))):
        if not os.path.basename(p)[:-5].isdigit():
            continue
        adv = json.load(open(p))
        expr = adv.get("vulnerable_versions") or ""
        if not expr:
            continue
        events, versions, s = events_for(expr)
        skipped += s
        if not events and not versions:
            continue
        # Each introduced..fixed pair is its own range, as OSV wants sorted
        # event lists per range.
        ranges, cur = [], []
        for e in events:
            if "introduced" in e and cur:
                ranges.append({"type": "SEMVER", "events": cur})
                cur = []
            cur.append(e)
        if cur:
            ranges.append({"type": "SEMVER", "events": cur})
        rec = {
            "schema_version": "1.6.0",
            "id": f"NSWG-ECO-{adv['id']}",
            "modified": (adv.get("updated_at") or "2020-01-01") + "T00:00:00Z",
            "aliases": adv.get("cves") or [],
            "summary": adv.get("title", ""),
            "affected": [{"package": {"ecosystem": "npm", "name": adv["module_name"]},
                          "ranges": ranges, "versions": versions}],
        }
        if adv.get("cvss_vector"):
            rec["severity"] = [{"type": "CVSS_V3", "score": adv["cvss_vector"]}]
        json.dump(rec, open(os.path.join(out, rec["id"] + ".json"), "w"), indent=1)
        n += 1
    print(f"{n} records written, {skipped} range parts skipped (exclusive lower bounds)", file=sys.stderr)

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
