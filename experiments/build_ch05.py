"""Scratch builder for chapter 05's new cells (kept out of the book; run once, then the notebook is edited)."""
import json
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
path = ROOT / "book" / "05_ddim_unet.ipynb"
nb = nbformat.read(path, as_version=4)
old = nb.cells


def md(text, **meta):
    c = nbformat.v4.new_markdown_cell(text.strip("\n"))
    c.metadata.update(meta)
    return c


def code(text, alt=None, tags=None):
    c = nbformat.v4.new_code_cell(text.strip("\n"))
    if alt:
        c.metadata["mystnb"] = {"image": {"alt": alt}}
    if tags:
        c.metadata["tags"] = tags
    return c


cells = []
cells.append(md(r"""
# DDIM's U-Net blocks end to end, and choosing a resampler by experiment

**The question this chapter answers.** The U-Net of DDIM {cite:p}`song2021ddim`, inherited unchanged from DDPM
{cite:p}`ho2020ddpm`, resamples with two small blocks: `Upsample` (nearest-neighbour ×2, then a 3×3 convolution)
and `Downsample` (a one-sided zero pad and a 3×3 convolution with stride 2, or a 2×2 average pool). The previous
chapters took each operation apart. Here we put them back into a U-Net and ask: what shapes flow through it, where
does it break, what does each block cost, and would another upsampler or downsampler serve a denoising U-Net better?
We answer the last question with a controlled, paired experiment, and we say which differences it resolves and
which it does not.

**After this chapter** you will be able to write DDIM's resampling blocks from torch primitives and load their
weights; trace the feature-map shapes through a U-Net and predict where an odd image size breaks it; count the
parameters and multiply-adds of each block; design a comparison that changes one thing at a time, pairs its runs by
seed, and reports each difference with a 95% interval against a threshold fixed in advance; and choose a resampler
with a measured number behind the choice, or know that the number is not there.

The blocks come from `resample_lib.blocks` and the networks from `resample_lib.unet` and `resample_lib.denoiser`;
they use torch's own `nn` layers so that training is fast. The experiment's script is
`experiments/unet_sweep.py`; its results are stored in `book/data/` and loaded here.
"""))
cells.append(code(r"""
try:
    import resample_lib as rl
except ModuleNotFoundError:  # e.g. a notebook opened on Colab without the book's library
    raise SystemExit("This chapter needs the book's library resample_lib. From a clone of the book's "
                     "repository run `pip install -e .` (in Colab: upload the repository, then "
                     "`%pip install -e /content/<repository folder>`), then restart the kernel.")
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch
import torch.nn.functional as F

import resample_lib.denoiser as dn
from resample_lib import viz

viz.use_style()
gen = rl.manual_seed(0)
"""))
# section 1 as it was (cells 2..11), with tables as DataFrames
cells += [old[2], old[3], old[4]]
cells.append(code(r"""
net3 = rl.SmallUNet(channels=(8, 16, 32), seed=0)  # DDIM's pair: nearest+conv up, pad+conv s2 down
traces = {h: rl.trace_shapes(net3, (1, 1, h, h), strict=False) for h in (32, 33, 34)}
keys = ["input", "enc0", "enc1", "enc2", "up1", "dec1", "up0", "dec0", "output"]
shapes = pd.DataFrame({f"H = {h}": ["×".join(map(str, t[k][1:])) if k in t else "-" for k in keys]
                       for h, t in traces.items()}, index=pd.Index(keys, name="stage"))
for h, t in traces.items():
    print(f"H = {h}:", t.get("error", "no error"))
shapes
"""))
cells += [old[6], old[7], old[8]]
cells.append(code(r"""
rows = {}
for name, make in rl.DOWNSAMPLERS.items():
    block, cells_ = make(4, generator=gen), []
    for h in (32, 33):
        try:
            d = block(torch.zeros(1, 4, h, h)).shape[-1]
            cells_.append(f"{h} → {d} → {2 * d}")
        except ValueError:
            cells_.append("refuses odd H")
    rows[name] = cells_
pd.DataFrame.from_dict(rows, orient="index", columns=["32 → down → up", "33 → down → up"]).rename_axis("downsampler")
"""))
cells.append(old[10])
cells.append(code(r"""
C = 16
formulas = {"nearest+conv (DDIM)": "9C²+C", "transposed k4s2": "16C²+C", "pixel shuffle (ICNR)": "36C²+4C",
            "bilinear+conv": "9C²+C", "pad+conv s2 (DDIM)": "9C²+C", "avg pool (DDIM)": "0", "conv s2 p1": "9C²+C",
            "max pool": "0", "blur pool": "0", "pixel unshuffle+1x1": "4C²+C"}
costs = {}
for name, make in {**rl.UPSAMPLERS, **rl.DOWNSAMPLERS}.items():
    block = make(C, generator=gen)
    costs[name] = dict(parameters=rl.count_parameters(block), formula=formulas[name],
                       MACs_on_16x16x16=rl.count_macs(block, (1, C, 16, 16)))
pd.DataFrame.from_dict(costs, orient="index").rename_axis("block")
"""))
cells.append(md(r"""
On the same 16×16 input, nearest+conv and bilinear+conv run their 3×3 convolution on the 32×32 result, a strided
downsampler on the 8×8 one: sixteen times as many output pixels, hence sixteen times the multiply-adds for the same
kernel. Pixel shuffle convolves at the input resolution but produces $4C$ channels, which comes to the same count as
nearest+conv. The transposed convolution also works at the input resolution; its count includes the products that
its padding crops away. The parameter-free downsamplers count no multiply-adds at all.
"""))

