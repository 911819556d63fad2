import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { AppConfig } from './config';
import { InfrastructureOverrides } from './infrastructure.module';
import { bodySizeCap, jsonDepthGuard, multipartByteCap, requestDeadline } from './infrastructure/http/request-limits';
import { httpMetrics } from './infrastructure/http/http-metrics';
import { MetricsService } from './infrastructure/observability/metrics.service';
import { validationPipe } from './infrastructure/http/validation';
import { ensurePrivateDir } from './infrastructure/private-files';
import { describeOperations } from './infrastructure/http/openapi-operations';
import { JsonLogger } from './infrastructure/observability/json-logger';
import { interceptWithoutAsyncResources } from './infrastructure/http/unbound-interceptors';

/** Where the built console lives (vite build output): beside src/ under ts-node, beside dist/ when compiled. */
export function consoleDir(): string {
  const candidates = [join(__dirname, '..', 'console', 'dist'), join(__dirname, '..', '..', 'console', 'dist')];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0];
}

/**
 * The security headers (helmet's options), shared with the bench-only Fastify variant. TLS upgrade
 * and HSTS only when a TLS proxy fronts the service: on plain HTTP they make a browser fetch the
 * console's scripts over https (from any address but localhost) and show nothing.
 */
export function helmetOptions(config: AppConfig): HelmetOptions {
  const tls = config.behindTlsProxy;
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'blob:', 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        upgradeInsecureRequests: tls ? [] : null,
      },
    },
    strictTransportSecurity: tls,
  };
}

/** Build the HTTP application: the same for `npm start` and for the e2e tests. */
export async function createApp(config: AppConfig, overrides: InfrastructureOverrides = {}): Promise<INestApplication> {
  ensurePrivateDir(config.dataDir);
  interceptWithoutAsyncResources();
  const logger = new JsonLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, { role: 'server', ...overrides }), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  app.set('trust proxy', false);
  app.use(httpMetrics(app.get(MetricsService)));
  app.disable('x-powered-by');
  app.use(helmet(helmetOptions(config)));
  app.use(requestDeadline(config.requestTimeoutMs));
  app.use(bodySizeCap(config));
  app.use(multipartByteCap(config));
  const limit = `${config.maxUploadMb}mb`;
  app.use(express.json({ limit }));
  app.use(express.urlencoded({ extended: false, limit }));
  app.use(jsonDepthGuard());
  app.useGlobalPipes(validationPipe());
  const dist = consoleDir();
  if (existsSync(dist)) {
    app.use('/console', express.static(dist, { index: 'index.html', fallthrough: true }));
    app.use('/console', (_req: express.Request, res: express.Response) => res.sendFile(join(dist, 'index.html')));
  }
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('ML training flywheel').setDescription('OCR capture, active learning, conflict prediction and model lifecycle').setVersion('2').addBearerAuth().build(),
  );
  describeOperations(app, document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
