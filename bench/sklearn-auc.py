#!/usr/bin/python3
"""Cross-check leadscore's ROC AUC (and per-band conversion) against scikit-learn. Not run in CI.

Usage:
  ./bin/leadscore evaluate -m models/bank-marketing.yaml \
      -l test/fixtures/bank-marketing/bank-full.csv.gz --outcome y -o /tmp/eval
  /usr/bin/python3 bench/sklearn-auc.py /tmp/eval

Reads OUTDIR/scores.csv (lead_id, score, band, grade, outcome) and OUTDIR/evaluation.json, computes
sklearn.metrics.roc_auc_score on the same scores and outcomes, and prints both AUCs; exits 1 when they
differ in the third decimal. Needs Debian's python3-sklearn (apt-get install -y python3-sklearn).
"""
import csv
import json
import sys
from collections import Counter

from sklearn.metrics import roc_auc_score


def main(outdir: str) -> int:
    scores, labels, bands = [], [], []
    with open(f"{outdir}/scores.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            scores.append(float(row["score"]))
            labels.append(int(row["outcome"]))
            bands.append(row["band"])
    with open(f"{outdir}/evaluation.json", encoding="utf-8") as f:
        ev = json.load(f)
    ours = ev["model"]["auc"]
    theirs = roc_auc_score(labels, scores)
    print(f"leads: {len(labels)}, converted: {sum(labels)}")
    print(f"leadscore AUC: {ours:.6f}")
    print(f"sklearn   AUC: {theirs:.6f}")
    print(f"difference:    {abs(ours - theirs):.2e}")
    n, pos = Counter(bands), Counter(b for b, y in zip(bands, labels) if y == 1)
    print("band   leads  converted  conversion (python)  conversion (leadscore)")
    ours_band = {b["name"]: b for b in ev["model"]["bands"]}
    for name in [b["name"] for b in ev["model"]["bands"]]:
        conv = pos[name] / n[name] if n[name] else float("nan")
        lc = ours_band[name]["conversion"]
        print(f"{name:6} {n[name]:6} {pos[name]:10}  {conv:18.4f}  {lc if lc is None else round(lc, 4):>22}")
    same = round(ours, 3) == round(theirs, 3)
    print("equal to 3 decimals:", "yes" if same else "NO")
    return 0 if same else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