# ---------------------------------------------------------------- section 2
cells.append(md(r"""
## 2. A controlled experiment: does the resampler matter?

Cost is one side of the choice; the other is what the network learns with each block. To measure that, the
comparison has to isolate the block. The design below was fixed, and written into the experiment's script, before
any result was seen.

**One change at a time.** DDIM's pair (nearest + conv up, pad + conv s2 down) is the reference. Four upsamplers are
tried with DDIM's downsampler, and six downsamplers with DDIM's upsampler: nine configurations, DDIM's own counted
once. A change of upsampler and downsampler together would not say which of the two made a difference.

**A network worth the name.** `dn.DenoisingUNet` has three resolutions (32 → 16 → 8 for a 32×32 patch, channels
8, 16, 16), a residual block with GroupNorm and SiLU at each resolution on the way down and up and one in the middle,
skip connections by concatenation, and an embedding of the noise level $\sigma$ added inside every residual block,
as DDIM adds its time embedding. It is trained on noise levels drawn log-uniformly from $[0.02, 0.3]$ and predicts
the clean patch from its input plus a correction.

**Paired runs.** A seed fixes the batches and the noise of every training step, identically for all nine
configurations, and every module they share (stem, residual blocks, embedding, head) starts from identical weights:
each module draws its weights from a generator seeded by the seed *and the module's name*, so swapping a resampler
changes no other draw. Comparing two configurations seed by seed then cancels the luck of the initialisation and of
the batches, which is most of the spread between seeds.

**Trained to a plateau.** 1500 Adam steps of 16 patches, learning rate $2 \cdot 10^{-3}$ with 50 warm-up steps and a
cosine decay to zero; the validation PSNR is recorded every 250 steps, and the curves are shown below.

**Statistics fixed in advance.** Ten seeds per configuration. For each configuration, the ten paired differences
of validation PSNR to DDIM's pair, their mean, and its 95% Student-$t$ interval. A difference is called *real* only
when its whole interval lies beyond **0.1 dB** (better or worse); *equivalent* when the whole interval lies within
±0.1 dB; a difference whose interval excludes zero but reaches into ±0.1 dB is reported as a difference smaller than
the threshold; everything else is *unresolved*. 0.1 dB is a common smallest gain that denoising papers report.
"""))
cells.append(code(r"""
ddim_up, ddim_down = "nearest+conv (DDIM)", "pad+conv s2 (DDIM)"
ref_net = dn.DenoisingUNet(up=ddim_up, down=ddim_down, seed=0)
rows = {}
for up, down in [("bilinear+conv", ddim_down), ("pixel shuffle (ICNR)", ddim_down), (ddim_up, "avg pool (DDIM)"),
                 (ddim_up, "pixel unshuffle+1x1")]:
    other = dn.DenoisingUNet(up=up, down=down, seed=0).state_dict()
    shared = [k for k in ref_net.state_dict() if k in other and not k.startswith(("ups.", "downs."))]
    same = sum(torch.equal(ref_net.state_dict()[k], other[k]) for k in shared)
    rows[f"{up} / {down}"] = dict(shared_tensors=len(shared), identical_at_seed_0=same)
pd.DataFrame.from_dict(rows, orient="index").rename_axis("configuration vs DDIM's pair")
"""))
cells.append(md(r"""
Every tensor outside the resamplers is identical at the start, for every configuration.

### The data

Training patches (32×32, gray, values in $[0, 1]$) are cut at random from five photographs of scikit-image
(camera, astronaut, chelsea, coffee, grass); validation patches from three *other* photographs (coins, brick,
gravel), 128 from each, so the validation measures how well a denoiser generalises to images it never saw. The
validation noise is drawn once per level, at $\sigma$ = 0.05, 0.1 and 0.2, and the validation PSNR of a run is the
mean of its three PSNRs (each computed from the mean squared error over all 384 patches, on the output clamped to
$[0, 1]$).
"""))
cells.append(code(r"""
data = dn.make_sweep_data()
noisy_psnr = {s: rl.psnr(n.clamp(0, 1), data.val_clean) for s, n in data.val_noisy.items()}
print(f"training patches {tuple(data.train.shape)}, validation patches {tuple(data.val_clean.shape)}")
print("PSNR of the noisy validation input itself:", ", ".join(f"σ={s}: {p:.2f} dB" for s, p in noisy_psnr.items()))
picks = [data.train[0], data.train[1024], data.train[2048], data.train[4096],
         data.val_clean[0], data.val_noisy[0.05][0], data.val_noisy[0.1][0], data.val_noisy[0.2][0]]
viz.show_images(picks, ["camera", "astronaut", "chelsea", "grass", "coins (validation)", "+ noise σ=0.05",
                        "+ noise σ=0.1", "+ noise σ=0.2"], ncols=4,
                suptitle="Training patches (top) and a validation patch with its three noise levels (bottom)")
plt.show()
""", alt="Eight 32 by 32 gray patches: four training patches from camera, astronaut, chelsea and grass, and one "
        "validation patch from coins, clean and with noise of sigma 0.05, 0.1 and 0.2."))
