"""Small cells' palette colours fitted to what the blurred image shows.

Solving the blur out of small cells (deblur.py) amplifies the image's noise, and a
JPEG's half-resolution colour most of all: a black cell beside a blue one comes back
a little blue. Snapping each solved colour to its nearest palette colour then picks
a tinted twin of the right colour, and the palette colours themselves, means of such
readings, drift. Both are fitted to the image's own evidence instead:

- labels: each art cell takes the palette colour that, blurred with its neighbours,
  best explains the samples read from the image (the misfit is the quadratic form
  deblur.Blur describes, so a change to one cell is scored exactly and cheaply). Cells
  that share no samples are updated together (iterated conditional modes);
- colours: with the labels fixed, the palette colours are the least-squares fit to
  the samples (a small linear system: one unknown per palette colour and channel);
- merging: a colour whose cells a neighbouring colour explains nearly as well (by a
  model-size penalty, as in BIC), or that the fit has brought close to another, goes.
  Tinted twins collapse into one colour; a real shade on enough cells stays.

The three alternate a few rounds. Cells that are not art (the background) keep their
solved colours: they are part of what blurred into the art's edge. A palette the user
gave is only chosen from, never refitted or merged.

Where the pipeline allows it (the fringe beside the background; any cell on a key
colour), the background's own colour there is one more choice: a cell it explains
better than every palette colour is background (a blurred fringe, a slot between
two lines that read as their blend).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.pixelize.deblur import FROM_YCC, TO_YCC, Blur
from dgx_pixels_app.pixelize.palette import _weighted, distance

ROUNDS = 3  # labels then colours, at most this many times
SWEEPS = 2  # at most this many passes over the cells per round
CANDIDATES = 4  # a cell chooses among this many palette colours nearest its solved one
# A colour goes when a neighbouring one explains its cells nearly as well: the misfit
# grows by under MERGE x ln(cells) times its level per cell (a model-size penalty, as
# in BIC), or when the two are closer than JOIN (in palette.py's weighted RGB).
MERGE = 15.0
JOIN = 13.0
REACH = 1e-2  # cells whose samples overlap under this share of a cell's own count as apart


def fit_palette(
    blur: Blur,
    art: np.ndarray,
    palette: np.ndarray,
    refit: bool = True,
    background: np.ndarray | None = None,
    open_: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, 3) uint8 cell colours (``art`` cells from the palette, the rest
    as solved), the palette (its colours refitted when ``refit``) and the art cells
    that the background explains better than any palette colour: of the ``open_``
    cells, with ``background`` the background's colour at every cell (YCbCr)."""
    pal = palette.astype(np.float64) @ TO_YCC.T
    target = blur.solution
    labels = _squared(target[art], pal).argmin(1)
    current = target.copy()
    current[art] = pal[labels]
    ys, xs = np.nonzero(art)
    gone = np.zeros(len(ys), bool)  # art cells now taken as background
    if background is not None and open_ is not None:
        bg = background[ys, xs]
        may = open_[ys, xs]
    else:
        bg, may = None, np.zeros(len(ys), bool)
    grams = [blur.gram[0], blur.gram[1], blur.gram[1]]  # per channel: Y, Cb, Cr
    offsets = [(_offsets(gy), _offsets(gx)) for gy, gx in blur.gram]
    # the misfit's gradient, G (solved - current) per channel, and its curvature per cell
    grad = np.stack([gy @ (target - current)[..., c] @ gx for c, (gy, gx) in enumerate(grams)], -1)
    quad = np.stack([np.outer(np.diag(gy), np.diag(gx)) for gy, gx in grams], -1)
    fit = _Fit(pal, labels, gone, bg, may, ys, xs, current, grad, quad, blur.gram, offsets)
    for round_ in range(ROUNDS):
        changed = _relabel(fit, target)
        if not refit or (round_ and not changed):
            break
        live = ~fit.gone
        if not live.any():
            break
        ly, lx, ll = ys[live], xs[live], fit.labels[live]
        pal, normals = _refit(fit.pal, ll, ly, lx, art.shape, grad, blur.gram, offsets)
        ll, keep = _merge(pal, ll, normals, target[ly, lx] - current[ly, lx], grad[ly, lx])
        fit.labels[live] = ll
        fit.pal = pal[keep]
        fit.labels = np.maximum(np.cumsum(keep) - 1, 0)[fit.labels]
        new = fit.pal[fit.labels[live]]
        grad -= _scatter(ly, lx, new - current[ly, lx], blur.gram, offsets, art.shape)
        current[ly, lx] = new
    if refit:
        palette = np.clip(fit.pal @ FROM_YCC.T, 0, 255).round().astype(np.uint8)
    out = np.clip(target @ FROM_YCC.T, 0, 255).round().astype(np.uint8)
    out[ys, xs] = palette[fit.labels]
    taken = np.zeros(art.shape, bool)
    taken[ys[fit.gone], xs[fit.gone]] = True
    return out, palette, taken


