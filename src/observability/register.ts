/**
 * Starts OpenTelemetry before the application loads: `node --import ./dist/src/observability/register.js dist/src/main.js`
 * (what `npm start` runs). Configured by the OTEL_* variables (src/observability/telemetry.ts).
 */
import { startTelemetry } from "./telemetry.js";

startTelemetry();
