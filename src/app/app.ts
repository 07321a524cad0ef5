/**
 * Wires the whole server: config → policies → keys → database (migrated) → key vault →
 * face models (the current one and those galleries are pinned to) → job queue → services → GraphQL → HTTP. `main.ts` calls it with the process environment; tests call it with
 * their own config and, where they need them, a fixed clock and id generator.
 */
import { ffmpegDecoder } from "../adapters/video/ffmpeg.decoder.js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { EnvelopeCrypto } from "../adapters/crypto/envelope.crypto.js";
import { resolveAdminToken, resolveMasterKey } from "../adapters/crypto/local-secrets.js";
import { Ed25519Signer } from "../adapters/crypto/document-signer.js";
import { openDatabase, type Database } from "../adapters/db/database.js";
import { BullMqQueue } from "../adapters/jobs/bullmq.queue.js";
import { InProcessQueue } from "../adapters/jobs/in-process.queue.js";
import { RedisIndexSync } from "../adapters/jobs/redis-index-sync.js";
import { HnswIndex } from "../adapters/index/hnsw.index.js";
import { localIndexSync } from "../domain/index-sync.port.js";
import { openKeyVault } from "../adapters/keys/sql-key-vault.js";
import { scryptHasher } from "../adapters/crypto/scrypt-password.js";
import { telemetryPlugin } from "../graphql/telemetry.plugin.js";
import { observe, otelTelemetry } from "../observability/telemetry.js";
import { tracedEngine } from "../observability/traced-engine.js";
import { loadPolicies } from "../adapters/policy/policy-files.js";
import type { JobQueue } from "../domain/jobs.port.js";
import type { KeyVault } from "../domain/key-vault.port.js";
import type { ErasureParticipant } from "../services/erasure.service.js";
import { prismaStore } from "../adapters/db/prisma.store.js";
import type { Config } from "../config/config.js";
import { cryptoRandom, randomIds, systemClock, type Clock, type IdGenerator, type RandomSource } from "../domain/clock.port.js";
import type { FaceEngine } from "../domain/face-engine.port.js";
import type { GraphQLContext } from "../graphql/context.js";
import { createErrorFormatter } from "../graphql/error-mapping.js";
import { buildGraphQLSchema } from "../graphql/schema.js";
import { requestLimits } from "../graphql/limits.js";
import { startHttpServer, type RunningServer } from "../http/server.js";
import { createThrottle } from "../http/throttle.js";
import { loadCalibration, type Calibration } from "../inference/calibration.js";
import { MatchThresholds } from "../services/match-thresholds.js";
import { FacePipeline } from "../inference/face-pipeline.js";
import { WorkerPoolEngine } from "../inference/worker-pool.engine.js";
import { projectRoot } from "../inference/model-manifest.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { createServices, type Services } from "./services.js";

export interface AppOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  /** Liveness challenge orders (tests fix them). */
  random?: RandomSource;
  log?: Logger;
  /**
   * A face engine already loaded, used instead of loading one from `config.inference`
   * (tests share one across apps to save start-up time; its limits are its own).
   */
  engine?: FaceEngine;
  /** Extra stores erasure must clear (caches, indexes). */
  erasureParticipants?: readonly ErasureParticipant[];
}

/**
 * The face engine with every recognizer some gallery is pinned to (besides the current
 * one), and thresholds from each one's calibration (or VERIFY_THRESHOLD).
 */
