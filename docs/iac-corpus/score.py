#!/usr/bin/env python3
"""Score threatmap and a peer tool against a hand-written ground truth.

A ground-truth file (TSV, '#' starts a comment) has one row per planted
problem:

    file    line    resource    class    note

file is relative to the scanned root; resource is the address the problem
sits on (alternatives separated by '|', '-' when only the line counts);
class is one of the classes below. A tool finding matches a row when file
and class agree and either a resource alternative equals the finding's
resource or, for '-', the lines agree (a peer's line range may contain it).

Usage:
    score.py GT.tsv --root DIR [--threatmap F.json ...] [--tfsec F.json]
             [--actionlint F.jsonl] [--unmatched]

Per class it prints: planted, found by threatmap, found by the peer; with
--unmatched, every finding of a scored class that matches no row, for
review (false positive, duplicate, or a problem missing from the truth).
"""
import argparse
import json
import os
import sys
from collections import defaultdict

# threatmap rule id -> class.
THREATMAP = {
    "iac-s3-public-access-block": "s3-public-access",
    "iac-s3-public": "s3-public-access",
    "iac-s3-encryption-undeclared": "s3-encryption-undeclared",
    "iac-public-resource-policy": "public-policy",
    "iac-unencrypted-storage": "unencrypted-at-rest",
    "iac-internet-exposed": "internet-exposed",
    "iac-plain-http": "plain-transport",
    "iac-access-logging": "access-logging",
    "iac-audit-trail": "audit-trail",
    "iac-secret-literal": "secret-in-config",
    "iac-container-root": "container-root",
    "iac-container-privileged": "container-privileged",
    "iac-host-mount": "host-mount",
    "iac-database-no-auth": "db-no-auth",
    "iac-api-unauthenticated": "api-open",
    "iac-mutable-image": "mutable-image",
    "iam-admin-equivalent": "iam-wildcard",
    "iam-wildcard-action": "iam-wildcard",
    "iam-wildcard-resource": "iam-wildcard",
    "iam-notaction-allow": "iam-wildcard",
    "iam-notresource-allow": "iam-wildcard",
    "iam-privilege-escalation": "iam-escalation",
    "iam-public-trust": "iam-public-trust",
    "iam-data-exfiltration": "iam-data-exfiltration",
    "iam-destructive-wildcard": "iam-destructive",
    "iam-sensitive-no-condition": "iam-sensitive-no-condition",
    "unpinned-action": "unpinned-uses",
    "unpinned-image": "unpinned-images",
    "script-injection": "template-injection",
    "secret-exposure": "secrets",
    "self-hosted-runner-public": "self-hosted-runner",
    "missing-permissions": "excessive-permissions",
    "broad-permissions": "excessive-permissions",
    "untrusted-checkout": "untrusted-checkout",
}

# tfsec long id -> class (only the classes threatmap claims).
TFSEC = {
    "aws-s3-block-public-acls": "s3-public-access",
    "aws-s3-block-public-policy": "s3-public-access",
    "aws-s3-ignore-public-acls": "s3-public-access",
    "aws-s3-no-public-buckets": "s3-public-access",
    "aws-s3-specify-public-access-block": "s3-public-access",
    "aws-s3-no-public-access-with-acl": "s3-public-access",
    "aws-s3-enable-bucket-encryption": "s3-encryption-undeclared",
    "aws-s3-enable-bucket-logging": "access-logging",
    "aws-elb-alb-not-public": "internet-exposed-lb",
    "aws-ebs-enable-volume-encryption": "unencrypted-at-rest",
    "aws-ec2-enable-at-rest-encryption": "unencrypted-at-rest",
    "aws-ec2-enable-launch-config-at-rest-encryption": "unencrypted-at-rest",
    "aws-rds-encrypt-cluster-storage-data": "unencrypted-at-rest",
    "aws-rds-encrypt-instance-storage-data": "unencrypted-at-rest",
    "aws-neptune-enable-storage-encryption": "unencrypted-at-rest",
    "aws-elastic-search-enable-domain-encryption": "unencrypted-at-rest",
    "aws-elastic-search-enable-in-transit-encryption": "plain-transport",
    "aws-elastic-search-enforce-https": "plain-transport",
    "aws-elb-http-not-used": "plain-transport",
    "aws-ec2-no-secrets-in-user-data": "secret-in-config",
    "aws-ec2-no-secrets-in-launch-template-user-data": "secret-in-config",
    "general-secrets-no-plaintext-exposure": "secret-in-config",
    "aws-vpc-no-public-ingress-sgr": "internet-exposed",
    "aws-ec2-no-public-ingress-sgr": "internet-exposed",
    "aws-rds-no-public-db-access": "internet-exposed",
    "aws-eks-no-public-cluster-access": "internet-exposed",
    "aws-eks-no-public-cluster-access-to-cidr": "internet-exposed",
    "aws-iam-no-policy-wildcards": "iam-wildcard",
    "aws-sqs-no-wildcards-in-policy-documents": "public-policy",
}


