#!/usr/bin/env python3
"""Move TypeScript modules with `git mv` and rewrite every relative import of them (and their own
relative imports) so tsc stays clean. Usage: scripts/move-module.py old.ts=new.ts [...]"""
import os, re, subprocess, sys

ROOTS = ['src', 'test', 'bench', 'scripts']
IMPORT = re.compile(r"""((?:from|import|require\(|jest\.mock\(|import\()\s*['"])(\.{1,2}/[^'"]+)(['"])""")

def ts_files():
    for root in ROOTS:
        for dirpath, _, names in os.walk(root):
            for name in names:
                if name.endswith(('.ts', '.tsx')):
                    yield os.path.join(dirpath, name)

def resolve(importer, spec):
    base = os.path.normpath(os.path.join(os.path.dirname(importer), spec))
    for candidate in (base + '.ts', base + '.tsx', os.path.join(base, 'index.ts')):
        if os.path.exists(candidate):
            return candidate
    return None

def relative(importer, target):
    rel = os.path.relpath(target, os.path.dirname(importer))
    rel = re.sub(r'\.tsx?$', '', rel)
    return rel if rel.startswith('.') else './' + rel

def main(pairs):
    moves = dict(p.split('=') for p in pairs)
    # Resolve every import against the tree before moving, then write the new paths after.
    plans = {}
    for f in ts_files():
        text = open(f).read()
        targets = [(m.group(2), resolve(f, m.group(2))) for m in IMPORT.finditer(text)]
        plans[f] = (text, targets)
    for old, new in moves.items():
        os.makedirs(os.path.dirname(new), exist_ok=True)
        subprocess.check_call(['git', 'mv', old, new])
    for f, (text, targets) in plans.items():
        where = moves.get(f, f)
        changed = text
        for spec, target in targets:
            if target is None:
                continue
            target = moves.get(target, target)
            if f not in moves and target == resolve(f, spec):
                continue
            fixed = relative(where, target)
            if fixed != spec:
                changed = re.sub(r"""(['"])%s\1""" % re.escape(spec), lambda m: m.group(1) + fixed + m.group(1), changed)
        if changed != text:
            open(where, 'w').write(changed)

if __name__ == '__main__':
    main(sys.argv[1:])
