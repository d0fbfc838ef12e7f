/**
 * An integration written in the words of docs/guides/writing-an-integration.md (node-http.ts) passes
 * the HTTP behaviour suite every built-in integration passes.
 */
import './node-http-suite.js';
