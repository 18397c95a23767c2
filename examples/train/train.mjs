#!/usr/bin/env node
// A small but real training loop with no dependencies: a two-layer MLP learns
// the "two moons" classification task with mini-batch SGD. It behaves like a
// real training script: progress bar on stderr, metrics on stdout, a
// checkpoint every epoch (resumed on restart), metrics.json at the end.
//
//   node train.mjs --epochs 8 --lr 0.5 --hidden 16 --seed 1
import { mkdirSync, readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const options = parseArgs(process.argv.slice(2), { epochs: 8, lr: 0.5, hidden: 16, seed: 1, samples: 2000, batch: 32, stepDelayMs: 2 });
const checkpointDir = process.env.RUNCTL_CHECKPOINT_DIR ?? 'checkpoints';
const outputDir = process.env.RUNCTL_OUTPUT_DIR ?? 'outputs';
mkdirSync(checkpointDir, { recursive: true });
mkdirSync(outputDir, { recursive: true });

const random = mulberry32(options.seed);
const data = twoMoons(options.samples, random);
const checkpointPath = join(checkpointDir, 'model.json');
let model = createModel(2, options.hidden, random);
let startEpoch = 1;
if (existsSync(checkpointPath)) {
  const saved = JSON.parse(readFileSync(checkpointPath, 'utf8'));
  model = saved.model;
  startEpoch = saved.epoch + 1;
  console.log(`resumed from ${checkpointPath} at epoch ${saved.epoch}`);
}

console.log(`training: ${options.samples} samples, hidden=${options.hidden}, lr=${options.lr}, epochs=${options.epochs}`);
const history = [];
for (let epoch = startEpoch; epoch <= options.epochs; epoch++) {
  shuffle(data, random);
  const batches = Math.ceil(data.length / options.batch);
  for (let batch = 0; batch < batches; batch++) {
    sgdStep(model, data.slice(batch * options.batch, (batch + 1) * options.batch), options.lr);
    if (batch % 8 === 0 || batch === batches - 1) progress(epoch, batch + 1, batches);
    if (options.stepDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, options.stepDelayMs));
  }
  const { loss, accuracy } = evaluate(model, data);
  history.push({ epoch, loss, accuracy });
  console.log(`epoch=${epoch} loss=${loss.toFixed(4)} acc=${accuracy.toFixed(4)}`);
  const temporary = `${checkpointPath}.tmp`;
  writeFileSync(temporary, JSON.stringify({ epoch, model }));
  renameSync(temporary, checkpointPath); // a crash never leaves a torn checkpoint
}
process.stderr.write('\n'); // ends the last progress-bar redraw
const final = history.at(-1) ?? evaluate(model, data);
writeFileSync(join(outputDir, 'metrics.json'), `${JSON.stringify({ final, history }, null, 2)}\n`);
console.log(`done: final loss=${final.loss.toFixed(4)} acc=${final.accuracy.toFixed(4)}`);

function progress(epoch, done, total) {
  const width = 24;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\repoch ${epoch} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
}

function createModel(inputs, hidden, random) {
  const scale = (n) => Math.sqrt(2 / n);
  return {
    w1: Array.from({ length: hidden }, () => Array.from({ length: inputs }, () => gaussian(random) * scale(inputs))),
    b1: new Array(hidden).fill(0),
    w2: Array.from({ length: hidden }, () => gaussian(random) * scale(hidden)),
    b2: 0,
  };
}

function forward(model, x) {
  const hidden = model.w1.map((row, i) => Math.max(0, row[0] * x[0] + row[1] * x[1] + model.b1[i]));
  const logit = hidden.reduce((sum, h, i) => sum + h * model.w2[i], model.b2);
  return { hidden, probability: 1 / (1 + Math.exp(-logit)) };
}

function sgdStep(model, batch, lr) {
  const hiddenSize = model.b1.length;
  const gW1 = model.w1.map(() => [0, 0]);
  const gB1 = new Array(hiddenSize).fill(0);
  const gW2 = new Array(hiddenSize).fill(0);
  let gB2 = 0;
  for (const { x, y } of batch) {
    const { hidden, probability } = forward(model, x);
    const dLogit = probability - y; // d(binary cross-entropy)/d(logit)
    gB2 += dLogit;
    for (let i = 0; i < hiddenSize; i++) {
      gW2[i] += dLogit * hidden[i];
      const dHidden = hidden[i] > 0 ? dLogit * model.w2[i] : 0;
      gB1[i] += dHidden;
      gW1[i][0] += dHidden * x[0];
      gW1[i][1] += dHidden * x[1];
    }
  }
  const step = lr / batch.length;
  model.b2 -= step * gB2;
  for (let i = 0; i < hiddenSize; i++) {
    model.w2[i] -= step * gW2[i];
    model.b1[i] -= step * gB1[i];
    model.w1[i][0] -= step * gW1[i][0];
    model.w1[i][1] -= step * gW1[i][1];
  }
}

function evaluate(model, data) {
  let loss = 0;
  let correct = 0;
  for (const { x, y } of data) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, forward(model, x).probability));
    loss -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
    if ((p >= 0.5 ? 1 : 0) === y) correct++;
  }
  return { loss: loss / data.length, accuracy: correct / data.length };
}

function twoMoons(count, random) {
  return Array.from({ length: count }, (_, index) => {
    const y = index % 2;
    const angle = random() * Math.PI;
    const x = y === 0 ? [Math.cos(angle), Math.sin(angle)] : [1 - Math.cos(angle), 0.5 - Math.sin(angle)];
    return { x: [x[0] + gaussian(random) * 0.1, x[1] + gaussian(random) * 0.1], y };
  });
}

function shuffle(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

function gaussian(random) {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function parseArgs(argv, defaults) {
  const result = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option ${argv[i]}`);
    result[key] = Number(argv[i + 1]);
  }
  return result;
}
