import { describe, expect, it } from 'vitest';
import { parseMetrics } from './parse-metrics.ts';

describe('parseMetrics', () => {
  it.each([
    ['step=10 loss=0.25 lr=3e-4', { step: 10, loss: 0.25, lr: 0.0003 }],
    ['{"epoch": 2, "val_acc": 0.91, "tag": "x"}', { epoch: 2, val_acc: 0.91 }],
    ['Epoch 1 | loss: 0.1200, acc: 0.9', { loss: 0.12, acc: 0.9 }],
    ["{'loss': 0.5, 'grad_norm': 1.25, 'epoch': 0.1}", { loss: 0.5, grad_norm: 1.25, epoch: 0.1 }],
    ['train/loss=1.5 train/acc=50%', { 'train/loss': 1.5, 'train/acc': 50 }],
    ['loss: nan', { loss: Number.NaN }],
  ])('parses %j', (line, expected) => {
    expect(parseMetrics(line)).toEqual(expected);
  });

  it.each(['Downloading model from https://x/v2=3/file', 'no metrics here', 'time: 12:30', ''])('finds nothing in %j', (line) => {
    expect(parseMetrics(line)).toBeUndefined();
  });
});
