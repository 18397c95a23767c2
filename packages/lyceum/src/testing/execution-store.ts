import { defaultRunScript } from './default-run-script.ts';
import { ExecutionRun, type RunDefaults } from './execution-run.ts';
import { isoMicros } from './fake-identity.ts';
import type { FakeExecution, FakeRunScriptHandler, FakeSubmission } from './fake-types.ts';

/** The fake's runs, by execution id. */
export class ExecutionStore {
  readonly #runs = new Map<string, ExecutionRun>();
  readonly #defaults: RunDefaults;
  readonly #saveFiles: (files: Readonly<Record<string, string | Uint8Array>>) => void;
  #handler: FakeRunScriptHandler | undefined;

  constructor(defaults: RunDefaults, handler: FakeRunScriptHandler | undefined, saveFiles: (files: Readonly<Record<string, string | Uint8Array>>) => void) {
    this.#defaults = defaults;
    this.#handler = handler;
    this.#saveFiles = saveFiles;
  }

  setHandler(handler: FakeRunScriptHandler): void {
    this.#handler = handler;
  }

  start(submission: FakeSubmission): ExecutionRun {
    const script = this.#handler?.(submission) ?? defaultRunScript(submission);
    // Outputs reach the bucket when a run ends, except when it was stopped.
    const run = new ExecutionRun(submission, script, this.#defaults, (ended) => {
      if (ended.status !== 'aborted' && ended.status !== 'cancelled') this.#saveFiles(ended.files);
    });
    this.#runs.set(submission.executionId, run);
    return run;
  }

  get(id: string): ExecutionRun | undefined {
    return this.#runs.get(id);
  }

  views(): FakeExecution[] {
    return [...this.#runs.values()].map(toView);
  }

  dispose(): void {
    for (const run of this.#runs.values()) run.dispose();
  }
}

export function toView(run: ExecutionRun): FakeExecution {
  return {
    executionId: run.executionId,
    kind: run.submission.kind,
    status: run.status,
    submission: run.submission,
    output: run.pieces.join(''),
    returnCode: run.finish?.returnCode,
    error: run.finish?.error ?? null,
    createdAt: isoMicros(run.createdAtMs),
  };
}
