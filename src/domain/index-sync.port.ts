/**
 * How matching-index changes made by one process reach every other (within seconds):
 * Redis pub/sub in src/adapters/jobs/redis-index-sync.ts, nothing in embedded mode (one
 * process). Messages carry ids only; a receiver reads and decrypts what it needs itself.
 */
export type IndexChange =
  | { op: "add"; tenantId: string; galleryId: string; templateId: string }
  | { op: "remove"; tenantId: string; templateIds: string[] }
  | { op: "removeSubject"; tenantId: string; subjectId: string };

export interface IndexSync {
  publish(change: IndexChange): Promise<void>;
  /** Changes published by other processes. */
  subscribe(handler: (change: IndexChange) => void): Promise<void>;
  /** False while the channel (Redis) is unreachable. */
  ready(): boolean;
  close(): Promise<void>;
}

export const localIndexSync: IndexSync = {
  publish: async () => {},
  subscribe: async () => {},
  ready: () => true,
  close: async () => {},
};
