import { describe, expect, it } from "vitest";
import { createLogger, describeError } from "./logger.js";

describe("logger", () => {
  it("redacts biometric and secret fields, keeps the rest", () => {
    const lines: string[] = [];
    const log = createLogger("debug", (l) => lines.push(l));
    log.info("enrolled", { templateId: "tpl_1", embedding: [0.1, 0.2], apiKey: "key_1.secret", nested: { ciphertext: "abc", wrappedKey: "k", ok: 3 }, image: "AAAA" });
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ msg: "enrolled", templateId: "tpl_1", embedding: "[redacted]", apiKey: "[redacted]", image: "[redacted]" });
    expect(entry.nested).toEqual({ ciphertext: "[redacted]", wrappedKey: "[redacted]", ok: 3 });
    expect(lines[0]).not.toContain("secret");
  });

  it("redacts typed arrays wherever they are", () => {
    const lines: string[] = [];
    createLogger("info", (l) => lines.push(l)).info("x", { data: new Float32Array([1, 2, 3]) });
    expect(JSON.parse(lines[0]!).data).toBe("[redacted]");
  });

  it("filters by level", () => {
    const lines: string[] = [];
    const log = createLogger("warn", (l) => lines.push(l));
    log.info("no");
    log.warn("yes");
    expect(lines).toHaveLength(1);
  });

  it("cuts long numeric runs out of error messages", () => {
    const d = describeError(new Error("bad value 0.123,0.456,0.789,0.111,0.222,0.333,0.444,0.555 in row"));
    expect(d.message).toContain("[redacted]");
    expect(d.message).not.toContain("0.444");
  });
});
