#!/usr/bin/env node
/** The `sessionspec` executable. @packageDocumentation */
import { main } from './cli.js';

const code = await main(process.argv.slice(2));
// A store module may hold a client or a pool open: the report is out, so end rather than hang.
process.exit(code);
