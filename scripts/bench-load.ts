/**
 * Load benchmark of the real server process on PostgreSQL (a fresh database on the local
 * server; dist/src/main.js started as its own process, as in production):
 *   - verify and identify throughput and p50/p99 latency at 1, 4, 16 and 32 clients, with
 *     LFW-sized photos (250×250) and full-size photos from ../shared/faces;
 *   - /health/live p99 while inference keeps the cores busy;
 *   - audited writes per second in one tenant (createSubject + grantConsent) at 32 clients;
 *   - optionally a soak (`--soak-seconds N`) at a fraction of the measured verify maximum
 *     (`--soak-rate 0.8`): errors, and the server's RSS in the first and last minute.
 *   - `--telemetry off|metrics|traces`: the server with OpenTelemetry off (OTEL_SDK_DISABLED),
 *     with metrics only (the default), or with every span exported over OTLP/HTTP (100 %
 *     sampling) to a sink on the loopback that accepts and drops them.
 * Each row also prints the CPU time per call of the server (and its main thread alone), of
 * PostgreSQL and of this load generator, which all share the machine's cores.
 * Before the server starts, the in-process reference (scripts/bench-verify-work.ts: the
 * face work of one verify on one core) is measured on the same machine, and the 250×250
 * verify rows say what share of its two-core rate the server reaches (`--reference off`
 * skips it): this VM's speed differs by a third from day to day, so the ratio is only
 * meaningful measured in the same run.
 * Usage: npm run bench:load [-- --seconds 10 --clients 1,4,16,32 --soak-seconds 600 | --only audit | --only verify] [--telemetry traces] [--reference off]
 */
import { execFile } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sharedDir } from "./lib/shared-dir.js";
import { listFacePhotos } from "./lib/shared-faces.js";
import { percentile } from "./lib/stats.js";
import { startBenchServer } from "./lib/bench-server.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
const seconds = Number(args.get("seconds") ?? 10);
const levels = (args.get("clients") ?? "1,4,16,32").split(",").map(Number);
const soakSeconds = Number(args.get("soak-seconds") ?? 0);
const soakRate = Number(args.get("soak-rate") ?? 0.8);
const P = "access_control";

// An OTLP/HTTP sink for --telemetry traces: accepts every export, keeps nothing.
const telemetry = args.get("telemetry") ?? "metrics";
let spansReceived = 0;
const sink = telemetry === "traces" ? http.createServer((req, res) => req.on("data", () => undefined).on("end", () => { spansReceived++; res.writeHead(200, { "content-type": "application/json" }).end("{}"); })) : null;
const sinkPort = sink ? await new Promise<number>((resolve) => sink.listen(0, "127.0.0.1", () => resolve((sink.address() as net.AddressInfo).port))) : 0;
const telemetryEnv: Record<string, string> =
  telemetry === "off" ? { OTEL_SDK_DISABLED: "true" } : telemetry === "traces" ? { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`, OTEL_TRACES_SAMPLER: "always_on" } : {};
// The in-process reference, measured while the cores are still free.
const reference =
  args.get("reference") === "off"
    ? null
    : await new Promise<{ withChecksMs: number }>((resolve, reject) =>
        execFile(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), "bench-verify-work.js"), "--json"], (e, stdout) => {
          if (e) reject(e);
          else resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as { withChecksMs: number });
        }),
      );
const cores = availableParallelism();
const referenceRate = reference ? (cores * 1000) / reference.withChecksMs : null;
// BENCH_SERVER_NODE_ARGS: extra node flags for the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
const bench = await startBenchServer(telemetryEnv, (process.env["BENCH_SERVER_NODE_ARGS"] ?? "").split(" ").filter(Boolean));
const server = bench.process;
const url = bench.url;
const cleanup = async () => {
  await bench.cleanup();
  if (sink) {
    console.log(`OTLP trace exports received by the sink: ${spansReceived}`);
    sink.close();
  }
};
const gql = bench.gql;
const adminToken = bench.adminToken;
const created = await gql(`mutation { createTenant(name: "bench") { apiKey } }`, {}, { "x-admin-token": adminToken });
const headers = { authorization: `Bearer ${created.data!["createTenant"].apiKey}` };
const as = (q: string, v: Record<string, unknown> = {}) => gql(q, v, headers);
const b64 = (buf: Buffer) => ({ base64: buf.toString("base64") });

// Galleries: LFW genuine pairs (250×250) and the identity folders of ../shared/faces.
const lfw = path.join(sharedDir(), "lfw-dev");
const same = (await readFile(path.join(lfw, "pairsDevTrain.txt"), "utf8")).trim().split("\n").slice(1).map((l) => l.split("\t")).filter((f) => f.length === 3).slice(0, 16);
const lfwImage = (person: string, n: string) => readFile(path.join(lfw, "images", person, `${person}_${n.padStart(4, "0")}.jpg`));
const full = Object.values(listFacePhotos().filter((p) => p.isIdentity).reduce<Record<string, string[]>>((m, p) => ({ ...m, [p.folder]: [...(m[p.folder] ?? []), p.path] }), {})).filter((l) => l.length >= 2);

interface Set_ { gallery: string; pairs: { subject: string; probe: { base64: string } }[] }
async function enrollSet(label: string, pairs: { enroll: Buffer; probe: Buffer }[]): Promise<Set_> {
  const gallery = (await as(`mutation($n: String!) { createGallery(name: $n) { id } }`, { n: label })).data!["createGallery"].id as string;
  const out: Set_ = { gallery, pairs: [] };
  for (const p of pairs) {
    const subject = (await as(`mutation { createSubject { id } }`)).data!["createSubject"].id as string;
    await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s: subject });
    const r = await as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "${P}", image: $img }) { templateId } }`, { s: subject, g: gallery, img: b64(p.enroll) });
    if (!r.errors) out.pairs.push({ subject, probe: b64(p.probe) });
  }
  return out;
}
const sets: Record<string, Set_> = {
  "250x250": await enrollSet("lfw", await Promise.all(same.map(async ([person, a, b]) => ({ enroll: await lfwImage(person!, a!), probe: await lfwImage(person!, b!) })))),
  "full-size": await enrollSet("full", await Promise.all(full.map(async ([a, b]) => ({ enroll: await readFile(a!), probe: await readFile(b!) })))),
};

