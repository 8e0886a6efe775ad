/**
 * Output to a reader that may go away: `lifeline status | head -1` closes the pipe after one
 * line. Like a C program killed by SIGPIPE, the command then ends quietly (Node ignores
 * SIGPIPE and would otherwise die with an EPIPE stack trace), with the exit code it had.
 */
export function endQuietlyOnClosedPipe(exit: (code: number) => void = (code) => process.exit(code)): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') {
        throw e;
      }
      exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
}
