/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // Makes the Pulumi CLI available for tests/cli (builds it once per machine): see tests/cli/global-setup.ts.
  globalSetup: "<rootDir>/tests/cli/global-setup.ts",
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  testTimeout: 30000,
};
