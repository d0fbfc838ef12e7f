/**
 * `npm run build`: compiles the shipped folders into an empty `dist/` (so nothing a previous build or a
 * moved file left behind is packed), then writes the HTML page's prebuilt simulator script next to the
 * built visualize modules, so a built package needs no bundler to draw the page.
 *
 * @packageDocumentation
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BUNDLE_FILE, bundleSimulator } from '../bin/visualize/bundle.js';

const root = new URL('../', import.meta.url);
rmSync(new URL('dist/', root), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
writeFileSync(new URL(`dist/bin/visualize/${BUNDLE_FILE}`, root), await bundleSimulator());
