import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const electronStub = fileURLToPath(new URL('./test/support/electron-stub.ts', import.meta.url));

export default defineConfig({
  test: {
    // `electron` is never the real thing in a unit test: no binary exists on our machines.
    alias: { electron: electronStub },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/sim/**/*.test.ts', 'test/packaging/**/*.test.ts', 'test/reliability/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        plugins: [vue()],
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['test/renderer/**/*.test.ts'],
        },
      },
    ],
  },
});