cells.append(md(r"""
### The stored sweep, and a slice of it rerun on this page

Ninety training runs (nine configurations, ten seeds) take about an hour on two CPU cores, too long for a page that is
re-executed whenever the book is built. The script `experiments/unet_sweep.py` runs them, one command, seeded and
deterministic on the CPU (every run is single-threaded), and writes one row per configuration and seed to
`book/data/unet_sweep.csv`, the validation curves and the per-patch errors beside it, and its provenance to
`unet_sweep.json`.
"""))
cells.append(code(r"""
DATA = Path("data") if Path("data/unet_sweep.csv").exists() else Path("book/data")
sweep = pd.read_csv(DATA / "unet_sweep.csv")
curves = pd.read_csv(DATA / "unet_sweep_curves.csv")
meta = json.loads((DATA / "unet_sweep.json").read_text())
print(f"{len(sweep)} runs: {sweep.groupby(['up', 'down']).ngroups} configurations x "
      f"{sweep.seed.nunique()} seeds, {meta['config']['steps']} steps each")
print(f"ran with torch {meta['torch']} on {meta['hardware']} ({meta['processor']})")
print(f"wall time {meta['wall_seconds_total'] / 60:.0f} min; median {sweep.seconds.median():.0f} s per run")
"""))
cells.append(md(r"""
To show that these numbers come from this code, we rerun the first 250 steps of one stored run here (DDIM's pair,
seed 0), with the same schedule, and compare its validation PSNR with the stored curve at the same step. The run is
single-threaded and seeded, so on a CPU of the same kind the two agree to the last digit; another CPU may round a
few operations differently, hence the tolerance.
"""))
cells.append(code(r"""
config = dn.SweepConfig(up=ddim_up, down=ddim_down, seed=0)
live = dn.train_sweep_run(config, data, stop_after=250)
stored = curves[(curves.up == ddim_up) & (curves.down == ddim_down) & (curves.seed == 0)].set_index("step")
for step, value in live["curve"]:
    gap = abs(value - stored.val_psnr_db[step])
    print(f"step {step:4d}: rerun here and stored agree within 0.02 dB: {gap < 0.02}")
"""))
cells.append(md(r"""
### Did training reach a plateau?

The mean validation PSNR of each configuration over the ten seeds, every 250 steps. The table beside it gives the
gain of the last 500 steps (from step 1000 to 1500) and of the last 250: if they are small next to the differences
between configurations, the comparison measures where training ends, not how fast it starts.
"""))
cells.append(code(r"""
curves["config"] = curves.up.where(curves.down == ddim_down, curves.down)
mean_curve = curves.groupby(["config", "step"]).val_psnr_db.mean().unstack("step")
ups = [u for u in rl.UPSAMPLERS if u in mean_curve.index]
downs = [d for d in rl.DOWNSAMPLERS if d in mean_curve.index and d != ddim_down]
fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.2), sharey=True, layout="constrained")
for ax, names, title in ((axes[0], ups, "upsamplers (DDIM's downsampler)"),
                         (axes[1], [ddim_up] + downs, "downsamplers (DDIM's upsampler)")):
    for name in names:
        row = mean_curve.loc[name]
        label = "DDIM's pair" if name == ddim_up else name
        ax.plot(row.index[1:], row.values[1:], marker="o", ms=3, lw=1.2, label=label,
                color="k" if name == ddim_up else None)
    ax.set_title(title), ax.set_xlabel("training step"), ax.grid(color="0.9")
    ax.legend(fontsize=8, loc="lower right")
axes[0].set_ylabel("validation PSNR (dB), mean of 10 seeds")
fig.suptitle("Validation curves: steep at first, flat over the last quarter")
plt.show()
pd.DataFrame({"PSNR at 1500 (dB)": mean_curve[1500], "gain 1000→1500 (dB)": mean_curve[1500] - mean_curve[1000],
              "gain 1250→1500 (dB)": mean_curve[1500] - mean_curve[1250]}).round(3).rename_axis("configuration")
""", alt="Two line plots of mean validation PSNR against training step for each upsampler and each downsampler; "
        "the curves rise steeply in the first 500 steps and flatten towards step 1500."))
