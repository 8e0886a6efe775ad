// Four jest projects: pure/unit logic of the agent (node), real-process integration
// tests of the agent (node, serial, tools installed by globalSetup), the built plugin in
// Chromium (browser), and the Grafana plugin's components (jsdom, Grafana's scaffolded
// transform settings).
process.env.TZ = 'UTC';
const grafana = require('./.config/jest.config');

const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022' } }];

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: '<rootDir>/test/setup/environment.js',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform: { '^.+\\.(t|j)sx?$': swc },
    },
    {
      displayName: 'integration',
      testEnvironment: '<rootDir>/test/setup/environment.js',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      globalSetup: '<rootDir>/test/setup/global-setup.js',
    },
    {
      // The built plugin in real headless Chromium on the Grafana-compatible host (test/browser/host/),
      // against real agents: needs dist/ (npm run build:plugin) and Debian's chromium (installed by the setup).
      displayName: 'browser',
      testEnvironment: '<rootDir>/test/setup/environment.js',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      globalSetup: '<rootDir>/test/setup/browser-setup.js',
    },
    {
      ...grafana,
      // d3-color (pulled in by @grafana/data) ships only .mjs: let swc transform it too.
      transform: { '^.+\\.(m?js|tsx?|jsx)$': Object.values(grafana.transform)[0] },
      displayName: 'plugin',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/plugin/**/*.test.{ts,tsx}'],
      setupFilesAfterEnv: ['<rootDir>/jest-setup.js'],
    },
  ],
};