/**
 * CPU seconds used so far by the server process (all its threads, and its main thread
 * alone) and by every PostgreSQL process: on a shared, noisy machine the CPU time per call
 * varies far less than calls/s.
 */
async function cpuSeconds(): Promise<{ server: number; main: number; postgres: Map<string, number> }> {
  const ticks = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  };
  const own = ticks(await readFile(`/proc/${server.pid}/stat`, "utf8"));
  const main = ticks(await readFile(`/proc/${server.pid}/task/${server.pid}/stat`, "utf8"));
  const postgres = new Map<string, number>();
  for (const pid of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    if (stat.includes("(postgres)")) postgres.set(pid, ticks(stat));
  }
  return { server: own, main, postgres };
}

/** PostgreSQL CPU between two samples: processes that ended in between are not counted. */
function postgresDelta(a: Map<string, number>, b: Map<string, number>): number {
  let sum = 0;
  for (const [pid, t] of b) sum += t - (a.get(pid) ?? 0);
  return sum;
}

/** `clients` closed loops for `secs`; each call picks the next pair. */
async function run(clients: number, secs: number, call: (i: number) => Promise<boolean>) {
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const cpu0 = await cpuSeconds();
  const client0 = process.cpuUsage();
  const end = performance.now() + secs * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const ok = await call(n++).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  const cpu1 = await cpuSeconds();
  const client = process.cpuUsage(client0);
  const perCall = (a: number, b: number) => ((b - a) * 1000) / Math.max(1, latencies.length);
  return { perSecond: latencies.length / secs, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, calls: latencies.length, serverCpuMs: perCall(cpu0.server, cpu1.server), mainCpuMs: perCall(cpu0.main, cpu1.main), postgresCpuMs: perCall(0, postgresDelta(cpu0.postgres, cpu1.postgres)), clientCpuMs: perCall(0, (client.user + client.system) / 1e6) };
}
const verify = (s: Set_) => async (i: number) => {
  const p = s.pairs[i % s.pairs.length]!;
  const r = await as(`mutation($s: ID!, $img: ImageInput!) { verifyFace(input: { subjectId: $s, purpose: "${P}", image: $img }) { match } }`, { s: p.subject, img: p.probe });
  return !r.errors;
};
const identify = (s: Set_) => async (i: number) => {
  const p = s.pairs[i % s.pairs.length]!;
  const r = await as(`mutation($g: ID!, $img: ImageInput!) { identifyFace(input: { galleryId: $g, purpose: "${P}", image: $img }) { match } }`, { g: s.gallery, img: p.probe });
  return !r.errors;
};
const fmt = (r: Awaited<ReturnType<typeof run>>) =>
  `${r.perSecond.toFixed(1).padStart(6)}/s  p50 ${r.p50.toFixed(0).padStart(5)} ms  p99 ${r.p99.toFixed(0).padStart(5)} ms  errors ${r.errors}/${r.calls}  cpu/call: server ${r.serverCpuMs.toFixed(1)} ms (main thread ${r.mainCpuMs.toFixed(1)}), postgres ${r.postgresCpuMs.toFixed(1)} ms, this load generator ${r.clientCpuMs.toFixed(1)} ms`;