cells.append(md(r"""
The cosine schedule brings the learning rate to zero at step 1500, so part of the flattening is the schedule's doing;
what matters is that the curves flatten at different heights, and that the last 250 steps change each mean by far
less than the gaps between configurations. Longer training might still lift every curve a little; it would take a
second sweep to know whether it would also reorder them.

### The paired differences

For each configuration, seed by seed: its validation PSNR minus that of DDIM's pair trained with the same seed.
The table gives the mean over the ten seeds, the 95% interval, and the verdict by the rule fixed above. Two more
columns say how noisy the ingredients are: `sd across seeds` is the spread of the configuration's own PSNR from seed
to seed (which pairing removes), and `val-set se` is the standard error of the mean difference that comes from the
validation patches alone (from the per-patch errors of the same networks on the same patches), which should be well
below the differences we read.
"""))
cells.append(code(r"""
THRESHOLD_DB = meta["threshold_db"]  # 0.1 dB, fixed before the sweep ran
patch = pd.read_csv(DATA / "unet_sweep_patch_mse.csv")
patch["mse"] = patch.mse.map(lambda s: torch.tensor([float(v) for v in s.split()], dtype=torch.float64))


def patch_psnr(up, down):  # per seed, the per-level PSNR recomputed from per-patch errors: (seeds, levels, patches)
    rows = patch[(patch.up == up) & (patch.down == down)].sort_values(["seed", "sigma"])
    return torch.stack(list(rows.mse)).view(rows.seed.nunique(), -1, len(rows.mse.iloc[0]))


def val_set_se(up, down):
    # bootstrap over validation patches, the same resample for both networks: se of the mean paired difference
    a, b = patch_psnr(up, down), patch_psnr(ddim_up, ddim_down)
    g = torch.Generator().manual_seed(0)
    idx = torch.randint(0, a.shape[-1], (200, a.shape[-1]), generator=g)
    psnr = lambda m: (10 * torch.log10(1 / m[..., idx].mean(-1))).mean(1)  # (seeds, 200): mean over levels
    return float((psnr(a) - psnr(b)).mean(0).std())


ref_runs = sweep[(sweep.up == ddim_up) & (sweep.down == ddim_down)].set_index("seed")
ref = ref_runs.val_psnr_db
results = {}
for (up, down), g in sweep.groupby(["up", "down"], sort=False):
    if (up, down) == (ddim_up, ddim_down):
        continue
    diff = g.set_index("seed").val_psnr_db - ref
    mean, lo, hi = dn.paired_interval(diff.loc[ref.index])
    results["up: " + up if down == ddim_down else "down: " + down] = {
        "params": int(g.params.iloc[0]), "PSNR (dB)": g.val_psnr_db.mean(), "sd across seeds": g.val_psnr_db.std(),
        "Δ vs DDIM (dB)": mean, "95% low": lo, "95% high": hi, "val-set se": val_set_se(up, down),
        "seeds better": int((diff > 0).sum()), "verdict": dn.classify_difference(lo, hi, THRESHOLD_DB)}
table = pd.DataFrame.from_dict(results, orient="index").rename_axis("changed block")
print(f"DDIM's pair: {ref.mean():.2f} dB (sd across seeds {ref.std():.2f} dB), {int(ref_runs.params.iloc[0])} "
      f"parameters")
table.round(3)
"""))
cells.append(code(r"""
fig, ax = plt.subplots(figsize=(7.2, 3.6), layout="constrained")
names = list(table.index)
ax.axvspan(-THRESHOLD_DB, THRESHOLD_DB, color="0.92", label=f"±{THRESHOLD_DB} dB (threshold)")
ax.axvline(0, color="k", lw=0.8)
for i, name in enumerate(names):
    up, down = (name[4:], ddim_down) if name.startswith("up: ") else (ddim_up, name[6:])
    g = sweep[(sweep.up == up) & (sweep.down == down)].set_index("seed").val_psnr_db - ref
    ax.scatter(g.values, [i + 0.18] * len(g), s=9, color="0.55", zorder=2)
    r = table.loc[name]
    ax.errorbar(r["Δ vs DDIM (dB)"], i, xerr=[[r["Δ vs DDIM (dB)"] - r["95% low"]], [r["95% high"] - r["Δ vs DDIM (dB)"]]],
                fmt="o", color="C0" if r.verdict in ("better", "worse") else "C1", capsize=3, zorder=3)
ax.set_yticks(range(len(names)), names), ax.invert_yaxis()
ax.set_xlabel("validation PSNR minus DDIM's pair, same seed (dB)")
ax.set_title("Paired differences: mean with 95% interval (blue: beyond the threshold), seeds as grey dots")
ax.legend(loc="lower left", fontsize=8), ax.grid(axis="x", color="0.9")
plt.show()
""", alt="A forest plot: for each changed upsampler or downsampler, the mean paired PSNR difference to DDIM's pair "
        "with its 95 percent interval, the ten seeds as dots, and a grey band of plus or minus 0.1 dB."))
