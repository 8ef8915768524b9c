"""Argument checks of the convolution family, built from :mod:`resample_lib.functional._validate`.

:func:`check_conv_args` is shared by :func:`~resample_lib.functional.convolution.conv2d` and every transposed
convolution; it raises what torch raises, with a message that names the function, the value and the rule.
"""
from __future__ import annotations

from typing import Optional

import torch

from resample_lib.functional._validate import (
    IntOrTuple, check_floating, check_int, check_non_empty, check_rank, check_same_dtype, check_tensor, ntuple,
    positive_ntuple,
)

Pair = tuple[int, int]


def int_pair(value: IntOrTuple, name: str, op: str, minimum: int = 1) -> Pair:
    """``value`` as a pair of ints, each at least ``minimum`` (1 or 0); the message shows the pair."""
    pair = ntuple(value, 2, name, op)
    if minimum == 1:
        return positive_ntuple(pair, 2, name, op)
    if min(pair) < minimum:
        raise ValueError(f"{op}: {name} must be non-negative, got {name}={pair}")
    return pair


def check_weight(op: str, weight: torch.Tensor, groups: int, transposed: bool) -> int:
    """A 4-D weight whose first dimension (out channels, or in channels if ``transposed``) ``groups`` divides."""
    check_tensor(weight, "weight", op)
    if weight.dim() != 4:
        layout = "(C_in, C_out/groups, kH, kW)" if transposed else "(C_out, C_in/groups, kH, kW)"
        raise ValueError(f"{op}: expected a 4-D weight {layout}, got shape {tuple(weight.shape)}")
    groups = check_int(groups, "groups", op, minimum=1)
    if weight.shape[0] % groups != 0:
        raise ValueError(f"{op}: {'in' if transposed else 'out'} channels (weight.shape[0]={weight.shape[0]}) "
                         f"must be divisible by groups={groups}")
    return groups


def check_conv_args(op: str, input: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor],
                    stride: IntOrTuple, dilation: IntOrTuple, groups: int, transposed: bool) -> tuple[Pair, Pair, int]:
    """Check what a convolution and a transposed convolution share; return ``(stride, dilation, groups)``.

    Torch's rule for empty inputs: an empty batch is computed (to an empty output); otherwise the channels,
    the height and the width must be non-empty.
    """
    check_tensor(input, "input", op)
    check_rank(input, (3, 4), op, "(N, C, H, W) or (C, H, W)")
    groups = check_weight(op, weight, groups, transposed)
    stride, dilation = int_pair(stride, "stride", op), int_pair(dilation, "dilation", op)
    C, (Cw, Cw1) = input.shape[-3], weight.shape[:2]
    if transposed and C != Cw:
        raise ValueError(f"{op}: input has {C} channels but weight of shape {tuple(weight.shape)} expects {Cw} "
                         f"(= weight.shape[0])")
    if not transposed and C != Cw1 * groups:
        raise ValueError(f"{op}: input has {C} channels but weight of shape {tuple(weight.shape)} with "
                         f"groups={groups} expects {Cw1 * groups} (= weight.shape[1] * groups)")
    if bias is not None:
        out_channels = Cw1 * groups if transposed else Cw
        if tuple(check_tensor(bias, "bias", op).shape) != (out_channels,):
            raise ValueError(f"{op}: expected bias of shape ({out_channels},) (one value per output channel), "
                             f"got shape {tuple(bias.shape)}")
    check_floating(input, op)
    check_same_dtype(op, input, weight=weight, bias=bias)
    if input.dim() == 3 or input.shape[0] > 0:
        check_non_empty(input, op, 3)
    return stride, dilation, groups
