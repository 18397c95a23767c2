// After `pnpm -r build`: every published package must load from its built dist,
// both as ESM (import) and from CommonJS (require, Node >= 22.12), without the
// workspace source condition.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const failures = [];
for (const dir of readdirSync('packages')) {
  const manifest = JSON.parse(readFileSync(`packages/${dir}/package.json`, 'utf8'));
  if (manifest.private) continue;
  for (const [kind, load] of [['import', (name) => import(name)], ['require', (name) => require(name)]]) {
    try {
      const module = await load(manifest.name);
      const names = Object.keys(module);
      if (names.length === 0) throw new Error('no exports');
      console.log(`${manifest.name}: ${kind} ok (${names.length} exports)`);
    } catch (error) {
      failures.push(`${manifest.name}: ${kind} failed: ${error.message}`);
    }
  }
}
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exit(1);
}
