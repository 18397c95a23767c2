#!/usr/bin/env node
import { main } from './cli/main.ts';

// Ctrl-C aborts the running command, which detaches from jobs rather than killing them.
const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  if (++interrupts > 1) process.exit(130);
  controller.abort();
});

// Held until the command settles. Idle SSH sockets are unref'd so a finished
// command can exit at once, but a wait that leaves no ref'd handle behind must
// not end the process mid-command (Node would exit 13, "unsettled top-level await").
const keepAlive = setInterval(() => {}, 1 << 30);
try {
  process.exitCode = await main(process.argv.slice(2), process.env, controller.signal);
} finally {
  clearInterval(keepAlive);
}