def load_truth(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 4:
                sys.exit(f"{path}:{n}: want file, line, resource, class, note")
            file, ln, res, cls = parts[:4]
            rows.append({
                "file": file, "line": int(ln) if ln.isdigit() else 0,
                "res": set(res.split("|")) if res != "-" else set(),
                "cls": cls, "note": parts[4] if len(parts) > 4 else "", "hits": defaultdict(int),
            })
    return rows


def rel(path, root):
    path = path.replace("\\", "/")
    root = root.rstrip("/") + "/"
    return path[len(root):] if path.startswith(root) else path


def threatmap_findings(paths, root, prefix):
    out = []
    for p in paths:
        # A file may be given as PREFIX=FILE when the scan ran on a
        # subdirectory of the root.
        pre = prefix
        if "=" in p:
            pre, p = p.split("=", 1)
        with open(p) as f:
            data = json.load(f)
        for x in data.get("findings") or []:
            cls = THREATMAP.get(x["rule"])
            if cls is None:
                continue
            file = os.path.normpath(os.path.join(pre, x["file"])) if pre else x["file"]
            out.append({"file": file, "line": x.get("line", 0), "lo": x.get("line", 0), "hi": x.get("line", 0),
                        "res": x.get("resource", ""), "cls": cls, "text": f'{x["rule"]}: {x["message"]}'})
    return out


def tfsec_findings(path, root):
    with open(path) as f:
        data = json.load(f)
    out = []
    for x in data.get("results") or []:
        cls = TFSEC.get(x["long_id"])
        if cls is None:
            continue
        loc = x["location"]
        out.append({"file": rel(loc["filename"], root), "line": loc["start_line"], "lo": loc["start_line"],
                    "hi": loc["end_line"], "res": x.get("resource", ""), "cls": cls,
                    "text": f'{x["long_id"]}: {x["description"]}'})
    return out


def actionlint_findings(path, root):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            for x in json.loads(line) if line.startswith("[") else [json.loads(line)]:
                msg = x.get("message", "")
                cls = None
                if x.get("kind") == "expression" and "potentially untrusted" in msg:
                    cls = "template-injection"
                if cls is None:
                    continue
                out.append({"file": rel(x["filepath"], root), "line": x["line"], "lo": x["line"], "hi": x["line"],
                            "res": "", "cls": cls, "text": f'{x["kind"]}: {msg}'})
    return out


FILE_LEVEL = set()


def match(rows, findings, tool):
    unmatched = []
    for f in findings:
        hit = False
        for r in rows:
            if r["file"] != f["file"] or r["cls"] != f["cls"]:
                continue
            if r["cls"] in FILE_LEVEL or r["res"] and f["res"] in r["res"] or not r["res"] and f["lo"] <= r["line"] <= f["hi"]:
                r["hits"][tool] += 1
                hit = True
        if not hit:
            unmatched.append(f)
    return unmatched


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("truth")
    ap.add_argument("--root", required=True)
    ap.add_argument("--threatmap", nargs="*", default=[])
    ap.add_argument("--prefix", default="", help="path of threatmap's scanned directory inside the root")
    ap.add_argument("--tfsec")
    ap.add_argument("--actionlint")
    ap.add_argument("--unmatched", action="store_true")
    ap.add_argument("--only", help="score only rows whose note matches this regular expression")
    ap.add_argument("--skip-class", nargs="*", default=[], help="classes left out of the score")
    ap.add_argument("--file-level", nargs="*", default=[], help="classes matched by file alone (tools that report the same problem once per file, at another line)")
    a = ap.parse_args()
    rows = load_truth(a.truth)
    if a.only:
        import re
        rows = [r for r in rows if re.search(a.only, r["note"])]
    rows = [r for r in rows if r["cls"] not in a.skip_class]
    FILE_LEVEL.update(a.file_level)
    classes = sorted({r["cls"] for r in rows})
    tools = [("threatmap", threatmap_findings(a.threatmap, a.root, a.prefix))]
    if a.tfsec:
        tools.append(("tfsec", tfsec_findings(a.tfsec, a.root)))
    if a.actionlint:
        tools.append(("actionlint", actionlint_findings(a.actionlint, a.root)))
    extra = {name: match(rows, fs, name) for name, fs in tools}
    names = [n for n, _ in tools]
    print("| class | planted | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    tot = defaultdict(int)
    for c in classes:
        rs = [r for r in rows if r["cls"] == c]
        cells = []
        for n in names:
            k = sum(1 for r in rs if r["hits"][n])
            tot[n] += k
            cells.append(str(k))
        tot["planted"] += len(rs)
        print(f"| {c} | {len(rs)} | " + " | ".join(cells) + " |")
    print(f"| all | {tot['planted']} | " + " | ".join(f"{tot[n]} ({100*tot[n]/max(tot['planted'],1):.0f}%)" for n in names) + " |")
    for n in names:
        missed = [r for r in rows if not r["hits"][n]]
        if missed:
            print(f"\n{n} missed:")
            for r in missed:
                print(f'  {r["file"]}:{r["line"]} {"|".join(sorted(r["res"])) or "-"} {r["cls"]}  {r["note"]}')
    if a.unmatched:
        for n in names:
            scored = [f for f in extra[n] if f["cls"] in classes]
            if scored:
                print(f"\n{n} findings in scored classes that match no planted row:")
                for f in scored:
                    print(f'  {f["file"]}:{f["line"]} {f["res"]} {f["text"][:160]}')


if __name__ == "__main__":
    main()