async function loadModels(config: Config, overrides: AppOverrides, pinned: readonly string[]) {
  const extra = pinned.filter((id) => id !== config.inference.recognizerModel);
  // Each model's calibration, read once: its impostor scores give the thresholds, and the
  // pipeline it names keeps a gallery pinned under an earlier default on the alignment its
  // templates were made (and its threshold calibrated) with.
  const calibrations = new Map<string, Calibration | Error>();
  const calibrationOf = async (modelId: string): Promise<Calibration | Error> => {
    if (!calibrations.has(modelId)) calibrations.set(modelId, await loadCalibration(modelId).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
    return calibrations.get(modelId)!;
  };
  const scoresOf = (modelId: string) => {
    const c = calibrations.get(modelId);
    return c && !(c instanceof Error) ? c.impostorScores : null;
  };
  const recognizerLandmarks: Record<string, string> = {};
  for (const id of extra) {
    const c = await calibrationOf(id);
    const landmarks = c instanceof Error ? undefined : c.pipeline?.landmarks;
    if (landmarks && landmarks !== config.inference.landmarkModel) recognizerLandmarks[id] = landmarks;
  }
  const inference = { ...config.inference, extraRecognizerModels: extra, recognizerLandmarks };
  // Inference in worker threads (the event loop stays free), or in-process when INFERENCE_WORKERS=0.
  const pool = overrides.engine || config.inferencePool.workers === 0 ? undefined : await WorkerPoolEngine.start(inference, config.inferencePool);
  const engine = overrides.engine ?? pool ?? (await FacePipeline.load(inference));
  try {
    for (const modelId of engine.modelIds) {
      // Without a calibration only VERIFY_THRESHOLD can set the threshold.
      const c = await calibrationOf(modelId);
      if (c instanceof Error && config.verify.threshold === undefined) throw c;
    }
    const thresholds = new MatchThresholds(scoresOf, {
      targetFmr: config.verify.targetFalseMatchRate,
      targetFpir: config.identify.targetFpir,
      fixedVerifyThreshold: config.verify.threshold,
    });
    return { engine, pool, thresholds };
  } catch (e) {
    await pool?.close();
    throw e;
  }
}

export interface App {
  url: string;
  database: Database;
  vault: KeyVault;
  jobs: JobQueue;
  services: Services;
  adminToken: string;
  adminTokenFile: string | undefined;
  close(): Promise<void>;
}

export async function startApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const log = overrides.log ?? createLogger(config.logLevel);
  const version = (JSON.parse(readFileSync(path.join(projectRoot(), "package.json"), "utf8")) as { version: string }).version;

  // Policies first: a bad policy file stops the server before anything else starts.
  const policies = await loadPolicies(config.policyDir);
  const masterKey = await resolveMasterKey(config, log);
  const admin = await resolveAdminToken(config, log);
  const deps = config.dependencies;
  const database = await openDatabase(config.database, {
    onPoolError: (error) => log.warn("database connection lost; the pool replaces it", { error }),
    connectTimeoutMs: deps.connectTimeoutMs,
    poolSize: deps.databasePool,
  });
  if (database.applied.length > 0) log.info("applied database migrations", { migrations: database.applied });
  let vault: KeyVault;
  try {
    vault = await openKeyVault(config.keyVault, {
      onPoolError: (error) => log.warn("key vault connection lost; the pool replaces it", { error }),
      connectTimeoutMs: deps.connectTimeoutMs,
      poolSize: deps.keyVaultPool,
    });
  } catch (e) {
    await database.close();
    throw e;
  }
  const store = prismaStore(database.prisma, { maxWaitMs: deps.connectTimeoutMs, timeoutMs: deps.transactionTimeoutMs });
  let models: Awaited<ReturnType<typeof loadModels>>;
  try {
    models = await loadModels(config, overrides, await store.galleries.pinnedModelIds());
  } catch (e) {
    await vault.close();
    await database.close();
    throw e;
  }
  const { pool, thresholds } = models;
  // Every capture traced and timed by stage (a no-op while telemetry is off).
  const engine = tracedEngine(models.engine);
  const gauges = pool ? [observe("faceid_inference_queue", "Captures waiting for an inference worker", () => [{ value: pool.queued }])] : [];
  const threshold = thresholds.verify(engine.modelId, null);
  if (engine.modelIds.length > 1) log.info("embedding models loaded", { current: engine.modelId, pinnedByGalleries: engine.modelIds.slice(1) });
  const jobs = config.redis ? new BullMqQueue(config.redis.url, config.redis.prefix, log) : new InProcessQueue(log);
  const indexSync = config.redis ? new RedisIndexSync(config.redis.url, config.redis.prefix, log) : localIndexSync;

  const services = createServices({
    store,
    vault,
    jobs,
    indexSync,
    indexOptions: { exactMax: config.indexExactMax, approximate: (dim) => new HnswIndex(dim) },
    policies,
    engine,
    crypto: new EnvelopeCrypto(masterKey),
    signer: new Ed25519Signer(masterKey),
    erasureParticipants: overrides.erasureParticipants ?? [],
    clock: overrides.clock ?? systemClock,
    ids: overrides.ids ?? randomIds,
    random: overrides.random ?? cryptoRandom,
    log,
    adminToken: admin.token,
    apiKeyCacheSeconds: config.apiKeyCacheSeconds,
    telemetry: otelTelemetry,
    passwords: scryptHasher(),
    thresholds,
    maxImageBytes: config.inference.decode.maxBytes,
    databaseKind: database.kind,
    ping: () => database.ping(),
    version,
    streams: { maxPerTenant: config.streams.maxPerTenant, idleMs: config.streams.idleSeconds * 1000, frameBudgetMs: config.streams.frameBudgetMs },
    video: ffmpegDecoder(),
  });

  gauges.push(
    observe("faceid_index_templates", "Templates held by the 1:N matching index, per gallery", () => services.index.sizes().map((s) => ({ value: s.templates, attributes: { gallery: s.galleryId } }))),
    observe("faceid_retention_sweep_age_seconds", "Seconds since the last retention sweep of this process finished (grows when sweeps stop)", () =>
      services.retention.lastSweepAt ? [{ value: (services.clock.now().getTime() - services.retention.lastSweepAt.getTime()) / 1000 }] : [],
    ),
    observe("faceid_dsr_requests", "Data subject requests open, and open past their due date (state=overdue)", async () => {
      const c = await store.requests.countOpen(services.clock.now()).catch(() => null);
      return c ? [{ value: c.open, attributes: { state: "open" } }, { value: c.overdue, attributes: { state: "overdue" } }] : [];
    }),
  );
  const loaded = await services.index.start();
  log.info("matching indexes loaded", { galleries: loaded.galleries, indexedFaces: loaded.templates });
  // Work a crash left half-done (erasures, key rotations) is finished before serving.
  await services.resumeInterrupted();
  if (jobs instanceof BullMqQueue) jobs.start();
  // Whatever an earlier run left in the outbox (Redis was down, or the process died) goes out now.
  services.relay.start();
  void services.relay.deliver().catch(() => undefined);
  await jobs.repeat("retention.sweep", {}, config.retentionSweepSeconds * 1000);
  await jobs.enqueue("retention.sweep", {});

  const schema = await buildGraphQLSchema();
  const limits = requestLimits(config.graphql, schema);
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError: createErrorFormatter(log),
    includeStacktraceInErrorResponses: false,
    introspection: config.graphql.introspection,
    allowBatchedHttpRequests: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [ApolloServerPluginLandingPageDisabled(), telemetryPlugin(), ...limits.plugins],
  });
  await apollo.start();
  const throttle = createThrottle(config.rateLimit, config.redis);
  let http: RunningServer;
  try {
    http = await startHttpServer(apollo, services, log, {
      ...config.server,
      maxImageBytes: config.inference.decode.maxBytes,
      maxVideoBytes: config.streams.maxVideoBytes,
      subscriptions: { schema, validationRules: limits.validationRules },
      throttle,
      portal: { staticDir: path.join(projectRoot(), "dist", "portal"), secureCookies: config.portal.secureCookies },
    });
  } catch (e) {
    services.streams.closeAll();
    await throttle.close();
    await apollo.stop();
    await jobs.close();
    await indexSync.close();
    services.index.close();
    await vault.close();
    await database.close();
    await pool?.close();
    throw e;
  }
  log.info("listening", { url: http.url, database: database.kind, modelId: engine.modelId, verifyThreshold: threshold });

  return {
    url: http.url,
    database,
    vault,
    jobs,
    services,
    adminToken: admin.token,
    adminTokenFile: admin.file,
    async close() {
      for (const remove of gauges) remove();
      services.streams.closeAll();
      await http.close();
      services.relay.stop();
      await throttle.close();
      await apollo.stop();
      await jobs.close();
      await indexSync.close();
      services.index.close();
      await vault.close();
      await database.close();
      await pool?.close();
    },
  };
}