@dataclass
class _Fit:
    """The state the rounds share: palette (YCbCr), each art cell's label and whether
    the background took it, the background's colour at those that may be taken, the
    cells' current colours and the misfit's gradient and curvature."""

    pal: np.ndarray
    labels: np.ndarray
    gone: np.ndarray
    bg: np.ndarray | None
    may: np.ndarray
    ys: np.ndarray
    xs: np.ndarray
    current: np.ndarray
    grad: np.ndarray
    quad: np.ndarray
    gram: tuple
    offsets: list


def _relabel(fit: _Fit, target: np.ndarray) -> int:
    """Iterated conditional modes over the art cells, those that share no samples at
    once, each choosing among the CANDIDATES palette colours nearest its solved colour,
    its own and (where it may) the background; the number of cells changed."""
    pal, labels, ys, xs, current, grad = fit.pal, fit.labels, fit.ys, fit.xs, fit.current, fit.grad
    total = 0
    count = min(CANDIDATES, len(pal))
    choices = np.argpartition(_squared(target[ys, xs], pal), count - 1, axis=1)[:, :count]
    # cells this far apart share no samples: each such lattice is updated at once
    apart = max(max(o) for o in fit.offsets[0] + fit.offsets[1]) + 1
    phase = (ys % apart) * apart + xs % apart
    groups = [np.nonzero(phase == p)[0] for p in range(apart * apart)]
    shape = current.shape[:2]
    for _ in range(SWEEPS):
        changed = 0
        for members in groups:
            if not len(members):
                continue
            my, mx = ys[members], xs[members]
            g, q, c = grad[my, mx], fit.quad[my, mx], current[my, mx]
            options = np.concatenate([choices[members], labels[members, None]], 1)
            cost = _cost(pal[options] - c[:, None, :], g, q)
            pick = cost.argmin(1)
            best = options[np.arange(len(members)), pick]
            to_bg = np.zeros(len(members), bool)
            if fit.bg is not None:
                own = fit.may[members]
                bg_cost = _cost(fit.bg[members][:, None, :] - c[:, None, :], g, q)[:, 0]
                to_bg = own & (bg_cost < cost[np.arange(len(members)), pick])
            moved = (best != labels[members]) | (to_bg != fit.gone[members])
            if not moved.any():
                continue
            who = members[moved]
            labels[who] = best[moved]
            fit.gone[who] = to_bg[moved]
            colour = np.where(
                to_bg[moved, None], fit.bg[who] if fit.bg is not None else 0, pal[best[moved]]
            )
            step = colour - current[ys[who], xs[who]]
            grad -= _scatter(ys[who], xs[who], step, fit.gram, fit.offsets, shape)
            current[ys[who], xs[who]] = colour
            changed += int(moved.sum())
        total += changed
        if not changed:
            break
    return total


def _cost(delta: np.ndarray, g: np.ndarray, q: np.ndarray) -> np.ndarray:
    """(m, n): how the misfit changes when m cells move by delta (m, n, 3)."""
    terms = delta * (delta * q[:, None, :] - 2 * g[:, None, :])
    return terms[..., 0] + terms[..., 1] + terms[..., 2]


def _refit(pal, labels, ys, xs, shape, grad, gram, offsets) -> tuple[np.ndarray, list]:
    """The palette colours that fit the samples best with the labels as they are:
    pal + N^-1 (the misfit's gradient summed per colour), and the normal matrices N
    (for lightness and for colour)."""
    k = len(pal)
    new = pal.copy()
    index = np.full(shape, -1)
    index[ys, xs] = labels
    used = np.bincount(labels, minlength=k) > 0
    normals = [
        _normal(index, k, gy, gx, oy, ox) for (gy, gx), (oy, ox) in zip(gram, offsets, strict=True)
    ]
    for c in range(3):
        normal = normals[min(c, 1)][np.ix_(used, used)]
        rhs = np.bincount(labels, weights=grad[ys, xs, c], minlength=k)[used]
        ridge = 1e-9 * np.trace(normal) / max(1, len(normal))
        new[used, c] += np.linalg.solve(normal + ridge * np.eye(len(normal)), rhs)
    return new, normals


