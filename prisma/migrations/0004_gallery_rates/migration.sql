-- 0004_gallery_rates: galleries state their error rates, not score thresholds: a target
-- false-match rate for 1:1 and a false-positive identification rate for 1:N, turned
-- into thresholds from the calibration data of the gallery's model.
ALTER TABLE "Gallery" ADD COLUMN "targetFmr" DOUBLE PRECISION;
ALTER TABLE "Gallery" ADD COLUMN "targetFpir" DOUBLE PRECISION;
