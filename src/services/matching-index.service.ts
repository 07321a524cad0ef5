/**
 * The in-memory matching indexes, one per gallery and purpose (templates are bound to
 * their purpose, so a search never crosses purposes): exact search up to
 * `exactMax` templates, then an approximate graph index (HNSW) built from the exact one;
 * the kind in use is reported per gallery. Built at start by decrypting the
 * gallery's templates (each subject's data key from the vault), kept current on every
 * enrollment and every destruction (withdrawal, expiry, retention, erasure), and told of
 * the other processes' changes through the index sync (Redis). Also an erasure
 * participant: erasing a subject drops their vectors here and everywhere else.
 */
import { ExactIndex, type Candidate, type IndexEntry } from "../domain/matching/exact-index.js";
import type { ApproximateIndexFactory, IndexKind, VectorIndex } from "../domain/matching/vector-index.js";
import type { IndexChange, IndexSync } from "../domain/index-sync.port.js";
import type { SubjectKeys } from "./subject-key.js";
import type { Store } from "../domain/repositories.port.js";
import type { StoredTemplate, TemplateRef } from "../domain/template.js";
import type { TemplateCrypto } from "../domain/template-crypto.port.js";
import type { Logger } from "../observability/logger.js";
import type { ErasureParticipant } from "./erasure.service.js";

/** What services tell the index about templates, after their transaction committed. */
export interface TemplateEvents {
  added(template: TemplateRef & { galleryId: string }, vector: Float32Array): Promise<void>;
  removed(refs: readonly TemplateRef[]): Promise<void>;
}

interface GalleryIndex {
  tenantId: string;
  /** One index per purpose, created with its first vector (whose length fixes the dimension). */
  byPurpose: Map<string, VectorIndex>;
}

export interface IndexOptions {
  /** Above this many templates (per gallery and purpose) the approximate index takes over. */
  exactMax: number;
  /** null: always exact. */
  approximate: ApproximateIndexFactory | null;
}

export interface IndexInfo {
  purpose: string;
  kind: IndexKind;
  templates: number;
  /** Templates that failed authentication when decrypted: out of matching until re-enrolled. */
  quarantined: number;
}

export class MatchingIndexService implements TemplateEvents, ErasureParticipant {
  readonly store = "index" as const;
  private readonly galleries = new Map<string, GalleryIndex>();
  /** template id → gallery, for removals that know only the template. */
  private readonly galleryOfTemplate = new Map<string, string>();
  /** gallery id → template id → its purpose and subject, of templates whose ciphertext failed authentication. */
  private readonly quarantine = new Map<string, Map<string, { purpose: string; subjectId: string }>>();

  constructor(
    private readonly db: Store,
    private readonly keys: SubjectKeys,
    private readonly crypto: TemplateCrypto,
    private readonly sync: IndexSync,
    private readonly log: Logger,
    private readonly opts: IndexOptions = { exactMax: Number.POSITIVE_INFINITY, approximate: null },
  ) {}

  /** Loads every gallery of every tenant, and starts listening to the other processes. */
  async start(): Promise<{ galleries: number; templates: number }> {
    let templates = 0;
    for (const tenant of await this.db.tenants.list()) {
      for (const gallery of await this.db.galleries.list(tenant.id)) templates += await this.loadGallery(tenant.id, gallery.id);
    }
    await this.sync.subscribe((change) => void this.apply(change).catch((e: unknown) => this.log.error("could not apply an index change", { op: change.op, error: e })));
    return { galleries: this.galleries.size, templates };
  }

  /** Templates held for the gallery (for one purpose, or all). */
  size(galleryId: string, purpose?: string): number {
    const g = this.galleries.get(galleryId);
    if (!g) return 0;
    if (purpose !== undefined) return g.byPurpose.get(purpose)?.size ?? 0;
    return [...g.byPurpose.values()].reduce((n, ix) => n + ix.size, 0);
  }

  /** Templates held per gallery (every purpose), for the operator's metrics. */
  sizes(): { galleryId: string; templates: number }[] {
    return [...this.galleries].map(([galleryId, g]) => ({ galleryId, templates: [...g.byPurpose.values()].reduce((n, ix) => n + ix.size, 0) }));
  }

  /** Which kind of index serves each purpose of the gallery. */
  info(galleryId: string): IndexInfo[] {
    const g = this.galleries.get(galleryId);
    const bad = [...(this.quarantine.get(galleryId)?.values() ?? [])].map((q) => q.purpose);
    const purposes = new Set([...(g?.byPurpose.keys() ?? []), ...bad]);
    return [...purposes]
      .map((purpose) => {
        const ix = g?.byPurpose.get(purpose);
        return { purpose, kind: ix?.kind ?? "EXACT", templates: ix?.size ?? 0, quarantined: bad.filter((p) => p === purpose).length };
      })
      .sort((a, b) => (a.purpose < b.purpose ? -1 : 1));
  }

  /** The best template per subject among the gallery's templates for `purpose`, at least `minScore`. */
  search(galleryId: string, purpose: string, probe: Float32Array, k: number, minScore: number): Candidate[] {
    return this.galleries.get(galleryId)?.byPurpose.get(purpose)?.search(probe, k, minScore) ?? [];
  }

  // This process's index only: the transaction that made the change wrote the message
  // for the other processes into the outbox.
  async added(t: TemplateRef & { galleryId: string }, vector: Float32Array): Promise<void> {
    this.addLocal(t.tenantId, t.galleryId, { templateId: t.id, subjectId: t.subjectId, purpose: t.purpose }, vector);
  }

