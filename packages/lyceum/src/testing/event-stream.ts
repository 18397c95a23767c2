import type { ServerResponse } from 'node:http';
import type { ExecutionRun, RunFinish } from './execution-run.ts';
import { UnevenWriter } from './uneven-writer.ts';

/** How streams are written. */
export interface EventStreamSettings {
  random: () => number;
  writeGapMs: number;
  lineEnding: '\n' | '\r\n';
  pingMs: number;
}

/** An armed `dropStreamAfter`. */
export interface StreamCut {
  frames: number;
  partialFrame: boolean;
  reset: boolean;
}

/**
 * Streams a run as server-sent events, the format Lyceum's consumers parse:
 * `data: {"output":{"content":...}}` frames, then
 * `data: {"jobFinished":{"job":{"result":{"returnCode":...,"error"?:...}}}}`.
 * The stream replays output from the start (UNKNOWN whether the real one
 * does; replay lets a reconnecting client miss nothing), then follows the run.
 * Aborted and cancelled runs end the stream without `jobFinished`, leaving
 * the status endpoint to tell why (UNKNOWN what the real stream sends).
 */
export function openEventStream(response: ServerResponse, run: ExecutionRun, settings: EventStreamSettings, cut: StreamCut | undefined): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.flushHeaders();
  const writer = new UnevenWriter(response, { random: settings.random, gapMs: settings.writeGapMs, maxChunk: 48 });
  const end = settings.lineEnding;
  let released = 0;
  let framesSent = 0;
  let closed = false;

  const close = (mode: 'end' | 'reset'): void => {
    closed = true;
    writer.finish(mode);
    stop();
  };
  /** Queues a frame, or cuts the stream there if a drop is armed; false once cut. */
  const send = (payload: unknown, isLast: boolean): boolean => {
    const frame = `data: ${JSON.stringify(payload)}${end}${end}`;
    if (cut && (isLast || framesSent >= cut.frames)) {
      if (cut.partialFrame) {
        const bytes = Buffer.from(frame);
        writer.push(bytes.subarray(0, Math.ceil(bytes.length / 2)));
      }
      close(cut.reset ? 'reset' : 'end');
      return false;
    }
    writer.push(frame);
    framesSent += 1;
    return true;
  };
  const sync = (): void => {
    if (closed) return;
    while (released < run.pieces.length) {
      if (!send({ output: { content: run.pieces[released] } }, false)) return;
      released += 1;
    }
    if (!run.finish) return;
    if (run.finish.jobFinished && !send(jobFinishedPayload(run.finish), true)) return;
    close('end');
  };

  const unsubscribe = run.subscribe(sync);
  const ping = setInterval(() => writer.push(`: ping${end}${end}`), settings.pingMs);
  const stop = (): void => {
    unsubscribe();
    clearInterval(ping);
  };
  response.on('close', () => {
    closed = true;
    stop();
  });
  sync();
}

function jobFinishedPayload(finish: RunFinish): unknown {
  const code = finish.returnCode ?? -1;
  const result: Record<string, unknown> = { returnCode: finish.returnCodeType === 'number' ? code : String(code) };
  // The CLI reads a present `error` as a system failure, so it is omitted otherwise.
  if (finish.error !== null) result['error'] = finish.error;
  return { jobFinished: { job: { result } } };
}
