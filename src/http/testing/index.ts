/**
 * `sessionspec/http/testing`: the HTTP behaviour suite for authors of an integration, as
 * `sessionspec/conformance/vitest` is for authors of a store. Express, Fastify, web and Hono pass it;
 * an integration built on `sessionspec/http` passes it too. Imports vitest and fast-check, optional
 * peer dependencies needed by this entry point only.
 *
 * @packageDocumentation
 * @module sessionspec/http/testing
 */
export type { RouteReply } from './routes.js';
export {
  describeHttpBehaviour,
  type HttpBehaviourOptions,
  type RunningServer,
  type ServerSetup,
  type StartServer,
} from './suite.js';
