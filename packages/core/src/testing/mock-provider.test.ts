import { describeProviderConformance } from './conformance.ts';
import { createMockProvider } from './mock-provider.ts';

describeProviderConformance(
  'mock',
  () =>
    createMockProvider({
      simulate: (job) =>
        job.name === 'conformance-long'
          ? { lines: [{ line: 'tick' }], durationMs: Number.POSITIVE_INFINITY }
          : {
              lines: [...Array.from({ length: 5 }, (_, index) => ({ line: `conformance line ${index + 1}` })), { stream: 'stderr' as const, line: 'to stderr' }],
              files: { 'outputs/result.txt': 'done' },
              durationMs: 100,
            },
    }),
  { instanceType: 'mock' },
);
