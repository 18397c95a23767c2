// Test fixture, run as its own Node process: uses an SSH transport and ends
// without closing it. The process must exit by itself.
import { createSshTransport } from '../ssh-transport.ts';
import type { SshTransportOptions } from '../ssh-transport-options.ts';

const transport = createSshTransport(JSON.parse(process.env.RUNCTL_TEST_SSH_OPTIONS ?? '{}') as SshTransportOptions);
const { stdout } = await transport.exec(['echo', 'done']);
await transport.stat('/');
process.stdout.write(stdout);
