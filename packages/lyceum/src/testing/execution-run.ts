import type { FakeRunOutcome, FakeRunScript, FakeRunStatus, FakeSubmission } from './fake-types.ts';
import { outputPieces } from './output-pieces.ts';

/** How a run ended, as the stream and status endpoint report it. */
export interface RunFinish {
  status: FakeRunOutcome;
  returnCode: number | undefined;
  returnCodeType: 'string' | 'number';
  error: string | null;
  /** Whether the stream ends with a `jobFinished` event; aborted and cancelled runs just stop. */
  jobFinished: boolean;
}

/** One line of the stored (Loki-style) logs. */
export interface StoredLogLine {
  message: string;
  atMs: number;
}

/** Defaults a run falls back to when its script does not say. */
export interface RunDefaults {
  startDelayMs: number;
  durationMs: number;
}

const USER_FAILURES = new Set<FakeRunOutcome>(['failed', 'failed_user']);
const SYSTEM_FAILURES = new Set<FakeRunOutcome>(['failed_system', 'system_failure']);
const SILENT_ENDS = new Set<FakeRunOutcome>(['aborted', 'cancelled']);

/**
 * One submitted run, driven by a chain of timers: pending, then running
 * while its output is released, then a terminal status. The run goes on
 * whether or not anyone streams it, like the real service.
 */
export class ExecutionRun {
  readonly submission: FakeSubmission;
  readonly createdAtMs = Date.now();
  status: FakeRunStatus = 'pending';
  finish: RunFinish | undefined;
  /** `content` of every `output` event released so far. */
  readonly pieces: string[] = [];
  readonly logLines: StoredLogLine[] = [];
  readonly #script: FakeRunScript;
  readonly #listeners = new Set<() => void>();
  readonly #onEnd: (run: ExecutionRun) => void;
  #partialLine = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(submission: FakeSubmission, script: FakeRunScript, defaults: RunDefaults, onEnd: (run: ExecutionRun) => void) {
    this.submission = submission;
    this.#script = script;
    this.#onEnd = onEnd;
    this.#schedule(defaults);
  }

  get executionId(): string {
    return this.submission.executionId;
  }

  /** Files the script leaves behind. */
  get files(): Readonly<Record<string, string | Uint8Array>> {
    return this.#script.files ?? {};
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops a live run as `aborted`; false if it already ended. */
  abort(): boolean {
    if (this.finish) return false;
    this.#end({ status: 'aborted', returnCode: undefined, returnCodeType: 'string', error: null, jobFinished: false });
    return true;
  }

  /** Stops timers without changing state, when the fake shuts down. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#listeners.clear();
  }

  #schedule(defaults: RunDefaults): void {
    const script = this.#script;
    const pieces = outputPieces(script.lines ?? []);
    const duration = script.durationMs ?? defaults.durationMs;
    const timeoutMs = this.submission.timeoutSeconds * 1000;
    const runFor = Math.min(duration, timeoutMs);
    // Finite runs spread output over their duration; endless ones print quickly, then hang.
    const offsets = pieces.map((_piece, index) => (Number.isFinite(duration) ? (duration * (index + 1)) / (pieces.length + 1) : 5 * (index + 1)));
    const agenda: Array<{ at: number; act: () => void }> = [{ at: 0, act: () => this.#setRunning() }];
    pieces.forEach((piece, index) => {
      const at = offsets[index] ?? 0;
      if (at < runFor) agenda.push({ at, act: () => this.#release(piece) });
    });
    if (Number.isFinite(runFor)) agenda.push({ at: runFor, act: () => this.#end(this.#finishFor(duration > timeoutMs)) });

    const startDelay = script.startDelayMs ?? defaults.startDelayMs;
    let previous = -startDelay;
    const step = (index: number): void => {
      const item = agenda[index];
      if (!item || this.finish) return;
      this.#timer = setTimeout(() => {
        item.act();
        step(index + 1);
      }, Math.max(0, item.at - previous));
      previous = item.at;
    };
    step(0);
  }

  #setRunning(): void {
    this.status = 'running';
    this.#notify();
  }

  #release(piece: string): void {
    this.pieces.push(piece);
    const now = Date.now();
    const parts = (this.#partialLine + piece).split('\n');
    this.#partialLine = parts.pop() ?? '';
    for (const part of parts) this.logLines.push({ message: part.replace(/\r$/, ''), atMs: now });
    this.#notify();
  }

  #finishFor(timedOut: boolean): RunFinish {
    const script = this.#script;
    const status: FakeRunOutcome = timedOut ? 'timeout' : (script.outcome ?? 'completed');
    const defaultCode = status === 'completed' ? 0 : USER_FAILURES.has(status) ? 1 : -1;
    let error = script.error ?? null;
    if (error === null && SYSTEM_FAILURES.has(status)) error = 'Execution failed due to an infrastructure error';
    if (error === null && status === 'timeout') error = `Execution timed out after ${this.submission.timeoutSeconds} seconds`;
    return {
      status,
      returnCode: SILENT_ENDS.has(status) ? undefined : (script.returnCode ?? defaultCode),
      returnCodeType: script.returnCodeType ?? 'string',
      error,
      jobFinished: !SILENT_ENDS.has(status),
    };
  }

  #end(finish: RunFinish): void {
    clearTimeout(this.#timer);
    if (this.#partialLine !== '') {
      this.logLines.push({ message: this.#partialLine, atMs: Date.now() });
      this.#partialLine = '';
    }
    this.status = finish.status;
    this.finish = finish;
    this.#onEnd(this);
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
