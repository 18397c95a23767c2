// A real PyTorch job on the local provider: train, stop it mid-way with
// maxRuntime (it checkpoints on SIGTERM), then resume on the same resource.
// Needs torch (Debian: apt-get install python3-torch).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LogEvent } from '@runctl/core';
import { createLocal } from '@runctl/local';

/** The first Python on this machine that can import torch. */
export function pythonWithTorch(): string | undefined {
  return ['python3', '/usr/bin/python3', 'python'].find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
}

const python = pythonWithTorch();
if (python === undefined) {
  console.error('torch is not installed here (try: apt-get install python3-torch)');
  process.exit(2);
}

const provider = createLocal({ killGrace: '5s' });
const workdir = fileURLToPath(new URL('./pytorch/', import.meta.url));
const print = (event: LogEvent): void => {
  if (event.type === 'exit') console.log(`-> ${event.status.state} (${event.status.reason}, exit ${event.status.exitCode})`);
  else if (!event.progress) console.log(`${event.stream === 'stderr' ? ' ! ' : '   '}${event.line}`);
};

const resource = await provider.createResource('local', { name: 'pytorch-local' });
try {
  // Long enough for `import torch` on a busy machine: a TERM before the handler is set just kills it.
  console.log('run 1: 1000 epochs, but a 6s maxRuntime');
  const first = await provider.train(resource.id, { command: [python, 'train.py', '--epochs', '1000'], workdir, maxRuntime: '6s' });
  let savedAt = 0;
  for await (const event of provider.monitor(resource.id, { jobId: first.jobId })) {
    print(event);
    const saved = event.type === 'log' ? /saved checkpoint at epoch (\d+)/.exec(event.line) : null;
    if (saved) savedAt = Number(saved[1]);
  }

  console.log(`run 2: same resource, resumes after epoch ${savedAt} and trains 5 more`);
  const second = await provider.train(resource.id, { command: [python, 'train.py', '--epochs', String(savedAt + 5)] });
  for await (const event of provider.monitor(resource.id, { jobId: second.jobId })) print(event);

  const out = fileURLToPath(new URL('../.pytorch-local/', import.meta.url));
  await provider.download(resource.id, 'checkpoints/checkpoint.pt', `${out}checkpoint.pt`);
  await provider.download(resource.id, 'outputs/metrics.json', `${out}metrics.json`);
  console.log(`checkpoint and metrics in ${out}`);
} finally {
  await provider.terminate(resource.id);
}