  async removed(refs: readonly TemplateRef[]): Promise<void> {
    for (const r of refs) this.removeLocal(r.id);
  }

  async eraseSubject(tenantId: string, subjectId: string): Promise<number> {
    return this.removeSubjectLocal(tenantId, subjectId);
  }

  /** Zeroes every vector held. */
  close(): void {
    for (const g of this.galleries.values()) for (const ix of g.byPurpose.values()) ix.clear();
    this.galleries.clear();
    this.galleryOfTemplate.clear();
  }

  private async apply(change: IndexChange): Promise<void> {
    if (change.op === "remove") for (const id of change.templateIds) this.removeLocal(id);
    else if (change.op === "removeSubject") this.removeSubjectLocal(change.tenantId, change.subjectId);
    else {
      // Delivery is at least once: a template already held is not added twice.
      if (this.galleryOfTemplate.has(change.templateId)) return;
      const t = await this.db.templates.findById(change.tenantId, change.templateId);
      if (!t) return;
      const [opened] = await this.decrypt(t.tenantId, t.subjectId, [t]);
      if (opened) {
        this.addLocal(t.tenantId, t.galleryId, { templateId: t.id, subjectId: t.subjectId, purpose: t.purpose }, opened.vector);
        opened.vector.fill(0);
      }
    }
  }

  private async loadGallery(tenantId: string, galleryId: string): Promise<number> {
    this.galleries.set(galleryId, { tenantId, byPurpose: new Map() });
    const templates = await this.db.templates.listForGallery(tenantId, galleryId);
    const bySubject = new Map<string, StoredTemplate[]>();
    for (const t of templates) bySubject.set(t.subjectId, [...(bySubject.get(t.subjectId) ?? []), t]);
    let n = 0;
    for (const [subjectId, list] of bySubject) {
      for (const { template: t, vector } of await this.decrypt(tenantId, subjectId, list)) {
        this.addLocal(tenantId, galleryId, { templateId: t.id, subjectId, purpose: t.purpose }, vector);
        vector.fill(0);
        n++;
      }
    }
    return n;
  }

  /**
   * Decrypts templates of one subject; none when the subject's key is gone (crypto-shredded).
   * A template (or a subject's key) that fails authentication is quarantined and logged by
   * id, and the others load: one corrupt row must not keep the server from starting.
   */
  private async decrypt(tenantId: string, subjectId: string, list: readonly StoredTemplate[]): Promise<{ template: StoredTemplate; vector: Float32Array }[]> {
    try {
      const opened = await this.keys.tryWith(tenantId, subjectId, (key) =>
        list.flatMap((t) => {
          try {
            return [{ template: t, vector: this.crypto.open(key, t.ciphertext, { tenantId, subjectId, templateId: t.id, modelId: t.modelId }) }];
          } catch {
            this.quarantineTemplate(t, "ciphertext");
            return [];
          }
        }),
      );
      return opened ?? [];
    } catch {
      for (const t of list) this.quarantineTemplate(t, "subject key");
      return [];
    }
  }

  private quarantineTemplate(t: StoredTemplate, what: string): void {
    const g = this.quarantine.get(t.galleryId) ?? new Map<string, { purpose: string; subjectId: string }>();
    g.set(t.id, { purpose: t.purpose, subjectId: t.subjectId });
    this.quarantine.set(t.galleryId, g);
    this.log.error(`template quarantined: its ${what} failed authentication`, { templateId: t.id, galleryId: t.galleryId });
  }

  private addLocal(tenantId: string, galleryId: string, entry: IndexEntry, vector: Float32Array): void {
    let g = this.galleries.get(galleryId);
    if (!g) {
      g = { tenantId, byPurpose: new Map() };
      this.galleries.set(galleryId, g);
    }
    let ix = g.byPurpose.get(entry.purpose);
    if (!ix) {
      ix = new ExactIndex(vector.length);
      g.byPurpose.set(entry.purpose, ix);
    }
    ix.add(entry, vector);
    this.galleryOfTemplate.set(entry.templateId, galleryId);
    if (ix instanceof ExactIndex && ix.size > this.opts.exactMax && this.opts.approximate) {
      const approximate = this.opts.approximate(ix.dim);
      for (const [e, v] of ix.entriesWithVectors()) approximate.add(e, v);
      ix.clear();
      g.byPurpose.set(entry.purpose, approximate);
      this.log.info("matching index switched to approximate search", { galleryId, purpose: entry.purpose, kind: approximate.kind, indexedFaces: approximate.size });
    }
  }

  private removeLocal(templateId: string): void {
    for (const g of this.quarantine.values()) g.delete(templateId);
    const galleryId = this.galleryOfTemplate.get(templateId);
    if (galleryId === undefined) return;
    for (const ix of this.galleries.get(galleryId)?.byPurpose.values() ?? []) if (ix.remove(templateId)) break;
    this.galleryOfTemplate.delete(templateId);
  }

  private removeSubjectLocal(tenantId: string, subjectId: string): number {
    let n = 0;
    for (const g of this.quarantine.values()) for (const [id, q] of g) if (q.subjectId === subjectId) g.delete(id);
    for (const g of this.galleries.values()) {
      if (g.tenantId !== tenantId) continue;
      for (const ix of g.byPurpose.values()) n += ix.removeSubject(subjectId);
    }
    for (const [templateId, galleryId] of [...this.galleryOfTemplate]) {
      const g = this.galleries.get(galleryId);
      if (g && ![...g.byPurpose.values()].some((ix) => ix.has(templateId))) this.galleryOfTemplate.delete(templateId);
    }
    return n;
  }
}
