#!/usr/bin/python3
"""Dev aid, never run by tests: regenerates sklearn-logistic-regression.json.

Fits StandardScaler + LogisticRegression(C=1.0, class_weight='balanced') on a fixed, imbalanced
synthetic dataset shaped like the conflict features, so the TypeScript fit can be checked
against scikit-learn. Run: /usr/bin/python3 src/ml/__fixtures__/make-sklearn-fixture.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(20240611)
n = 400
X = np.column_stack([
    rng.poisson(0.6, n).astype(float),                    # concurrent_editors
    np.minimum(rng.exponential(30.0, n), 168.0),          # hours_since_last_sync
    rng.beta(1.5, 8.0, n),                                # user_conflict_rate
    rng.gamma(2.0, 1.5, n),                               # entity_edit_frequency
    rng.uniform(0.0, 1.0, n) * (rng.uniform(size=n) < 0.4),  # field_overlap_score
])
z = -3.4 + 0.9 * X[:, 0] + 0.01 * X[:, 1] + 3.0 * X[:, 2] + 0.1 * X[:, 3] + 1.5 * X[:, 4]
y = (rng.uniform(size=n) < 1.0 / (1.0 + np.exp(-z))).astype(int)
X = np.round(X, 6)

scaler = StandardScaler().fit(X)
Xs = scaler.transform(X)
default = LogisticRegression(C=1.0, class_weight='balanced').fit(Xs, y)
tight = LogisticRegression(C=1.0, class_weight='balanced', tol=1e-12, max_iter=100000).fit(Xs, y)

out = {
    'sklearn_version': sklearn.__version__,
    'X': X.tolist(),
    'y': y.tolist(),
    'scaler': {'mean': scaler.mean_.tolist(), 'scale': scaler.scale_.tolist()},
    'default_fit': {
        'coefficients': default.coef_[0].tolist(),
        'intercept': float(default.intercept_[0]),
        'probabilities': default.predict_proba(Xs)[:, 1].tolist(),
    },
    'tight_fit': {
        'coefficients': tight.coef_[0].tolist(),
        'intercept': float(tight.intercept_[0]),
        'probabilities': tight.predict_proba(Xs)[:, 1].tolist(),
    },
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'sklearn-logistic-regression.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print('positives', int(y.sum()), 'of', n, '->', path)
