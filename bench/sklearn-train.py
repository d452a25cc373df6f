#!/usr/bin/python3
"""Compare `leadscore train` with scikit-learn's LogisticRegression on the same features, encoding and
split (not run in CI). Needs Debian's python3-sklearn (apt-get install python3-sklearn) and a built
checkout (npm run build).

    /usr/bin/python3 bench/sklearn-train.py [--data test/fixtures/bank-marketing/bank-full.csv.gz] [--exclude-duration]

It runs `leadscore train --write-split` on the bank-marketing data with no other flag (so `duration`, the
length of the sales call, is in the file: the leakage guard must leave it out, or the script exits 1;
`--exclude-duration` passes `--exclude duration` instead), reads the written model for the encoding
(features, log1p, mean/sd, kept levels, null_values) and the split file for the train/holdout rows,
encodes the rows the same way in Python (so without duration), and fits:
  1. LogisticRegression(C = the C that leadscore chose), lbfgs, unpenalised intercept: the same problem,
     so coefficients and AUC should agree to rounding;
  2. LogisticRegressionCV over the same C grid, stratified 5-fold, log-loss: sklearn's own choice of C.
It prints both holdout AUCs next to leadscore's and exits 1 when a difference exceeds 0.01.
"""
import argparse
import csv
import gzip
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(ROOT, 'test', 'fixtures', 'bank-marketing', 'bank-full.csv.gz')
C_GRID = [round(10 ** e, 6 - int(math.floor(e)) - 1) for e in [-3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2]]


def parse_number(s):
    try:
        return float(s)
    except ValueError:
        return math.nan


def encode(rows, header, features, nulls):
    """The design matrix of leadscore's encoding, from the model's predictive section."""
    idx = {h.strip().lower(): i for i, h in enumerate(header)}
    cols = []
    for f in features:
        j = idx[f['name'].lower()]
        cells = [r[j].strip() for r in rows]
        missing = [c.lower() in nulls for c in cells]
        if f['type'] == 'numeric':
            enc = f['encoding']
            v = np.array([math.nan if m else parse_number(c) for c, m in zip(cells, missing)])
            if enc['transform'] == 'log1p':
                v = np.log1p(v)
            x = (v - enc['mean']) / enc['sd']
            miss = np.isnan(x)
            cols.append(np.where(miss, 0.0, x))
            if 'missing' in f:
                cols.append(miss.astype(float))
        else:
            levels = [str(k) for k in f['levels'].keys()]
            keys = [c.lower() for c in cells]
            for l in levels:
                cols.append(np.array([1.0 if (k == l and not m) else 0.0 for k, m in zip(keys, missing)]))
            known = set(levels)
            if 'other' in f:
                cols.append(np.array([1.0 if (not m and k not in known) else 0.0 for k, m in zip(keys, missing)]))
            if 'missing' in f:
                cols.append(np.array(missing, dtype=float))
    return np.column_stack(cols)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=DEFAULT_DATA)
    ap.add_argument('--seed', default='1')
    ap.add_argument('--exclude-duration', action='store_true', help='pass --exclude duration (the old way) instead of relying on the leakage guard')
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='leadscore-sklearn-')
    model_path = os.path.join(tmp, 'model.yaml')
    split_path = os.path.join(tmp, 'split.csv')
    cmd = ['node', os.path.join(ROOT, 'bin', 'leadscore'), 'train', '-l', args.data, '--outcome', 'y',
           *(['--exclude', 'duration'] if args.exclude_duration else []),
           '--seed', args.seed, '--write-split', split_path, '-o', model_path, '--json']
    t0 = time.time()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    seconds = time.time() - t0
    facts = json.loads(out.stdout)
    with open(model_path) as fh:
        model = yaml.safe_load(fh)
    pred = model['predictive']
    names = [f['name'] for f in pred['features']]
    if 'duration' in names:
        sys.exit('duration is a feature of the written model: the leakage guard did not leave it out')
    leaks = [l['name'] for l in facts.get('leaks', []) if not l.get('kept')]
    nulls = {str(v).strip().lower() for v in model['input']['leads']['null_values']} | {''}
    # a predictive model whose rounding was not enough to be noticed: warn if the file did not round-trip
    for f in pred['features']:
        if f['type'] == 'categorical' and any(not isinstance(k, str) for k in f['levels']):
            sys.exit('level keys were not read back as strings (YAML 1.1 booleans?)')

    opener = gzip.open if args.data.endswith('.gz') else open
    with opener(args.data, 'rt', newline='', encoding='utf-8') as fh:
        reader = csv.reader(fh, delimiter=';')
        header = next(reader)
        rows = list(reader)
    with open(split_path, newline='') as fh:
        split = list(csv.DictReader(fh))
    by_row = {int(s['row']): s for s in split}
    ycol = [h.strip().lower() for h in header].index('y')
    use = [i for i in range(len(rows)) if (i + 1) in by_row]
    rows = [rows[i] for i in use]
    sets = [by_row[i + 1]['set'] for i in use]
    y = np.array([1 if r[ycol].strip().lower() == 'yes' else 0 for r in rows])
    X = encode(rows, header, pred['features'], nulls)
    tr = np.array([s == 'train' for s in sets])
    ho = ~tr
    C = facts['c']

    same = LogisticRegression(C=C, solver='lbfgs', max_iter=5000, tol=1e-10).fit(X[tr], y[tr])
    auc_same = roc_auc_score(y[ho], same.predict_proba(X[ho])[:, 1])
    ours = []
    for f in pred['features']:
        if f['type'] == 'numeric':
            ours.append(f['coefficient'])
            if 'missing' in f:
                ours.append(f['missing'])
        else:
            ours.extend(f['levels'].values())
            if 'other' in f:
                ours.append(f['other'])
            if 'missing' in f:
                ours.append(f['missing'])
    coef_diff = float(np.max(np.abs(np.array(ours) - same.coef_[0]))) if len(ours) == X.shape[1] else float('nan')
    icpt_diff = abs(pred['intercept'] - float(same.intercept_[0]))

    cv = LogisticRegressionCV(Cs=C_GRID, cv=StratifiedKFold(5, shuffle=True, random_state=int(args.seed)),
                              scoring='neg_log_loss', solver='lbfgs', max_iter=5000, tol=1e-8).fit(X[tr], y[tr])
    auc_cv = roc_auc_score(y[ho], cv.predict_proba(X[ho])[:, 1])

    ls = facts['holdout_auc']
    how = '--exclude duration' if args.exclude_duration else f'no flags; left out by the leakage guard: {", ".join(leaks) or "nothing"}'
    print(f'data: {args.data} ({how}); features: {len(names)}, without duration; {len(rows)} rows, training {tr.sum()}, holdout {ho.sum()}, '
          f'{X.shape[1]} encoded columns')
    print(f'leadscore train          holdout AUC {ls:.4f}  (C = {C}, {seconds:.1f} s wall including node start)')
    print(f'sklearn, same C          holdout AUC {auc_same:.4f}  (max |coef diff| {coef_diff:.2e}, intercept diff {icpt_diff:.2e})')
    print(f'sklearn CV (C chosen {cv.C_[0]:g}) holdout AUC {auc_cv:.4f}')
    worst = max(abs(ls - auc_same), abs(ls - auc_cv))
    print(f'largest AUC difference: {worst:.4f} ({"ok" if worst <= 0.01 else "ABOVE 0.01"})')
    sys.exit(0 if worst <= 0.01 else 1)


if __name__ == '__main__':
    main()
