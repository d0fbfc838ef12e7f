/**
 * Writes the HTML page's prebuilt script next to the built modules (`npm run build` runs it from
 * `dist/`), so a built package needs no bundler to draw the page.
 *
 * @packageDocumentation
 */
import { writeFile } from 'node:fs/promises';
import { BUNDLE_FILE, bundleSimulator } from './bundle.js';

await writeFile(new URL(`./${BUNDLE_FILE}`, import.meta.url), await bundleSimulator());
