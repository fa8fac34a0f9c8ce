#!/usr/bin/env python3
"""An independent check of a Keras .h5 someone brings: flattens its config in Python (nested models
inlined, their weights found in the nested group by name), runs the numpy reference forward pass of
make_keras_fixtures.py on PNG faces already at the model's input size, and compares with what
`facemask predict` answered for the same files (argmax agreement, largest probability difference).

    facemask import-keras --h5 model.h5 --out DIR --classes a,b --input-size S [--scale X --offset Y]
    facemask predict --model DIR faces/*.png > ours.jsonl
    python3 compare_with_reference.py model.h5 ours.jsonl faces X Y

docs/keras.md lists the public models it was run on. Needs python3-h5py, python3-numpy, python3-pil.
"""
import json, sys, glob, numpy as np, h5py
sys.path.insert(0, '/work/main/FaceMask.Tests/Fixtures/Keras')
from PIL import Image
from make_keras_fixtures import forward_graph
h5, ours_path, faces, scale, offset = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
text = lambda v: v.decode() if hasattr(v, 'decode') else v
f = h5py.File(h5, 'r'); config = json.loads(text(f.attrs['model_config']))
nodes, alias, groups = [], {}, {}
def res(n): 
    while n in alias: n = alias[n]
    return n
def inbound(l):
    ib = l.get('inbound_nodes') or []
    if not ib: return []
    first = ib[0]
    if isinstance(first, dict):  # keras 3
        out = []
        def walk(a):
            if isinstance(a, dict) and 'keras_history' in a.get('config', {}): out.append(a['config']['keras_history'][0])
            elif isinstance(a, list): [walk(x) for x in a]
        walk(first['args']); return out
    return [t[0] for t in first]
def add(l, feeds, group):
    cls, cfg = l['class_name'], l['config']
    name = l.get('name') or cfg['name']
    if cls in ('Sequential', 'Functional', 'Model'):
        out = (seq if cls == 'Sequential' else func)(cfg, feeds[0], group or name); alias[name] = out; return out
    for k, v in (('strides', cfg.get('pool_size')),): cfg.setdefault(k, v)
    if cls in ('Conv2D', 'DepthwiseConv2D', 'SeparableConv2D'): cfg.setdefault('strides', [1, 1]); cfg.setdefault('padding', 'valid')
    cfg.setdefault('offset', 0.0)
    nodes.append((cls, cfg, feeds)); groups[cfg['name']] = group; return cfg['name']
def seq(cfg, feed, group):
    layers = cfg['layers'] if isinstance(cfg, dict) else cfg
    prev = feed
    for l in layers:
        if l['class_name'] == 'InputLayer': alias[l['config']['name']] = prev; continue
        prev = add(l, [res(prev)], group)
    return prev
def func(cfg, feed, group):
    for l in cfg['layers']:
        name = l.get('name') or l['config']['name']
        if l['class_name'] == 'InputLayer':
            if feed is not None and name != feed: alias[name] = feed
            continue
        add(l, [res(n) for n in inbound(l)], group)
    outs = cfg['output_layers']; return res(outs[0] if isinstance(outs[0], str) else outs[0][0])
if config['class_name'] == 'Sequential': out = seq(config['config'], 'input', None)
else:
    first = [l for l in config['config']['layers'] if l['class_name'] == 'InputLayer'][0]
    alias[first['config']['name']] = 'input'; out = func(config['config'], None, None)
g = f['model_weights']; W = {}
for cls, cfg, _ in nodes:
    grp = groups[cfg['name']] or cfg['name']
    names = [text(n) for n in g[grp].attrs['weight_names']]
    mine = [n for n in names if n.split('/')[-2] == cfg['name']] if groups[cfg['name']] else names
    if mine: W[cfg['name']] = {n.split('/')[-1].split(':')[0]: g[grp][n][()].astype(np.float64) for n in mine}
files = sorted(glob.glob(faces + '/*.png'))
x = np.stack([np.asarray(Image.open(p).convert('RGB'), dtype=np.float64) * scale + offset for p in files])
ref = forward_graph(nodes, W, x)
ours = [json.loads(l) for l in open(ours_path)]
assert [o['file'] for o in ours] == files
keys = list(ours[0]['probabilities'])
p = np.array([[o['probabilities'][k] for k in keys] for o in ours])
print(h5.split('/')[-1], len(nodes), 'layers; argmax agreement', int((p.argmax(1) == ref.argmax(1)).sum()), 'of', len(files), '; max |dp| %.2g' % np.abs(p - ref).max(), '; classes', np.bincount(ref.argmax(1), minlength=2))
