/** Start-up refuses bad policies, listing every problem at once, before anything is opened. */
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startApp } from "../../src/app/app.js";
import { sharedEngine, testConfig } from "../support/engine.js";

describe("start-up", () => {
  it("stops on a bad policy file with every error listed", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "bad-policies-"));
    await writeFile(
      path.join(dir, "default.policy.json"),
      JSON.stringify({ version: "1", tenant: "*", purposes: { access_control: { description: "x", operations: ["enroll", "teleport"], legalBasis: "vibes", consentType: "explicit", retention: { maxDays: 0 } } } }),
    );
    const config = testConfig({ PORT: "0", DATA_DIR: await mkdtemp(path.join(os.tmpdir(), "fid-")), POLICY_DIR: dir });
    const started = startApp(config, { engine: await sharedEngine() });
    await expect(started).rejects.toThrow(/operations\[1\]: must be one of[\s\S]*legalBasis: must be one of[\s\S]*maxDays: must be an integer from 1/);
  });
});