cells.append(md(r"""
**Reading the result.** The verdict column is computed, not written by hand; the summary at the end of the
chapter quotes it. Three things to see in the table and the figure:
"""))
cells.append(code(r"""
for verdict, group in table.groupby("verdict"):
    print(f"{verdict:36s}: " + "; ".join(f"{n} ({r['Δ vs DDIM (dB)']:+.2f} dB, [{r['95% low']:+.2f}, "
                                         f"{r['95% high']:+.2f}])" for n, r in group.iterrows()))
print(f"\nspread of one configuration across seeds: {table['sd across seeds'].min():.2f} to "
      f"{table['sd across seeds'].max():.2f} dB; validation-set se of a paired difference: at most "
      f"{table['val-set se'].max():.3f} dB")
"""))
cells.append(md(r"""
* **Pairing is what makes the experiment work.** A single configuration's PSNR moves from seed to seed by more than
  most of the differences between configurations; the paired differences move much less, because the seed's luck is
  shared by both sides of each pair. With three unpaired seeds, as in an earlier version of this chapter, none of
  these differences could be told apart.
* **The validation set is not the bottleneck.** With 384 patches per level, the validation set's own contribution to
  the uncertainty of a paired difference (`val-set se`) is a small fraction of the intervals, which are set by the
  seeds.
* **What is resolved is specific to this setting**: Gaussian denoising of gray patches, a small network, 1500
  steps, one learning rate for all. A configuration that needs a different learning rate or longer training could
  rank differently; the experiment does not tune per configuration, and says nothing about generation quality in a
  full diffusion model.

### Which resamplers keep the denoiser shift-equivariant?

The pooling chapter measured how much a network's output changes when its input shifts by one pixel. Here the same
question goes to the trained denoisers: for each validation patch, denoise it, denoise a copy shifted left by
$d$ pixels, shift the first result by the same $d$, and compare the two on the pixels both cover, four pixels away
from any border. The PSNR between them is $+\infty$ for a perfectly shift-equivariant denoiser. With two
downsamplings by 2, a shift by $d = 4$ moves every sampling grid by whole pixels, so its score shows the remaining
effect of the zero padding at the borders; shifts by 1, 2 and 3 add the effect of the downsampling grids.
"""))
cells.append(code(r"""
shift_cols = ["shift1_psnr_db", "shift2_psnr_db", "shift3_psnr_db"]
sweep["shift_1to3"] = sweep[shift_cols].mean(axis=1)
ref_shift = sweep[(sweep.up == ddim_up) & (sweep.down == ddim_down)].set_index("seed").shift_1to3
rows = {"DDIM's pair": {"shift 1-3 (dB)": ref_shift.mean(), "shift 4 (dB)": ref_runs.shift4_psnr_db.mean()}}
for (up, down), g in sweep.groupby(["up", "down"], sort=False):
    if (up, down) == (ddim_up, ddim_down):
        continue
    g = g.set_index("seed")
    mean, lo, hi = dn.paired_interval((g.shift_1to3 - ref_shift).loc[ref_shift.index])
    rows["up: " + up if down == ddim_down else "down: " + down] = {
        "shift 1-3 (dB)": g.shift_1to3.mean(), "shift 4 (dB)": g.shift4_psnr_db.mean(),
        "Δ shift 1-3 vs DDIM (dB)": mean, "95% low": lo, "95% high": hi}
shift_table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("configuration")
shift_table.round(2)
"""))
cells.append(md(r"""
The consistency scores are high for every configuration (the denoisers change a shifted patch's output by far less
than the noise they remove), and the differences between them can be read from the interval columns in the same
way as above. A parameter-free downsampler on the way down or a learned upsampler on the way up changes how much of
the sub-pixel position the network can see; the table measures how much of that survives training, where the pooling
chapter could only measure an untrained network.

### What this experiment cannot tell

- One task and one data set: denoising of gray 32×32 patches of photographs, at three noise levels. A generative
  diffusion model is judged by its samples, which this experiment does not draw.
- One small network (about forty thousand parameters) and one training budget. The ranking of blocks could change
  with width, depth, attention layers, or far longer training.
- One learning rate and schedule for all configurations; a block that would do better with another learning rate is
  not given the chance.
- The intervals cover the randomness of initialisation, batches and noise (through the seeds) and, separately, the
  choice of validation patches; they do not cover other photographs, other noise types or other architectures.
"""))

