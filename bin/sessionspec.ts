#!/usr/bin/env node
/** The `sessionspec` executable. @packageDocumentation */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
