-- 0009_gallery_migration: a gallery can be moved to a new embedding model. The move makes a
-- new gallery (on the server's current model) that names the one it replaces; subjects
-- re-enroll into it over time and their templates in the old gallery are destroyed then.
-- One successor per gallery.
ALTER TABLE "Gallery" ADD COLUMN "migratedFromId" TEXT REFERENCES "Gallery"("id") ON DELETE RESTRICT;
CREATE UNIQUE INDEX "Gallery_migratedFromId_key" ON "Gallery"("migratedFromId");
