/**
 * Cuts printed lines into the `content` of successive `output` events the
 * way a process's stdout arrives: mostly a line per event, but some events
 * carry two lines and some lines are split across two events, so clients
 * must reassemble lines across events. Deterministic by line index.
 */
export function outputPieces(lines: readonly string[]): string[] {
  const pieces: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = `${lines[index] ?? ''}\n`;
    const next = lines[index + 1];
    if (index % 4 === 1 && next !== undefined) {
      pieces.push(`${line}${next}\n`);
      index += 1;
    } else if (index % 4 === 3 && line.length > 2) {
      const middle = Math.floor(line.length / 2);
      pieces.push(line.slice(0, middle), line.slice(middle));
    } else {
      pieces.push(line);
    }
  }
  return pieces;
}
