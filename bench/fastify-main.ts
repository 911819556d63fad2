/**
 * BENCH ONLY: the service on `@nestjs/platform-fastify` instead of Express, to measure the HTTP
 * layer (`npm run bench -- fastify`). Not a supported way to run the service: it is compiled by
 * bench/tsconfig.fastify.json into dist/bench/fastify-main.js and started as `npm start` is.
 *
 * Same as src/bootstrap.ts's createApp: AppModule.forRoot(config, { role: 'server' }), JsonLogger,
 * the global validation pipe, every Nest guard, interceptor and filter unchanged, JSON and urlencoded
 * bodies up to MAX_UPLOAD_MB (Fastify's bodyLimit), helmet with the same options (@fastify/helmet),
 * no x-powered-by, trust proxy off, the per-route latency histogram, the request deadline and the
 * JSON depth guard (as Fastify hooks, not Express middleware).
 *
 * What it lacks compared with the Express app:
 * - multipart uploads (no @fastify/multipart; the routes' multer interceptors need Express), so
 *   POST /api/v2/meter-readings and the other upload routes do not work, nor multipartByteCap;
 * - bodySizeCap's own 413 body: a declared body past bodyLimit gets Fastify's 413 (another JSON shape);
 * - the request deadline is a simplified port (no drain-or-close distinction beyond req.complete);
 * - the console's static files and Swagger (/api/docs);
 * - Express's weak ETag on every answer (Fastify computes none);
 * - `@Res()` routes that stream or call Express-only methods (metrics text, exports, images,
 *   training data) are untested here; the measured routes use only `res.status()`.
 * Routes declared twice to Express (`corrections` and `corrections/`) are declared once, with
 * Fastify's ignoreTrailingSlash. Express idioms the shared code relies on are supplied as Fastify decorators: `request.path`
 * (interceptors, the rate limit), `reply.json()`, `reply.setHeader()` and `reply.headersSent`
 * (AllExceptionsFilter, RateLimitGuard).
 */
import 'reflect-metadata';
import fastifyHelmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from '../src/app.module';
import { helmetOptions } from '../src/bootstrap';
import { AppConfig, loadConfig } from '../src/config';
import { resolveEnvironment } from '../src/env-file';
import { MAX_JSON_DEPTH, nestsDeeper } from '../src/infrastructure/http/request-limits';
import { validationPipe } from '../src/infrastructure/http/validation';
import { MetricsService } from '../src/infrastructure/observability/metrics.service';
import { JsonLogger } from '../src/infrastructure/observability/json-logger';
import { ensurePrivateDir } from '../src/infrastructure/private-files';

function errorBody(status: number, error: string, message: string) {
  return { status_code: status, error, message };
}

/** The Express request/response members the shared guards, interceptors and filter use. */
function expressIdioms(fastify: FastifyInstance): void {
  // `@Post(['corrections', 'corrections/'])` is two routes to Express and one path to Nest's Fastify
  // adapter (it strips the trailing slash), which Fastify refuses to declare twice: the second is
  // dropped, and routerOptions.ignoreTrailingSlash still answers both spellings (as Express 5 does).
  const declared = new Set<string>();
  const route = fastify.route.bind(fastify);
  fastify.route = ((options: { method: string | string[]; url: string }) => {
    const key = `${String(options.method)} ${options.url}`;
    if (declared.has(key)) return fastify;
    declared.add(key);
    return route(options as never);
  }) as never;
  fastify.decorateRequest('path', {
    getter(this: FastifyRequest) {
      const q = this.url.indexOf('?');
      return q === -1 ? this.url : this.url.slice(0, q);
    },
  });
  fastify.decorateReply('json', function (this: FastifyReply, body: unknown) {
    return this.type('application/json; charset=utf-8').send(body);
  });
  fastify.decorateReply('setHeader', function (this: FastifyReply, name: string, value: string) {
    return this.header(name, value);
  });
  fastify.decorateReply('headersSent', {
    getter(this: FastifyReply) {
      return this.sent || this.raw.headersSent;
    },
  });
}

/** httpMetrics, requestDeadline and jsonDepthGuard of src/infrastructure/http, as Fastify hooks. */
function requestHooks(fastify: FastifyInstance, metrics: MetricsService, config: AppConfig): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const end = metrics.httpDuration.startTimer();
    const timer = setTimeout(() => {
      if (reply.sent) return;
      const complete = request.raw.complete;
      reply.header('connection', 'close');
      if (complete) reply.code(503).send(errorBody(503, 'Service Unavailable', 'request timed out'));
      else reply.code(408).send(errorBody(408, 'Request Timeout', 'request body not received in time'));
    }, config.requestTimeoutMs);
    reply.raw.once('close', () => clearTimeout(timer));
    reply.raw.once('finish', () => end({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }));
    done();
  });
  fastify.addHook('preValidation', (request, reply, done) => {
    if (request.body !== undefined && nestsDeeper(request.body, MAX_JSON_DEPTH)) {
      reply.code(400).send(errorBody(400, 'Bad Request', `request body nests deeper than ${MAX_JSON_DEPTH} levels`));
      return;
    }
    done();
  });
}

async function main(): Promise<void> {
  const config = loadConfig(resolveEnvironment());
  ensurePrivateDir(config.dataDir);
  const adapter = new FastifyAdapter({
    bodyLimit: Math.floor(config.maxUploadMb * 1024 * 1024),
    trustProxy: false,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, { role: 'server' }), adapter, {
    logger: new JsonLogger(config.logLevel),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  expressIdioms(fastify);
  requestHooks(fastify, app.get(MetricsService), config);
  await app.register(fastifyHelmet as never, helmetOptions(config) as never);
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  await app.init();
  await app.listen(config.port, '0.0.0.0');
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'listening', adapter: 'fastify', port: config.port, data_dir: config.dataDir })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
