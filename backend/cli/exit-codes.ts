/** Exit codes of the `lifeline` command; documented in the README. */
export const EXIT = {
  OK: 0,
  /** The input was understood and found wrong: invalid configuration, failed check. */
  INVALID: 1,
  /** The command line itself is wrong: unknown command or option, missing argument. */
  USAGE: 2,
  /** The agent could not be reached or answered with a server error. */
  UNAVAILABLE: 3,
  /** The agent refused the token (401) or its role (403). */
  DENIED: 4,
  /** The request lost a race: stale revision (409/412). */
  CONFLICT: 5,
  /**
   * `lifeline status` only: the status was read, and something needs attention: a server is
   * not online, a monitor is in error, heartbeats are not running, or configurations conflict.
   */
  DEGRADED: 6,
  /** A group operation was carried out and failed: a resource did not start or stop. */
  FAILED: 7,
} as const;
