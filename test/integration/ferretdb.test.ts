import mongoose, { Schema } from 'mongoose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';

interface Account {
  email: string;
  name: string;
}
interface Counter {
  _id: string;
  seq: number;
}

const accountSchema = new Schema<Account>({
  email: { type: String, required: true, unique: true },
  name: { type: String, required: true },
});
const counterSchema = new Schema<Counter>({ _id: String, seq: { type: Number, default: 0 } });

describe('FerretDB (embedded, SQLite) with mongoose', () => {
  const root = mkdtempSync(join(tmpdir(), 'iacs-ferretdb-'));
  const dataDir = join(root, 'data');
  let server: RunningFerretDb;
  let connection: mongoose.Connection;

  const models = (conn: mongoose.Connection) => ({
    Account: conn.model<Account>('Account', accountSchema),
    Counter: conn.model<Counter>('Counter', counterSchema),
  });

  beforeAll(async () => {
    server = await startFerretDb({ dataDir, logDir: root });
    connection = await mongoose.createConnection(server.uri, { dbName: 'itest', serverSelectionTimeoutMS: 10_000 }).asPromise();
  });

  afterAll(async () => {
    await connection?.close();
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves a mongodb:// URI on 127.0.0.1', () => {
    expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/`);
  });

  it('creates a unique index and reports duplicates with code 11000', async () => {
    const { Account } = models(connection);
    await Account.createIndexes();
    const indexes = await Account.collection.indexes();
    expect(indexes.find((index) => index.key.email === 1)?.unique).toBe(true);

    await Account.create({ email: 'avery@example.test', name: 'Avery' });
    const duplicate = await Account.create({ email: 'avery@example.test', name: 'Other' }).catch((err: unknown) => err);
    expect(duplicate).toMatchObject({ code: 11000 });
    expect(await Account.countDocuments()).toBe(1);
  });

  it('upserts with $inc through findOneAndUpdate', async () => {
    const { Counter } = models(connection);
    const options = { upsert: true, returnDocument: 'after' } as const;
    const first = await Counter.findOneAndUpdate({ _id: 'registrations' }, { $inc: { seq: 1 } }, options);
    const second = await Counter.findOneAndUpdate({ _id: 'registrations' }, { $inc: { seq: 1 } }, options);
    expect(first?.seq).toBe(1);
    expect(second?.seq).toBe(2);
  });

  it('keeps data across a restart on the same data dir', async () => {
    await connection.close();
    await server.stop();

    server = await startFerretDb({ dataDir, logDir: root });
    connection = await mongoose.createConnection(server.uri, { dbName: 'itest', serverSelectionTimeoutMS: 10_000 }).asPromise();
    const { Account, Counter } = models(connection);
    expect(await Account.findOne({ email: 'avery@example.test' }).lean()).toMatchObject({ name: 'Avery' });
    expect((await Counter.findById('registrations').lean())?.seq).toBe(2);
    const duplicate = await Account.create({ email: 'avery@example.test', name: 'Again' }).catch((err: unknown) => err);
    expect(duplicate).toMatchObject({ code: 11000 });
  });
});
