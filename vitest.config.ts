import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // leak scan: every test process records secrets and outputs; the run's end scans them
    globalSetup: ['test/attack/leak-scan/global-setup.ts'],
    setupFiles: ['test/attack/leak-scan/setup.ts'],
  },
});
