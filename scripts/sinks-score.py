#!/usr/bin/env python3
"""Score `threatmap scan sinks` and its peers against hand-read ground truth.

Usage: sinks-score.py CORPUS_DIR PEER_DIR TM_DIR

CORPUS_DIR holds docs/sinks-corpus/*.yaml; TM_DIR holds <app>.json written
by `threatmap scan sinks --format json <app>`; PEER_DIR holds
bandit-<app>.json (bandit -r -f json), gosec-<app>.json (gosec -fmt json)
and eslint-<app>.json (eslint -c scripts/sinks-eslint.config.mjs -f json).
A planted sink counts as found when a finding sits in the same file within
two lines. threatmap's other findings are split by the review in the YAML
(`rejected`: a note starting "FALSE POSITIVE" is a false positive, any
other note a true finding that was not planted) and "unreviewed" counts
those the YAML does not mention. Peer findings count only for tests in the
sinks classes and are not reviewed.
"""
import glob
import json
import os
import sys

import yaml

BANDIT = {"B102", "B301", "B302", "B303", "B307", "B310", "B313", "B314", "B315", "B316", "B317", "B318", "B319", "B320",
          "B410", "B506", "B602", "B603", "B604", "B605", "B606", "B607", "B608", "B609", "B611"}
ESLINT = {"security/detect-child-process", "security/detect-eval-with-expression", "security/detect-non-literal-fs-filename", "security/detect-new-buffer"}
GOSEC = {"G201", "G202", "G204", "G304", "G107", "G110", "G701", "G702", "G703", "G704"}


def near(f, line, findings):
    return any(x[0] == f and abs(x[1] - line) <= 2 for x in findings)


def load_tm(path):
    if not os.path.exists(path):
        return None
    doc = json.load(open(path))
    return [(f["file"], f["line"]) for f in doc.get("findings", []) if f["rule"] != "parse-error"]


def load_bandit(path, app):
    if not os.path.exists(path):
        return None
    doc = json.load(open(path))
    out = []
    for r in doc.get("results", []):
        if r["test_id"] in BANDIT:
            f = os.path.relpath(r["filename"], app) if os.path.isabs(r["filename"]) else r["filename"].split(app + "/", 1)[-1]
            out.append((f, r["line_number"]))
    return out


def load_eslint(path, app):
    if not os.path.exists(path):
        return None
    try:
        doc = json.load(open(path))
    except ValueError:
        return None
    out = []
    for f in doc:
        rel = f["filePath"].split(app + "/", 1)[-1]
        for m in f.get("messages", []):
            if m.get("ruleId") in ESLINT:
                out.append((rel, m["line"]))
    return out


def load_gosec(path):
    if not os.path.exists(path):
        return None
    doc = json.load(open(path))
    out = []
    for r in doc.get("Issues") or []:
        if r["rule_id"] in GOSEC:
            f = r["file"]
            out.append((f, int(str(r["line"]).split("-")[0])))
    return out


def main():
    corpus, peers, tmdir = sys.argv[1:4]
    print("| app | planted | threatmap found | threatmap true, not planted | threatmap false positives | unreviewed | peer | peer found | peer other findings |")
    print("|---|---|---|---|---|---|---|---|---|")
    totals = [0] * 7
    for gt in sorted(glob.glob(os.path.join(corpus, "*.yaml"))):
        doc = yaml.safe_load(open(gt))
        for app in doc["app"].split():
            planted = [p for p in doc["planted"]]
            tm = load_tm(os.path.join(tmdir, app + ".json")) or []
            found = sum(1 for p in planted if near(p["file"], p["line"], tm))
            others = [x for x in tm if not any(x[0] == p["file"] and abs(x[1] - p["line"]) <= 2 for p in planted)]
            rej = doc.get("rejected") or []
            fp = tp = unrev = 0
            for x in others:
                m = [r for r in rej if r["file"] == x[0] and abs(r["line"] - x[1]) <= 2]
                if not m:
                    unrev += 1
                elif m[0]["note"].startswith("FALSE POSITIVE"):
                    fp += 1
                else:
                    tp += 1
            peer, pf = "-", None
            b = load_bandit(os.path.join(peers, "bandit-" + app + ".json"), app)
            g = load_gosec(os.path.join(peers, "gosec-" + app + ".json"))
            e = load_eslint(os.path.join(peers, "eslint-" + app + ".json"), app)
            if b is not None:
                peer, pf = "bandit", b
            elif e is not None:
                peer, pf = "eslint-plugin-security", e
            elif g is not None:
                # gosec reports absolute paths; keep the part after the app.
                pf = [(f.split(app + "/", 1)[-1], l) for f, l in g]
                peer = "gosec"
            if pf is None:
                row = "-", "-"
            else:
                pfound = sum(1 for p in planted if near(p["file"], p["line"], pf))
                pother = sum(1 for x in pf if not any(x[0] == p["file"] and abs(x[1] - p["line"]) <= 2 for p in planted))
                row = str(pfound), str(pother)
            print(f"| {app} | {len(planted)} | {found} | {tp} | {fp} | {unrev} | {peer} | {row[0]} | {row[1]} |")
            for i, v in enumerate([len(planted), found, tp, fp, unrev]):
                totals[i] += v
            if pf is not None:
                totals[5] += len(planted)
                totals[6] += int(row[0])
    print(f"| total | {totals[0]} | {totals[1]} | {totals[2]} | {totals[3]} | {totals[4]} | | | |")
    print(f"\nWhere a peer ran: {totals[5]} planted; peer found {totals[6]}.")


if __name__ == "__main__":
    main()