# ---------------------------------------------------------------- section 3: checkerboards at init
cells.append(md(r"""
## 3. A period-2 pattern from each upsampler, at initialisation

Feed each upsampler, as initialised (seed 0), a constant map (16 channels of ones, 8×8) and look at its output.
A block that treats the four sub-pixel positions alike gives a flat interior (only the zero padding of its convolution
shows at the border). A block whose four sub-pixel positions get different weights gives a pattern that repeats
every two pixels: a checkerboard when the positions alternate in both directions, stripes when they alternate in one.
The number in each title is the interior's period-2 amplitude: the spread of the four sub-pixel means, divided by the
mean absolute output, for the channel shown, which is the channel with the largest amplitude. Chapter 02 follows such
patterns through training.
"""))
cells.append(code(r"""
def period2(block, c=16):
    with torch.no_grad():
        y = block(torch.ones(1, c, 8, 8))[0]
    inner = y[:, 2:-2, 2:-2]  # away from the border's zero padding
    phases = torch.stack([inner[:, i::2, j::2].mean(dim=(-2, -1)) for i in range(2) for j in range(2)], -1)
    amp = (phases.amax(-1) - phases.amin(-1)) / inner.abs().mean(dim=(-2, -1))  # one amplitude per channel
    k = int(amp.argmax())
    return inner[k] - inner[k].mean(), float(amp[k]), k

maps, names = [], []
for name in rl.UPSAMPLERS:
    m, amp, k = period2(rl.UPSAMPLERS[name](16, generator=torch.Generator().manual_seed(0)))
    maps.append(m), names.append(f"{name}\nchannel {k}: amplitude {amp:.3f}")
viz.feature_grid(torch.stack(maps), names, ncols=2, shared=True, label="output minus its interior mean",
                 suptitle="Upsamplers at initialisation, constant input: interior of the strongest channel")
plt.show()
""", alt="Four small maps: the interior of each upsampler's output on a constant input. Only the transposed "
        "convolution shows a pattern repeating every two pixels; the other three are flat."))
cells.append(md(r"""
Only the transposed convolution has a period-2 pattern at initialisation: each of its four sub-pixel positions uses a
different 2×2 subset of the random 4×4 kernel {cite:p}`odena2016deconvolution`. Nearest + conv and bilinear + conv
are flat inside because interpolating a constant gives a constant and so does convolving it, whatever the weights;
ICNR (initialisation to convolution followed by nearest-neighbour resize) makes pixel shuffle flat as well
{cite:p}`aitken2017checkerboard`, but only at initialisation: nothing ties its four sub-pixel kernels together once
training starts.
"""))

