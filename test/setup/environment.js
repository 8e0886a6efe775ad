// The jest environment of the unit and integration projects: Node's, plus a teardown list
// that test/support/isolation.ts fills (temporary directories, the loopback block lock).
// It runs after the file's last afterAll hook, so nothing is removed under a running agent.
'use strict';
const { TestEnvironment } = require('jest-environment-node');

class LifelineEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__lifelineTeardown = [];
  }

  async teardown() {
    const pending = this.global.__lifelineTeardown.splice(0).reverse();
    for (const fn of pending) {
      try {
        fn();
      } catch (e) {
        process.stderr.write(`[teardown] ${e.message}\n`);
      }
    }
    await super.teardown();
  }
}

module.exports = LifelineEnvironment;
