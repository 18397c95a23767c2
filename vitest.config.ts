import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the
// "@runctl/source" export condition, so tests need no build step.
// Never add "module" here: vitest forwards these to Node as --conditions and
// "module" makes Node load @aws-sdk's extensionless dist-es build.
const conditions = ['@runctl/source', 'node', 'development|production'];

const packages = ['core', 'agent', 'local', 'ssh', 'runpod', 'lyceum', 'aws', 'runctl'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      ...packages.map((name) => ({ extends: true, test: { name, root: `packages/${name}` } })),
      { extends: true, test: { name: 'examples', root: 'examples' } },
    ],
  },
});
