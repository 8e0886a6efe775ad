// A password held in memory. The wrapper exists so that the secret cannot reach a log line,
// an error message, a JSON status document or a console.log of a target object by accident:
// every implicit conversion renders '[redacted]'. Only reveal() gives the value, and the one
// caller that needs it hands it to the ipmitool child through its environment.

import { inspect } from 'node:util';

const REDACTED = '[redacted]';

export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
