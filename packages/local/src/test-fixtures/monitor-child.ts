// Child process for the "client killed mid-stream" test: follows a job's log
// and prints every event as a JSON line until it is killed.
import { createLocal } from '../local-provider.ts';

const [root, resourceId, jobId] = process.argv.slice(2) as [string, string, string];
const provider = createLocal({ root });
for await (const event of provider.monitor(resourceId, { jobId })) {
  process.stdout.write(`${JSON.stringify(event.type === 'log' ? { line: event.line, cursor: event.cursor } : { exit: true })}\n`);
}
