"""Array back ends for the ideal-point estimator: NumPy/SciPy (default) and PyTorch (optional).

The estimator in :mod:`allegiance.measure.ideal` is written against the small
set of operations below, so that the same code runs on the CPU with NumPy and
on a GPU with PyTorch. PyTorch is imported only when :func:`get_backend` is
asked for ``device="cuda"`` (or another torch device); it is not a dependency
of the package or of its tests.

The numerical core here is the moments of a truncated standard normal,
written to stay accurate far into the tails (the scaled complementary error
function ``erfcx`` replaces ratios of tiny normal tail probabilities).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["Backend", "get_backend", "interval_moments", "truncnorm_moments", "upper_tail_moments"]

_SQRT2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_SQRT_PI_OVER_2 = math.sqrt(math.pi / 2.0)
_SQRT_2PI = math.sqrt(2.0 * math.pi)


class Backend:
    """The operations the estimator needs, on one array library and device."""

    name = "numpy"
    device = "cpu"

    def __init__(self) -> None:
        from scipy import special

        self._special = special

    # construction and transfer
    def asarray(self, a: Any, dtype: str = "float") -> Any:
        return np.ascontiguousarray(a, dtype=np.float64 if dtype == "float" else np.int64)

    def zeros(self, shape: Any) -> Any:
        return np.zeros(shape, dtype=np.float64)

    def full(self, shape: Any, value: float) -> Any:
        return np.full(shape, value, dtype=np.float64)

    def to_numpy(self, a: Any) -> np.ndarray:
        return np.asarray(a)

    def copy(self, a: Any) -> Any:
        return a.copy()

    def stack(self, arrays: list[Any], axis: int = 1) -> Any:
        return np.stack(arrays, axis=axis)

    def concat(self, arrays: list[Any]) -> Any:
        return np.concatenate(arrays)

    # elementwise and reductions
    def bincount(self, idx: Any, weights: Any, n: int) -> Any:
        return np.bincount(idx, weights=weights, minlength=n)

    def where(self, cond: Any, a: Any, b: Any) -> Any:
        return np.where(cond, a, b)

    def exp(self, a: Any) -> Any:
        return np.exp(a)

    def log(self, a: Any) -> Any:
        return np.log(a)

    def log1p(self, a: Any) -> Any:
        return np.log1p(a)

    def sqrt(self, a: Any) -> Any:
        return np.sqrt(a)

    def clip(self, a: Any, lo: float | None, hi: float | None) -> Any:
        return np.clip(a, lo, hi)

    def abs_max(self, a: Any) -> float:
        return float(np.max(np.abs(a))) if a.size else 0.0

    def sum(self, a: Any) -> float:
        return float(np.sum(a))

    def erfcx(self, a: Any) -> Any:
        return self._special.erfcx(a)

    def ndtr(self, a: Any) -> Any:
        return self._special.ndtr(a)

    def log_ndtr(self, a: Any) -> Any:
        return self._special.log_ndtr(a)


class TorchBackend(Backend):
    """The same operations on PyTorch tensors (float64) on a torch device."""

    name = "torch"

    def __init__(self, device: str) -> None:
        try:
            import torch
        except ImportError as exc:  # pragma: no cover - depends on the machine
            from allegiance.errors import VoteInputError

            raise VoteInputError(
                f"device={device!r} needs PyTorch, which is not installed: "
                "install it (pip install torch) or use device='cpu'"
            ) from exc
        dev = torch.device(device)
        if dev.type == "cuda" and not torch.cuda.is_available():
            from allegiance.errors import VoteInputError

            raise VoteInputError(
                f"device={device!r}: PyTorch is installed but reports no CUDA device; use device='cpu'"
            )
        self.torch = torch
        self.device = str(dev)
        self._dev = dev

    def asarray(self, a: Any, dtype: str = "float") -> Any:
        t = self.torch
        return t.as_tensor(np.asarray(a), dtype=t.float64 if dtype == "float" else t.int64, device=self._dev)

    def zeros(self, shape: Any) -> Any:
        return self.torch.zeros(_shape(shape), dtype=self.torch.float64, device=self._dev)

    def full(self, shape: Any, value: float) -> Any:
        return self.torch.full(_shape(shape), value, dtype=self.torch.float64, device=self._dev)

    def to_numpy(self, a: Any) -> np.ndarray:
        return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)

    def copy(self, a: Any) -> Any:
        return a.clone()

    def stack(self, arrays: list[Any], axis: int = 1) -> Any:
        return self.torch.stack(arrays, dim=axis)

    def concat(self, arrays: list[Any]) -> Any:
        return self.torch.cat(arrays)

    def bincount(self, idx: Any, weights: Any, n: int) -> Any:
        out = self.torch.zeros(n, dtype=self.torch.float64, device=self._dev)
        return out.index_add_(0, idx, weights)

    def where(self, cond: Any, a: Any, b: Any) -> Any:
        t = self.torch
        if not isinstance(a, t.Tensor):
            a = t.as_tensor(a, dtype=t.float64, device=self._dev)
        if not isinstance(b, t.Tensor):
            b = t.as_tensor(b, dtype=t.float64, device=self._dev)
        return t.where(cond, a, b)

    def exp(self, a: Any) -> Any:
        return self.torch.exp(a)

    def log(self, a: Any) -> Any:
        return self.torch.log(a)

    def log1p(self, a: Any) -> Any:
        return self.torch.log1p(a)

    def sqrt(self, a: Any) -> Any:
        return self.torch.sqrt(a)

    def clip(self, a: Any, lo: float | None, hi: float | None) -> Any:
        return self.torch.clamp(a, lo, hi)

    def abs_max(self, a: Any) -> float:
        return float(self.torch.max(self.torch.abs(a))) if a.numel() else 0.0

    def sum(self, a: Any) -> float:
        return float(self.torch.sum(a))

    def erfcx(self, a: Any) -> Any:
        return self.torch.special.erfcx(a)

    def ndtr(self, a: Any) -> Any:
        return self.torch.special.ndtr(a)

    def log_ndtr(self, a: Any) -> Any:
        return self.torch.special.log_ndtr(a)


def _shape(shape: Any) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)


def get_backend(device: str) -> Backend:
    """The NumPy back end for ``device='cpu'``; PyTorch (imported now) for any other device.

    ``device='torch-cpu'`` runs the PyTorch code on the CPU, which is how the
    GPU path is tested on machines without a GPU.
    """
    if device == "cpu":
        return Backend()
    if device == "torch-cpu":
        return TorchBackend("cpu")
    return TorchBackend(device)


def _mills(B: Backend, a: Any) -> Any:
    """The inverse Mills ratio phi(a) / (1 - Phi(a)), stable for large positive a."""
    return _SQRT_2_OVER_PI / B.erfcx(a / _SQRT2)


def upper_tail_moments(B: Backend, a: Any, *, want_logp: bool = False):
    """Mean, variance and log-probability of N(0, 1) truncated to [a, inf)."""
    lam = _mills(B, a)
    mean = lam
    var = B.clip(1.0 - lam * (lam - a), 1e-12, 1.0)
    return mean, var, (B.log_ndtr(-a) if want_logp else None)


def interval_moments(B: Backend, lo: Any, hi: Any, *, want_logp: bool = False):
    """Mean, variance and log-probability of N(0, 1) truncated to [lo, hi), lo < hi finite.

    The interval is reflected onto the upper half-line (where ``lo + hi >= 0``);
    where it then lies wholly in the tail it is computed relative to the
    density at its nearer end, with no difference of two tiny probabilities.
    """
    flip = (lo + hi) < 0
    l2 = B.where(flip, -hi, lo)
    u2 = B.where(flip, -lo, hi)
    # where l2 >= 0 the interval lies in the upper tail:
    # Z/phi(l) = 1/mills(l) - exp(-(u^2-l^2)/2)/mills(u)
    tail = l2 >= 0
    lt = B.where(tail, l2, 0.0)
    ut = B.where(tail, u2, 1.0)
    r = B.exp(-0.5 * (ut - lt) * (ut + lt))  # phi(u)/phi(l), in (0, 1]
    zrel = _SQRT_PI_OVER_2 * (B.erfcx(lt / _SQRT2) - r * B.erfcx(ut / _SQRT2))
    zrel = B.clip(zrel, 1e-300, None)
    mt = (1.0 - r) / zrel
    vt = 1.0 + (lt - ut * r) / zrel - mt * mt
    # where l2 < 0 <= u2 the interval holds the mode: plain differences are accurate
    lc = B.where(tail, 0.0, l2)
    uc = B.where(tail, 1.0, u2)
    pl = B.exp(-0.5 * lc * lc) / _SQRT_2PI
    pu = B.exp(-0.5 * uc * uc) / _SQRT_2PI
    zc = B.clip(B.ndtr(uc) - B.ndtr(lc), 1e-300, None)
    mc = (pl - pu) / zc
    vc = 1.0 + (lc * pl - uc * pu) / zc - mc * mc
    mean = B.where(tail, mt, mc)
    mean = B.where(flip, -mean, mean)
    var = B.clip(B.where(tail, vt, vc), 1e-12, 1.0)
    logp = None
    if want_logp:
        logp = B.where(tail, -0.5 * lt * lt - math.log(_SQRT_2PI) + B.log(zrel), B.log(zc))
    return mean, var, logp


def truncnorm_moments(B: Backend, lo: Any, hi: Any, kind: Any, *, want_logp: bool = False):
    """Mean, variance (and optionally log-probability) of N(0, 1) truncated to one interval.

    ``kind`` says which interval each element has: 0 for (-inf, hi), 1 for
    [lo, hi), 2 for [lo, inf); ``lo`` and ``hi`` are ignored where infinite.
    Returns ``(mean, var, logp)``, ``logp`` being ``None`` unless asked for.
    (The estimator calls the two functions above on votes already sorted by
    kind; this form, for any mixture, is what the tests check against SciPy.)
    """
    lower = kind == 0
    one = (kind == 0) | (kind == 2)
    a = B.where(lower, -hi, lo)  # the lower tail (-inf, hi) is the upper tail [-hi, inf) reflected
    m1, v1, lp1 = upper_tail_moments(B, a, want_logp=want_logp)
    m1 = B.where(lower, -m1, m1)
    l2 = B.where(one, 0.0, lo)
    u2 = B.where(one, 1.0, hi)
    m2, v2, lp2 = interval_moments(B, l2, u2, want_logp=want_logp)
    mean = B.where(one, m1, m2)
    var = B.where(one, v1, v2)
    logp = B.where(one, lp1, lp2) if want_logp else None
    return mean, var, logp
