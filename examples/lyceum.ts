// Lyceum in both modes. Needs a Lyceum API key:
//
//   LYCEUM_API_KEY=lk_... node --conditions=@runctl/source examples/lyceum.ts        # run mode only (seconds of a cpu run)
//   LYCEUM_API_KEY=lk_... node --conditions=@runctl/source examples/lyceum.ts --vm   # also a GPU VM (bills by the minute)
//
// Run mode sends a short job (at most 600 s) to Lyceum's execution API.
// VM mode rents a VM and runs the job through runctl's agent over SSH, the
// same way as on every other provider.
import { fileURLToPath } from 'node:url';
import type { LogEvent } from '@runctl/core';
import { createLyceum } from '@runctl/lyceum';

if (!process.env.LYCEUM_API_KEY) {
  console.error('Set LYCEUM_API_KEY (create a key at https://dashboard.lyceum.technology/api-keys).');
  process.exit(2);
}

const lyceum = createLyceum();
const print = (event: LogEvent): void => {
  if (event.type === 'exit') console.log(`-> ${event.status.state} (${event.status.reason ?? 'no reason'}, exit ${event.status.exitCode ?? '?'})`);
  else if (!event.progress) console.log(`   ${event.line}`);
};

const estimate = await lyceum.estimateCost('a100', 1);
console.log(`a100: $${estimate.costPerHour.toFixed(2)}/h (${estimate.source} price, as of ${estimate.asOf.toISOString()})`);

// Run mode: one train() is one Lyceum run; the resource is only a handle.
const runs = await lyceum.createResource('run:cpu', { name: 'example-run' });
try {
  const job = await lyceum.train(runs.id, {
    command: ['python3', '-c', 'import sys, platform; print("hello from", platform.node()); print("args:", sys.argv[1:])', 'two words'],
    maxRuntime: '2m',
  });
  for await (const event of lyceum.monitor(runs.id, { jobId: job.jobId })) print(event);
} finally {
  await lyceum.terminate(runs.id);
}

// VM mode: a real GPU VM, with a hard lifetime the VM enforces itself.
if (process.argv.includes('--vm')) {
  const workdir = fileURLToPath(new URL('./pytorch/', import.meta.url));
  const vm = await lyceum.createResource('a100', { name: 'example-vm', maxLifetime: '1h' });
  console.log(`created VM ${vm.id} (${vm.state}); runctl waits for it to be reachable`);
  try {
    const job = await lyceum.train(vm.id, {
      // Install torch only if the image lacks it, then train; args arrive as "$@".
      command: 'python3 -c "import torch" 2>/dev/null || python3 -m pip install --quiet torch; exec python3 train.py',
      args: ['--epochs', '5'],
      workdir,
      maxRuntime: '30m',
    });
    for await (const event of lyceum.monitor(vm.id, { jobId: job.jobId })) print(event);
    const outputs = await lyceum.download(vm.id, 'outputs', fileURLToPath(new URL('../.lyceum-example/outputs', import.meta.url)));
    console.log(`downloaded ${outputs.files} file(s) to ${outputs.localPath}`);
  } finally {
    await lyceum.terminate(vm.id);
    await lyceum.close();
    console.log(`terminated ${vm.id}`);
  }
}
