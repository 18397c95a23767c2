/**
 * Output limits of SSM Run Command: GetCommandInvocation returns the first
 * 24,000 characters of stdout and 8,000 of stderr (no marker appended); the
 * full text is only available through S3/CloudWatch output.
 */
export const STDOUT_LIMIT = 24_000;
export const STDERR_LIMIT = 8_000;
/** ListCommandInvocations `CommandPlugins[].Output` (stdout and stderr together). */
export const PLUGIN_OUTPUT_LIMIT = 2_500;

const OUT_MARK = '\n---Output truncated---';
const ERR_MARK = '\n---Error truncated----';
const ERR_TITLE = '\n----------ERROR-------\n';

/** First `limit` characters, never splitting a surrogate pair. */
export function headChars(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.charCodeAt(limit - 1);
  const end = cut >= 0xd800 && cut <= 0xdbff ? limit - 1 : limit;
  return text.slice(0, end);
}

/**
 * The combined plugin output: stdout, an error title, stderr, each cut with a
 * marker when the sum exceeds the capacity (the shorter stream is kept whole).
 */
export function combinedPluginOutput(stdout: string, stderr: string, capacity = PLUGIN_OUTPUT_LIMIT): string {
  const title = stderr.length > 0 ? ERR_TITLE : '';
  const space = capacity - title.length;
  if (stdout.length + stderr.length < space) return stdout + title + stderr;
  const half = space / 2;
  if (stdout.length > half && stderr.length > half) {
    const each = Math.floor((space - OUT_MARK.length - ERR_MARK.length) / 2);
    return stdout.slice(0, each) + OUT_MARK + title + stderr.slice(0, each) + ERR_MARK;
  }
  if (stdout.length < half) {
    return stdout + title + stderr.slice(0, space - ERR_MARK.length - stdout.length) + ERR_MARK;
  }
  return stdout.slice(0, space - OUT_MARK.length - stderr.length) + OUT_MARK + title + stderr;
}