console.log(`bench:load — server pid ${server.pid} on PostgreSQL, telemetry ${telemetry}, ${seconds} s per row, ${new Date().toISOString()}`);
if (reference && referenceRate)
  console.log(`in-process reference (bench-verify-work, one core, same machine, just before): ${reference.withChecksMs.toFixed(1)} ms per 250x250 probe → ${referenceRate.toFixed(1)}/s on ${cores} cores`);
const best: Record<string, number> = {};
// --only audit: just the audited-writes row (it varies run to run; repeat it cheaply);
// --only verify: just verify on the 250×250 set (for profiling the server).
const only = args.get("only");
for (const [label, s] of only === "audit" ? [] : only === "verify" ? [["250x250", sets["250x250"]!] as const] : Object.entries(sets)) {
  for (const [op, make] of only === "verify" ? ([["verify", verify]] as const) : ([["verify", verify], ["identify", identify]] as const)) {
    await run(2, 2, make(s)); // warm-up
    for (const c of levels) {
      const r = await run(c, seconds, make(s));
      best[`${op} ${label}`] = Math.max(best[`${op} ${label}`] ?? 0, r.perSecond);
      const share = op === "verify" && label === "250x250" && referenceRate ? `  = ${((100 * r.perSecond) / referenceRate).toFixed(0)} % of in-process` : "";
      console.log(`${op.padEnd(8)} ${label.padEnd(9)} ${String(c).padStart(2)} clients  ${fmt(r)}${share}`);
    }
  }
}

// /health/live while 16 clients keep the inference busy.
if (only === undefined) {
  const health: number[] = [];
  let stop = false;
  const probe = (async () => {
    while (!stop) {
      const t0 = performance.now();
      await fetch(url.replace("/graphql", "/health/live"));
      health.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const r = await run(16, seconds, verify(sets["250x250"]!));
  stop = true;
  await probe;
  console.log(`/health/live under 16 verify clients (${r.perSecond.toFixed(1)} verifies/s): p50 ${percentile(health, 50).toFixed(1)} ms, p99 ${percentile(health, 99).toFixed(1)} ms (${health.length} probes)`);
}

// Audited writes in one tenant: each createSubject and grantConsent writes one audit event.
if (only !== "verify") {
  const r = await run(32, seconds, async (i) => {
    const c = await as(`mutation { createSubject { id } }`);
    if (c.errors) return false;
    const g = await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s: c.data!["createSubject"].id });
    return !g.errors && i >= 0;
  });
  const chain = (await as(`{ verifyAuditChain { valid length } }`)).data!["verifyAuditChain"];
  console.log(`audited writes, 32 clients, one tenant: ${(r.perSecond * 2).toFixed(1)} events/s (${r.calls} createSubject+grantConsent pairs, p99 ${r.p99.toFixed(0)} ms, errors ${r.errors}); chain valid ${chain.valid}, ${chain.length} events; cpu per pair: server ${r.serverCpuMs.toFixed(1)} ms (main thread ${r.mainCpuMs.toFixed(1)}), postgres ${r.postgresCpuMs.toFixed(1)} ms, this load generator ${r.clientCpuMs.toFixed(1)} ms`);
}

// Soak at a fraction of the measured maximum (open loop, 16 clients at most in flight).
if (soakSeconds > 0) {
  const rate = soakRate * (best["verify 250x250"] ?? 1);
  const rss = () => readFile(`/proc/${server.pid}/status`, "utf8").then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024);
  const samples: { t: number; mb: number }[] = [];
  let errors = 0;
  let calls = 0;
  const started = performance.now();
  const timer = setInterval(async () => samples.push({ t: (performance.now() - started) / 1000, mb: await rss() }), 5000);
  const inflight = new Set<Promise<void>>();
  const call = verify(sets["250x250"]!);
  for (let i = 0; performance.now() - started < soakSeconds * 1000; i++) {
    const due = started + (i / rate) * 1000;
    if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
    if (inflight.size >= 16) await Promise.race(inflight);
    const p: Promise<void> = call(i).then((ok) => void (ok || errors++), () => void errors++).finally(() => inflight.delete(p)).then(() => void calls++);
    inflight.add(p);
  }
  await Promise.all(inflight);
  clearInterval(timer);
  const first = samples.filter((s) => s.t <= 60).map((s) => s.mb);
  const last = samples.filter((s) => s.t >= soakSeconds - 60).map((s) => s.mb);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  console.log(`soak ${soakSeconds} s at ${rate.toFixed(1)} verifies/s: ${calls} calls, ${errors} errors; RSS first minute ${mean(first).toFixed(0)} MB, last minute ${mean(last).toFixed(0)} MB`);
}
await cleanup();
