/**
 * Fixes the size of node:http's request and response objects while the process starts, before a
 * quiet spell can fix it wrong.
 *
 * V8 sizes the objects a constructor makes from its first instances ("in-object slack
 * tracking"): when the seventh is made, it looks at the shapes the first six were given and keeps
 * room inside every later object for that many fields. If those six have died and a full garbage
 * collection has dropped their shapes by then, it finds no field and keeps room for none. node:http
 * then adds some forty fields to each request and response; past twelve held outside the object,
 * a keyed store (`this[kSymbol] = …`, as node's own code is written) turns the object into a
 * dictionary. From then on every IncomingMessage and ServerResponse of the process is a slow
 * object, and a GET costs some 40 % more CPU, until the process ends. A fresh process gets there
 * by answering six requests (a probe, a few health checks), idling past the keep-alive timeout and
 * collecting its garbage (docs/benchmarks.md, fourteenth round).
 *
 * Making the seventh instance of each while the first six are still alive settles the size on
 * the shape their constructors give them. After that, V8 never sizes them again.
 */
import { IncomingMessage, ServerResponse } from 'node:http';

/** More than the instances after which V8 fixes a constructor's object size. */
const INSTANCES = 8;

/** Makes {@link INSTANCES} requests and responses at once; call before the first request is served. */
export function settleHttpObjectShapes(): void {
  const alive: ServerResponse[] = [];
  for (let i = 0; i < INSTANCES; i++) alive.push(new ServerResponse(new IncomingMessage(null as never)));
}
