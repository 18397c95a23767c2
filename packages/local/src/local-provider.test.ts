import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeProviderConformance } from '@runctl/core/testing';
import { createLocal } from './local-provider.ts';

let root: string;
describeProviderConformance(
  'local',
  async () => {
    root = await mkdtemp(join(tmpdir(), 'runctl-local-conformance-'));
    return createLocal({ root });
  },
  { instanceType: 'local', cleanup: () => rm(root, { recursive: true, force: true }) },
);
