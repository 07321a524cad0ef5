/**
 * Score thresholds from error rates: 1:1 from a target false-match rate, 1:N from a
 * target false-positive identification rate and the gallery's size (FMR per comparison =
 * 1 − (1 − FPIR)^(1/N)), both read off the model's measured impostor scores
 * (models/calibration), extrapolated with a normal fit below what they resolve. The
 * high-risk floor of 1:N is the threshold for a ten times lower FPIR: candidates under it
 * need a person's review. VERIFY_THRESHOLD, when set, fixes the 1:1 threshold.
 */
import { fmrForFpir, ImpostorScores } from "../domain/matching/threshold.js";

export interface RateDefaults {
  targetFmr: number;
  targetFpir: number;
  /** A fixed 1:1 threshold overriding the calibration (VERIFY_THRESHOLD). */
  fixedVerifyThreshold: number | undefined;
}

export class MatchThresholds {
  /** Each calibrated model's impostor scores, sorted once. */
  private readonly prepared = new Map<string, ImpostorScores>();

  constructor(
    /** Impostor scores of a model, or null when it has no calibration. */
    private readonly impostorsFor: (modelId: string) => readonly number[] | null,
    readonly defaults: RateDefaults,
  ) {}

  verify(modelId: string, targetFmr: number | null): number {
    if (this.defaults.fixedVerifyThreshold !== undefined) return this.defaults.fixedVerifyThreshold;
    return this.impostors(modelId).thresholdForRate(targetFmr ?? this.defaults.targetFmr);
  }

  identify(modelId: string, targetFpir: number | null, gallerySize: number): { threshold: number; review: number; fpir: number } {
    const fpir = targetFpir ?? this.defaults.targetFpir;
    const impostors = this.preparedFor(modelId);
    if (!impostors) {
      const fixed = this.verify(modelId, null);
      return { threshold: fixed, review: fixed, fpir };
    }
    const threshold = impostors.thresholdForRate(fmrForFpir(fpir, gallerySize));
    const review = impostors.thresholdForRate(fmrForFpir(fpir / 10, gallerySize));
    return { threshold, review: Math.max(threshold, review), fpir };
  }

  /**
   * A gallery's 1:N threshold and high-risk floor at its size, raised to the purpose's
   * `floor` (minMatchThreshold): what identification searches at, and what the duplicate
   * check at enrollment counts as the same face.
   */
  forGallery(gallery: { modelId: string; targetFpir: number | null }, size: number, floor: number | null): { threshold: number; review: number } {
    const base = this.identify(gallery.modelId, gallery.targetFpir, size);
    const threshold = Math.max(base.threshold, floor ?? -1);
    return { threshold, review: Math.max(threshold, base.review) };
  }

  private preparedFor(modelId: string): ImpostorScores | null {
    let prepared = this.prepared.get(modelId);
    if (!prepared) {
      const scores = this.impostorsFor(modelId);
      if (!scores) return null;
      prepared = new ImpostorScores(scores);
      this.prepared.set(modelId, prepared);
    }
    return prepared;
  }

  private impostors(modelId: string): ImpostorScores {
    const scores = this.preparedFor(modelId);
    if (!scores) throw new Error(`no calibration for model ${modelId}; run \`npm run calibrate\` or set VERIFY_THRESHOLD`);
    return scores;
  }
}
