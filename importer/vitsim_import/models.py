"""PyTorch ViTs of the shapes vitsim runs (the digits example and the importer's
tests). Needs torch; the importer itself does not."""
import math

import torch
from torch import nn


class Attention(nn.Module):
    def __init__(self, dim, heads, head_dim, fused=True):
        super().__init__()
        self.heads, self.head_dim, self.fused = heads, head_dim, fused
        inner = heads * head_dim
        if fused:
            self.qkv = nn.Linear(dim, 3 * inner)
        else:
            self.q, self.k, self.v = nn.Linear(dim, inner), nn.Linear(dim, inner), nn.Linear(dim, inner)
        self.proj = nn.Linear(inner, dim)

    def forward(self, x):
        b, n, _ = x.shape
        if self.fused:  # timm's layout: [B, N, 3, H, P]
            qkv = self.qkv(x).reshape(b, n, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
        else:
            q, k, v = (t(x).reshape(b, n, self.heads, self.head_dim).transpose(1, 2) for t in (self.q, self.k, self.v))
        attn = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))
        out = attn.softmax(dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(b, n, self.heads * self.head_dim))


class Block(nn.Module):
    def __init__(self, dim, heads, head_dim, mlp, fused=True):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = Attention(dim, heads, head_dim, fused)
        self.fc1, self.fc2 = nn.Linear(dim, mlp), nn.Linear(mlp, dim)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.fc2(nn.functional.gelu(self.fc1(self.ln2(x))))


class TinyViT(nn.Module):
    """tokenizer: "patch" (image [B, C, H, W], Conv2d kernel = stride = patch),
    "conv1d" (sequence [B, C, L], Conv1d kernel = stride = patch) or "linear"
    (sequence [B, S, C], Linear C -> dim)."""

    def __init__(self, image=8, channels=1, patch=2, dim=32, depth=2, heads=4, head_dim=8, mlp=64, classes=10,
                 pool="cls", fused=True, tokenizer="patch", length=None):
        super().__init__()
        self.pool, self.tokenizer = pool, tokenizer
        if tokenizer == "patch":
            self.embed = nn.Conv2d(channels, dim, patch, stride=patch)
            tokens = (image // patch) ** 2
        elif tokenizer == "conv1d":
            self.embed = nn.Conv1d(channels, dim, patch, stride=patch)
            tokens = length // patch
        else:
            self.embed = nn.Linear(channels, dim)
            tokens = length
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.5) if pool == "cls" else None
        self.pos = nn.Parameter(torch.randn(1, tokens + (pool == "cls"), dim) * 0.1)
        self.blocks = nn.ModuleList(Block(dim, heads, head_dim, mlp, fused) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        if self.tokenizer == "linear":
            x = self.embed(x)
        else:
            x = self.embed(x).flatten(2).transpose(1, 2)
        if self.cls is not None:
            x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1)
        x = x + self.pos
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)
        x = x[:, 0] if self.pool == "cls" else x.mean(dim=1)
        return self.head(x)
