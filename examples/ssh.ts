// Train on machines you already have, over SSH.
// Hosts come from RUNCTL_SSH_HOSTS (inline JSON or a path) or ~/.config/runctl/hosts.json, e.g.
//   [{ "name": "box1", "host": "10.0.0.5", "user": "ml", "privateKey": "~/.ssh/id_ed25519", "instanceType": "A100-80GB" }]
//   node --conditions=@runctl/source examples/ssh.ts A100-80GB
import { fileURLToPath } from 'node:url';
import { createRegistryFromEnv } from 'runctl';

const registry = createRegistryFromEnv();
if (!registry.has('ssh')) {
  console.error(registry.availability.find((entry) => entry.provider === 'ssh')?.reason);
  process.exit(2);
}
const ssh = registry.get('ssh');
const resource = await ssh.createResource(process.argv[2] ?? 'default', { name: 'ssh-example' });
console.log(`using ${resource.name} (${resource.id}) at $${resource.costPerHour}/h`);
try {
  const job = await ssh.train(resource.id, {
    script: 'train.mjs',
    workdir: fileURLToPath(new URL('./train/', import.meta.url)),
    args: ['--epochs', '4'],
    maxRuntime: '30m',
  });
  for await (const event of ssh.monitor(resource.id, { jobId: job.jobId })) {
    if (event.type === 'log' && !event.progress) console.log(event.line);
    if (event.type === 'exit') console.log(`job ${event.status.state} (exit ${event.status.exitCode})`);
  }
  await ssh.download(resource.id, 'outputs/metrics.json', './metrics.json');
} finally {
  await ssh.terminate(resource.id); // frees the host and removes the workspace; the machine stays up
}
