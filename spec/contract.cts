/**
 * `require('sessionspec/store')`: the ES module itself, loaded through Node's
 * require(esm) (Node 20.19 and later), so CommonJS and ES module importers share one copy.
 *
 * @packageDocumentation
 */
import entry = require('./contract.js');

export = entry;
