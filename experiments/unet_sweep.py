"""The controlled U-Net resampler sweep behind chapter 05 (one command, seeded, deterministic on the CPU).

    python experiments/unet_sweep.py                 # the full sweep, into book/data/
    python experiments/unet_sweep.py --tiny --out /tmp/sweep   # a smoke test in seconds

Design (fixed before any result was seen, and repeated in the chapter):

* One thing changes at a time against DDIM's pair (nearest + conv up, pad (0,1,0,1) + conv s2 down):
  four upsamplers with DDIM's downsampler, six downsamplers with DDIM's upsampler (nine configurations,
  DDIM's own counted once).
* The network is ``resample_lib.nn.denoising_unet.DenoisingUNet``: three resolutions (32 -> 16 -> 8), residual blocks
  with GroupNorm and a noise-level embedding, trained on noise levels log-uniform in [0.02, 0.3]. For one
  seed, every module the configurations share starts from identical weights, and every configuration sees
  identical batches and noise: the runs are paired by seed.
* Validation: 384 patches of three photos the training never sees, at sigma 0.05, 0.1 and 0.2 with fixed
  noise; ``val_psnr_db`` is the mean of the three PSNRs.
* A configuration differs from DDIM's when the 95% t-interval of its paired differences (over the seeds)
  excludes zero; the difference counts as *practically relevant* only when the whole interval lies beyond
  THRESHOLD_DB = 0.1 dB, and as *equivalent* when the whole interval lies within +-0.1 dB.

Writes ``unet_sweep.csv`` (one row per configuration and seed), ``unet_sweep_curves.csv`` (validation curve
of every run), ``unet_sweep_patch_mse.csv`` (the final per-patch MSEs of every run and level, for paired
comparisons on the validation set) and ``unet_sweep.json`` (provenance). Rows already in the CSV are kept and not rerun, so an
interrupted sweep resumes where it stopped.
"""
from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from resample_lib.helpers.unet_sweep import SweepConfig, make_sweep_data, train_sweep_run  # noqa: E402

DDIM_UP, DDIM_DOWN = "nearest+conv (DDIM)", "pad+conv s2 (DDIM)"
UPS = [DDIM_UP, "bilinear+conv", "transposed k4s2", "pixel shuffle (ICNR)"]
DOWNS = [DDIM_DOWN, "conv s2 p1", "avg pool (DDIM)", "max pool", "blur pool", "pixel unshuffle+1x1"]
PAIRS = [(u, DDIM_DOWN) for u in UPS] + [(DDIM_UP, d) for d in DOWNS[1:]]
THRESHOLD_DB = 0.1
COLUMNS = ["up", "down", "seed", "val_psnr_db", "psnr_s0.05", "psnr_s0.1", "psnr_s0.2", "se_s0.05", "se_s0.1",
           "se_s0.2", "shift1_psnr_db", "shift2_psnr_db", "shift3_psnr_db", "shift4_psnr_db", "params", "steps",
           "seconds"]

_DATA = None


def _init(sizes: dict) -> None:
    global _DATA
    torch.set_num_threads(1)
    _DATA = make_sweep_data(**sizes)


def _run(config: SweepConfig) -> dict:
    start = time.perf_counter()
    result = train_sweep_run(config, _DATA)
    result.pop("net")
    result["patch_mse"] = {s: m.tolist() for s, m in result["patch_mse"].items()}
    result["seconds"] = time.perf_counter() - start
    return result


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv: list[str] | None = None) -> None:
    from tqdm import tqdm

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "book" / "data")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--steps", type=int, default=SweepConfig.steps)
    ap.add_argument("--workers", type=int, default=1, help="processes, one thread each")
    ap.add_argument("--tiny", action="store_true", help="two pairs, two seeds, 4 steps, tiny data: a smoke test")
    args = ap.parse_args(argv)

    base = SweepConfig(steps=args.steps)
    sizes = dict(train_per_image=1024, val_per_image=128, size=32)
    pairs = PAIRS
    if args.tiny:
        base = replace(base, channels=(4, 4, 4), steps=4, val_every=2, batch=2)
        sizes = dict(train_per_image=4, val_per_image=2, size=16)
        pairs, args.seeds = PAIRS[:2], 2
    configs = [replace(base, up=u, down=d, seed=s) for s in range(args.seeds) for u, d in pairs]

    args.out.mkdir(parents=True, exist_ok=True)
    table, curves = args.out / "unet_sweep.csv", args.out / "unet_sweep_curves.csv"
    patches = args.out / "unet_sweep_patch_mse.csv"
    done = set()
    if table.exists():
        with table.open() as f:
            done = {(r["up"], r["down"], int(r["seed"])) for r in csv.DictReader(f)}
    todo = [c for c in configs if (c.up, c.down, c.seed) not in done]
    for path, header in ((table, COLUMNS), (curves, ["up", "down", "seed", "step", "val_psnr_db"]),
                         (patches, ["up", "down", "seed", "sigma", "mse"])):
        if not path.exists():
            with path.open("w", newline="") as f:
                csv.writer(f).writerow(header)

    start = time.time()
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(args.workers, mp_context=ctx, initializer=_init, initargs=(sizes,)) as pool:
        futures = [pool.submit(_run, c) for c in todo]
        for fut in tqdm(as_completed(futures), total=len(futures), unit="run", ncols=80):
            r = fut.result()
            with table.open("a", newline="") as f:
                csv.writer(f).writerow([r[k] if not isinstance(r[k], float) else f"{r[k]:.6f}" for k in COLUMNS])
            with curves.open("a", newline="") as f:
                csv.writer(f).writerows([r["up"], r["down"], r["seed"], step, f"{p:.6f}"] for step, p in r["curve"])
            with patches.open("a", newline="") as f:
                csv.writer(f).writerows([r["up"], r["down"], r["seed"], s, " ".join(f"{v:.5e}" for v in m)]
                                        for s, m in r["patch_mse"].items())
    wall = time.time() - start

    meta_path = args.out / "unet_sweep.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {"sessions": []}
    meta.update({
        "script": "experiments/unet_sweep.py",
        "command": " ".join([Path(sys.argv[0]).name] + (argv if argv is not None else sys.argv[1:])),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "hardware": f"{platform.machine()}, {os.cpu_count()} CPU cores, no GPU; {args.workers} worker(s), 1 thread each",
        "processor": _cpu_model(),
        "config": base.as_dict(),
        "data": sizes,
        "pairs": pairs,
        "seeds": args.seeds,
        "threshold_db": THRESHOLD_DB,
    })
    meta["sessions"].append({"commit": _commit(), "runs": len(todo), "wall_seconds": round(wall, 1),
                             "finished": time.strftime("%Y-%m-%d %H:%M:%S")})
    meta["wall_seconds_total"] = round(sum(s["wall_seconds"] for s in meta["sessions"]), 1)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"{len(todo)} runs in {wall:.0f} s; results in {table}")


if __name__ == "__main__":
    main()
