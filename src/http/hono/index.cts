/**
 * `require('sessionspec/hono')`: the ES module itself, loaded through Node's
 * require(esm) (Node 20.19 and later), so CommonJS and ES module importers share one copy.
 *
 * @packageDocumentation
 */
import entry = require('./index.js');

export = entry;
