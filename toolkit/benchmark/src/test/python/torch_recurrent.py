"""Sequence layers of the PyTorch peer (torch_llm_prune.py): an LSTM layer and pooling over time,
written in torch independently of PruneKit.

An LSTM layer (one layer, batch first, zero initial state) with PyTorch's gate layout: the rows of
the input weight W_ih (4H, C), the recurrent weight W_hh (4H, H) and both biases are the gates
i, f, g, o stacked, and at each step

    z = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh,   i, f, g, o = z split in four along the rows
    c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g),   h_t = sigmoid(o) * tanh(c_t).

Its two weights are held by two nn.Linear modules (inp: x_t -> 4H with b_ih, rec: h_{t-1} -> 4H
with b_hh), so the one-shot methods prune them as any linear layer: run step by step, rec is called
once per step on h_{t-1}, and a forward pre-hook on it sees exactly the recurrent weight's inputs
(h_0 = 0 at the first step included). With fused = True (training speed) the same weights go to
torch.lstm, the kernel nn.LSTM calls, in one call over the sequence.
"""
import torch
from torch import nn


class Lstm(nn.Module):
    """One LSTM layer over (b, T, C) -> (b, T, H), from the nn.Linear modules of its two weights."""

    def __init__(self, inp, rec):
        super().__init__()
        self.inp, self.rec = inp, rec
        self.units = rec.weight.shape[1]
        self.fused = False

    def forward(self, x):
        b = x.shape[0]
        if self.fused:
            h0 = x.new_zeros(1, b, self.units)
            return torch.lstm(x, (h0, h0), [self.inp.weight, self.rec.weight, self.inp.bias, self.rec.bias],
                              True, 1, 0.0, self.training, False, True)[0]
        xi = self.inp(x)
        h = x.new_zeros(b, self.units)
        c = x.new_zeros(b, self.units)
        out = []
        for t in range(x.shape[1]):
            i, f, g, o = (xi[:, t] + self.rec(h)).chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            out.append(h)
        return torch.stack(out, 1)


class TimePool(nn.Module):
    """(b, T, C) -> (b, C): the mean (or the maximum) over the time axis, padding positions included."""

    def __init__(self, use_max):
        super().__init__()
        self.use_max = use_max

    def forward(self, x):
        return x.max(dim=1).values if self.use_max else x.mean(dim=1)


def lstm(name, params, linear):
    """The LSTM layer `name` from its exported parameters (name.l_0_i2h_WEIGHT, ...), with its two weights
    as nn.Linear modules named name/input and name/recurrent (PruneKit's weight parts); `linear(name, w, b)`
    makes one."""
    inp = linear(name + "/input", params[name + ".l_0_i2h_WEIGHT"], params[name + ".l_0_i2h_BIAS"])
    rec = linear(name + "/recurrent", params[name + ".l_0_h2h_WEIGHT"], params[name + ".l_0_h2h_BIAS"])
    return Lstm(inp, rec), [inp, rec]


def use_fused(net, fused):
    """Switches every LSTM layer of the net to torch.lstm (fused = True) or to the step-by-step forward."""
    for m in net.modules():
        if isinstance(m, Lstm):
            m.fused = fused
