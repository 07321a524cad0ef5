import type { VerificationRepository } from "../../domain/repositories.port.js";
import type { VerificationDecision } from "../../domain/verification.js";
import type { Db } from "./prisma-db.js";

export class PrismaVerificationRepository implements VerificationRepository {
  constructor(private readonly db: Db) {}

  async create(v: VerificationDecision): Promise<void> {
    await this.db.verification.create({ data: v });
  }
}