def _merge(pal, labels, normals, misfit, grad) -> tuple[np.ndarray, np.ndarray]:
    """The labels with the cells of each palette colour that a more used colour
    explains nearly as well moved to it (see MERGE and JOIN), and the colours still
    used."""
    k = len(pal)
    counts = np.bincount(labels, minlength=k)
    noise = np.maximum((misfit * grad).sum(0) / max(1, len(labels)), 1e-6)  # per channel
    limit = MERGE * np.log(max(2, len(labels)))
    diag = np.stack([np.diag(normals[min(c, 1)]) for c in range(3)], -1)  # (k, 3)
    delta = pal[None, :, :] - pal[:, None, :]  # [p, q]: q's colour less p's
    cost = (delta**2 * diag[:, None, :] / noise).sum(-1)
    seen = _weighted(pal @ FROM_YCC.T)
    cost[distance(seen[None], seen[:, None]) < JOIN] = 0.0
    cost[np.arange(k), np.arange(k)] = np.inf
    cost[:, counts == 0] = np.inf
    order = np.argsort(cost.min(1))
    gone = np.zeros(k, bool)
    target = np.arange(k)
    for p in order:
        if counts[p] == 0 or gone[p]:
            continue
        row = np.where(gone, np.inf, cost[p])
        q = int(row.argmin())
        if row[q] >= limit or counts[q] < counts[p]:
            continue
        gone[p] = True
        target[p] = q
    labels = target[labels]
    return labels, np.bincount(labels, minlength=k) > 0


def _normal(index, k, gy, gx, oy, ox) -> np.ndarray:
    """(k, k): for colours p and q, the sum over pairs of art cells labelled p and q of
    how much their samples overlap (Gy[y, y'] Gx[x, x'])."""
    h, w = index.shape
    out = np.zeros(k * k)
    for dy in oy:
        for dx in ox:
            a = index[max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)]
            b = index[max(0, dy) : h - max(0, -dy), max(0, dx) : w - max(0, -dx)]
            both = (a >= 0) & (b >= 0)
            if not both.any():
                continue
            yy, xx = np.nonzero(both)
            y0, x0 = yy + max(0, -dy), xx + max(0, -dx)
            weight = gy[y0, y0 + dy] * gx[x0, x0 + dx]
            out += np.bincount(a[both] * k + b[both], weights=weight, minlength=k * k)
    return out.reshape(k, k)


def _scatter(ys, xs, step, gram, offsets, shape) -> np.ndarray:
    """(rows, cols, 3): Gy (step at the given cells) Gx, per channel (lightness with
    the first Gram pair, the colour planes with the second)."""
    h, w = shape
    out = np.empty((h * w, 3))
    for group, channels in ((0, (0,)), (1, (1, 2))):
        (gy, gx), (oy, ox) = gram[group], offsets[group]
        where, source, weight = [], [], []
        for dy in oy:
            ty = ys + dy
            row_ok = (ty >= 0) & (ty < h)
            for dx in ox:
                tx = xs + dx
                ok = np.nonzero(row_ok & (tx >= 0) & (tx < w))[0]
                where.append(ty[ok] * w + tx[ok])
                source.append(ok)
                weight.append(gy[ty[ok], ys[ok]] * gx[tx[ok], xs[ok]])
        at, src, wt = np.concatenate(where), np.concatenate(source), np.concatenate(weight)
        for c in channels:
            out[:, c] = np.bincount(at, weights=wt * step[src, c], minlength=h * w)
    return out.reshape(h, w, 3)


def _offsets(g: np.ndarray) -> list[int]:
    """The diagonals of a Gram matrix that hold anything (it is banded)."""
    peak = float(np.abs(g).max()) or 1.0
    out = [0]
    for o in range(1, len(g)):
        if np.abs(np.diagonal(g, o)).max() <= REACH * peak:
            break
        out += [o, -o]
    return out


def _squared(colours: np.ndarray, pal: np.ndarray) -> np.ndarray:
    """(n, k) squared distances between colours and palette colours (YCbCr)."""
    return (colours * colours).sum(1)[:, None] - 2 * colours @ pal.T + (pal * pal).sum(1)[None]
