#!/usr/bin/env node
import { main } from './cli/main.ts';

// Ctrl-C aborts the running command, which detaches from jobs rather than killing them.
const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  if (++interrupts > 1) process.exit(130);
  controller.abort();
});

process.exitCode = await main(process.argv.slice(2), process.env, controller.signal);
