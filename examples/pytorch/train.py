"""A real PyTorch training script with checkpoints and resume.

An MLP learns to classify points of three interleaved spirals. It saves a
checkpoint every epoch (atomically), resumes from the newest one when
restarted, saves on SIGTERM (so a preempted or timed-out job loses at most
the current epoch), and writes metrics.json at the end.

    python3 train.py --epochs 20 --lr 0.01
"""
import argparse
import json
import math
import os
import signal
import sys
import time

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=20)
parser.add_argument("--lr", type=float, default=0.01)
parser.add_argument("--batch-size", type=int, default=64)
parser.add_argument("--hidden", type=int, default=64)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

checkpoint_dir = os.environ.get("RUNCTL_CHECKPOINT_DIR", "checkpoints")
output_dir = os.environ.get("RUNCTL_OUTPUT_DIR", "outputs")
os.makedirs(checkpoint_dir, exist_ok=True)
os.makedirs(output_dir, exist_ok=True)
checkpoint_path = os.path.join(checkpoint_dir, "checkpoint.pt")
device = "cuda" if torch.cuda.is_available() else "cpu"
torch.manual_seed(args.seed)


def spirals(points_per_class=400, classes=3):
    xs, ys = [], []
    for label in range(classes):
        radius = torch.linspace(0.05, 1.0, points_per_class)
        angle = torch.linspace(label * 4.0, (label + 1) * 4.0, points_per_class) + torch.randn(points_per_class) * 0.2
        xs.append(torch.stack([radius * torch.sin(angle), radius * torch.cos(angle)], dim=1))
        ys.append(torch.full((points_per_class,), label, dtype=torch.long))
    return torch.cat(xs), torch.cat(ys)


features, labels = spirals()
model = nn.Sequential(nn.Linear(2, args.hidden), nn.ReLU(), nn.Linear(args.hidden, args.hidden), nn.ReLU(), nn.Linear(args.hidden, 3)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
loss_fn = nn.CrossEntropyLoss()
start_epoch, history = 1, []

if os.path.exists(checkpoint_path):
    state = torch.load(checkpoint_path, map_location=device)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    start_epoch, history = state["epoch"] + 1, state["history"]
    print(f"resumed from {checkpoint_path} at epoch {state['epoch']}", flush=True)


def save(epoch):
    temporary = checkpoint_path + ".tmp"
    torch.save({"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict(), "history": history}, temporary)
    os.replace(temporary, checkpoint_path)  # never a torn checkpoint


current_epoch = start_epoch - 1
stop_signal = None


def on_sigterm(signum, frame):
    # Only note it: saving from inside the handler could race a save already in progress.
    global stop_signal
    stop_signal = signum


def stop_if_asked():
    # Preemption or maxRuntime: keep the last finished epoch, then exit like a killed process.
    if stop_signal is not None:
        save(current_epoch)
        print(f"SIGTERM: saved checkpoint at epoch {current_epoch}", flush=True)
        sys.exit(128 + stop_signal)


signal.signal(signal.SIGTERM, on_sigterm)
print(f"training on {device}: {len(features)} samples, epochs {start_epoch}..{args.epochs}", flush=True)

for epoch in range(start_epoch, args.epochs + 1):
    model.train()
    order = torch.randperm(len(features))
    batches = math.ceil(len(features) / args.batch_size)
    for batch in range(batches):
        index = order[batch * args.batch_size:(batch + 1) * args.batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(features[index].to(device)), labels[index].to(device))
        loss.backward()
        optimizer.step()
        stop_if_asked()
        if batch % 5 == 0 or batch == batches - 1:
            sys.stderr.write(f"\repoch {epoch} {batch + 1}/{batches} loss {loss.item():.4f}")
            sys.stderr.flush()
    model.eval()
    with torch.no_grad():
        logits = model(features.to(device))
        loss = loss_fn(logits, labels.to(device)).item()
        accuracy = (logits.argmax(dim=1).cpu() == labels).float().mean().item()
    history.append({"epoch": epoch, "loss": loss, "acc": accuracy})
    current_epoch = epoch
    save(epoch)
    print(f"epoch={epoch} loss={loss:.4f} acc={accuracy:.4f}", flush=True)
    stop_if_asked()

sys.stderr.write("\n")
with open(os.path.join(output_dir, "metrics.json"), "w") as handle:
    json.dump({"final": history[-1] if history else None, "history": history}, handle, indent=2)
print("done", flush=True)
