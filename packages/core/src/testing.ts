export { createMockProvider, type MockJobScript, type MockProviderSettings } from './testing/mock-provider.ts';
export {
  CONFORMANCE_JOB,
  CONFORMANCE_LINES,
  CONFORMANCE_LONG_JOB,
  describeProviderConformance,
  type ConformanceOptions,
} from './testing/conformance.ts';
