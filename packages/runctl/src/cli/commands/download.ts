import { basename } from 'node:path';
import type { Command } from '../context.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { resolveResource } from '../resource-ref.ts';
import { usageError } from '../usage-error.ts';

export const downloadCommand: Command = {
  name: 'download',
  summary: 'copy a file or folder from a resource',
  usage: 'runctl download <provider:id> <remote-path> [local-path] [--json]',
  async run(argv, { output, registry, signal }) {
    const { values, positionals } = parseCommandArgs(argv, {});
    const { provider, id } = resolveResource(registry, positionals[0], values.provider);
    const remote = positionals[1];
    if (remote === undefined) throw usageError('Missing the remote path.', `Usage: ${downloadCommand.usage}`);
    const local = positionals[2] ?? basename(remote);
    let bytes = 0;
    const result = await output.spin(
      () => `downloading ${remote}: ${(bytes / 1_048_576).toFixed(1)} MiB`,
      () => provider.download(id, remote, local, { signal, onProgress: (progress) => void (bytes = progress.bytes) }),
    );
    if (output.json) output.data(result);
    else output.line(`downloaded ${result.files} file(s), ${result.bytes} bytes, to ${result.localPath}`);
    return 0;
  },
};