# ---------------------------------------------------------------- section 4: decision table
cells.append(md(r"""
## 4. Which block, when

Each row names a situation, the block this chapter's measurements favour, and the number that backs it. Rows about
denoising quality use only differences the experiment resolved (beyond the 0.1 dB threshold); where none is
resolved, the row says so.
"""))
cells.append(code(r"""
def resolved(kind, verdict):
    hits = table[(table.verdict == verdict) & table.index.str.startswith(kind)]
    return "; ".join(f"{n[len(kind):]} ({r['Δ vs DDIM (dB)']:+.2f} dB, [{r['95% low']:+.2f}, {r['95% high']:+.2f}])"
                     for n, r in hits.iterrows())

params = {n: costs[n]["parameters"] for n in costs}
decision = pd.DataFrame([
    ("load DDIM / DDPM weights", "DDIM's Upsample / Downsample", "same state-dict names and shapes (section 1)"),
    ("upsampler that denoises better than DDIM's", resolved("up: ", "better") or "none resolved",
     "paired difference beyond +0.1 dB, 10 seeds"),
    ("upsampler to avoid", resolved("up: ", "worse") or "none resolved", "paired difference beyond -0.1 dB"),
    ("downsampler that denoises better than DDIM's", resolved("down: ", "better") or "none resolved",
     "paired difference beyond +0.1 dB, 10 seeds"),
    ("downsampler to avoid", resolved("down: ", "worse") or "none resolved", "paired difference beyond -0.1 dB"),
    ("fewest parameters, downsampler", "avg pool, max pool or blur pool", f"0 against {params[ddim_down]} for C = 16"),
    ("no period-2 pattern at initialisation", "nearest or bilinear + conv; pixel shuffle with ICNR",
     "flat interior on a constant input (section 3)"),
    ("odd image sides", "none: pad to a multiple of 2^(levels-1)", "33 → 16 → 32 (DDIM), 33 → 17 → 34 (conv s2 p1)"),
], columns=["situation", "choice", "evidence"]).set_index("situation")
decision
"""))
cells.append(md(r"""
## Summary

- DDIM's `Upsample` is nearest ×2 and a 3×3 convolution; its `Downsample` is a one-sided zero pad and a 3×3
  convolution with stride 2, or a 2×2 average pool. `rl.Upsample` and `rl.Downsample` equal those torch compositions
  exactly and keep DDIM's state-dict names, `conv.weight` and `conv.bias`.
- Both of DDIM's downsamplers round an odd side down (the padded row is never read), so the upsampled map misses the
  skip connection by one pixel; no block that halves can restore an odd side, so $H$ and $W$ must be divisible by
  $2^{\text{levels}-1}$.
- Costs differ by block: an upsampler that interpolates first convolves at the high resolution, pixel shuffle has four
  times the parameters of DDIM's block, and the parameter-free pools count no multiply-adds.
- A fair comparison of blocks changes one block at a time, pairs its runs by seed (same initial weights for every
  shared module, same batches and noise), trains to a plateau, and judges each paired difference by its 95%
  interval against a threshold fixed in advance. The table in section 2 gives which blocks this experiment resolves
  and which it leaves unresolved.
- Only the transposed convolution starts with a period-2 pattern; interpolation followed by a convolution cannot
  produce one from a flat input.

## Exercises
"""))
cells.append(md(r"""
```{exercise} Which image sides work?
:label: ex-05-sides

DDIM's `Downsample(with_conv=True)` turns $H$ into $\lfloor H/2 \rfloor$. For which sides $H$ between 60 and 70 does a
U-Net with four resolutions (three downsamplers) run without a shape error? Predict, then check with
`rl.trace_shapes`.
```
"""))
cells.append(md("````{solution-start} ex-05-sides\n:class: dropdown\n````"))
cells.append(md(r"""
Each of the three downsamplers needs an even side, so $H$ must be divisible by $2^3 = 8$: only $H = 64$ in this
range. (With $H = 68$ the first two halvings give 34 and 17, and the third fails.)
"""))
cells.append(old[40])
cells.append(md("```{solution-end}\n```"))
cells.append(md(r"""
```{exercise} Build DDIM's Upsample from indexing and a convolution
:label: ex-05-upsample

Write `my_ddim_upsample(x, weight, bias)` for an input of shape $(N, C, H, W)$, a weight of shape $(C, C, 3, 3)$ and a
bias of shape $(C,)$: nearest-neighbour upsampling by 2 written with indexing (no `F.interpolate`), then the 3×3
convolution with stride 1 and padding 1 (`F.conv2d` is allowed). The checker compares it with DDIM's block on random
shapes.
```
"""))
cells.append(code(r"""
from resample_lib.exercises.unet import check_ddim_upsample


def my_ddim_upsample(x, weight, bias):
    raise NotImplementedError("write this")


verdict = check_ddim_upsample(my_ddim_upsample)
"""))
cells.append(md("````{solution-start} ex-05-upsample\n:class: dropdown\n````"))
cells.append(md(r"""
Output pixel $(i, j)$ of nearest ×2 copies input pixel $(\lfloor i/2 \rfloor, \lfloor j/2 \rfloor)$, so an index
vector `arange(2H) // 2` gathers the rows and one for the columns gathers the columns.
"""))
cells.append(code(r"""
def my_ddim_upsample(x, weight, bias):
    rows = torch.arange(2 * x.shape[-2]) // 2
    cols = torch.arange(2 * x.shape[-1]) // 2
    return F.conv2d(x[..., rows, :][..., cols], weight, bias, padding=1)


verdict = check_ddim_upsample(my_ddim_upsample)
"""))
cells.append(md("```{solution-end}\n```"))
cells.append(md(r"""
```{exercise} How many seeds would it take?
:label: ex-05-seeds

Take the configuration whose paired difference to DDIM's pair is smallest in absolute value. From its ten paired
differences, estimate how many seeds would be needed for the 95% interval to be narrower than ±0.05 dB, if the
spread of the differences stayed as it is. Is it feasible on the budget of this chapter's sweep?
```
"""))
cells.append(md("````{solution-start} ex-05-seeds\n:class: dropdown\n````"))
cells.append(md(r"""
The half-width of the interval is $t_{n-1} \, s / \sqrt{n}$, with $s$ the standard deviation of the paired
differences; for large $n$, $t \approx 1.96$, so $n \approx (1.96\, s / 0.05)^2$, corrected upwards by iterating with
the exact $t$.
"""))
cells.append(code(r"""
from scipy.stats import t as student_t

name = table["Δ vs DDIM (dB)"].abs().idxmin()
up, down = (name[4:], ddim_down) if name.startswith("up: ") else (ddim_up, name[6:])
d = sweep[(sweep.up == up) & (sweep.down == down)].set_index("seed").val_psnr_db - ref
s = float(d.std())
n = 2
while student_t.ppf(0.975, n - 1) * s / n ** 0.5 > 0.05:
    n += 1
print(f"{name}: sd of the paired differences {s:.3f} dB -> {n} seeds, "
      f"about {n * sweep.seconds.median() / 3600:.1f} CPU-hours for this configuration and as many for DDIM's pair")
"""))
cells.append(md("```{solution-end}\n```"))
cells.append(md(r"""
```{exercise} Parameters as a function of the width
:label: ex-05-params

Give the number of parameters of `rl.PixelShuffleUpsample(C)`, `rl.TransposedUpsample(C)` and
`rl.PixelUnshuffleDownsample(C)` as functions of $C$, and check them for $C = 8, 32, 128$.
```
"""))
cells.append(md("````{solution-start} ex-05-params\n:class: dropdown\n````"))
cells.append(old[41] if False else md(r"""
Pixel shuffle: a 3×3 convolution from $C$ to $4C$ channels, $36C^2 + 4C$. Transposed: a 4×4 kernel from $C$ to $C$,
$16C^2 + C$. Pixel unshuffle: a 1×1 convolution from $4C$ to $C$, $4C^2 + C$.
"""))
cells.append(old[42])
cells.append(md("```{solution-end}\n```"))
cells.append(md(r"""
## References

Song, Meng and Ermon {cite:p}`song2021ddim` (DDIM; its `Upsample` and `Downsample`), Ho, Jain and Abbeel
{cite:p}`ho2020ddpm` (DDPM, where the blocks come from), Ronneberger, Fischer and Brox {cite:p}`ronneberger2015unet`
(the U-Net), Odena, Dumoulin and Olah {cite:p}`odena2016deconvolution` (checkerboards of transposed convolutions),
Shi et al. {cite:p}`shi2016subpixel` and Aitken et al. {cite:p}`aitken2017checkerboard` (pixel shuffle and ICNR),
Zhang {cite:p}`zhang2019shift` (shift equivariance and blur pooling). Full entries are in the
[bibliography](bibliography.md).
"""))

for c in cells:
    if c.cell_type == "code":
        c.outputs, c.execution_count = [], None
        c.metadata.pop("execution", None)
        c.metadata.pop("tags", None) if c.metadata.get("tags") == ["hide-input"] else None
nb.cells = cells
nbformat.write(nb, path)
print(len(cells), "cells")
