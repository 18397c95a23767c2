// Test fixture, run as its own Node process: creates a resource, starts a
// long job, prints the ids as JSON and exits without closing anything, like
// a laptop going away mid-run.
import { createSsh } from '../ssh-provider.ts';
import type { SshProviderSettings } from '../ssh-settings.ts';

const settings = JSON.parse(process.env.RUNCTL_TEST_SSH_SETTINGS ?? '{}') as SshProviderSettings;
const ssh = createSsh(settings);
const resource = await ssh.createResource(process.env.RUNCTL_TEST_INSTANCE_TYPE ?? 'loopback');
const job = await ssh.train(resource.id, { name: 'survivor', command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "beat $i"; sleep 0.1; done'] });
process.stdout.write(`${JSON.stringify({ resourceId: resource.id, jobId: job.jobId })}\n`);
process.exit(0);
