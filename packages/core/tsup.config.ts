import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/testing.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  // zod is bundled (and minified with the rest): loading its ~100 module files
  // dominated import time. Its types still come from the zod dependency.
  noExternal: ['zod'],
  minify: true,
});
