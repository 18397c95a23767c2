// Child process for the "job outlives its caller" test: starts a job, prints
// its id, then waits to be killed.
import { createLocal } from '../local-provider.ts';

const [root, resourceId] = process.argv.slice(2) as [string, string];
const provider = createLocal({ root });
const job = await provider.train(resourceId, { command: ['sh', '-c', 'sleep 2; echo survived'] });
process.stdout.write(`${job.jobId}\n`);
setInterval(() => {}, 1_000);
