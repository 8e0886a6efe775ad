/**
 * Structured JSON logs (pino) on stdout, for journald and log shippers. Secrets never
 * reach the log: configuration secrets are references, tokens are only ever hashed, and
 * these paths are redacted should an object carrying them be logged by mistake.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(server: string, level = process.env.LIFELINE_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { server },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['*.password', '*.authKey', '*.privKey', '*.token', '*.secret', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
